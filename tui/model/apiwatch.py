"""Settings the app reads through the Kubernetes API: a ConfigMap or Secret named by a flag, a variable or a fixed name."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tui.model.env import EnvVar, resolve_env
from tui.model.flags import parse_command_line
from tui.model.layers import Setting, Source
from tui.model.mechanisms import Mechanism, mechanism_spec, source_plan
from tui.model.objects import ClusterObjects, configmap_keys, configmap_value
from tui.model.ownership import auto_restart, managed_by
from tui.model.profiles import Profile, ProfileSet
from tui.model.reloads import ApiWatch
from tui.model.workload import Container, Workload

WATCHED = "watched through the API"


@dataclass(frozen=True)
class WatchedObject:
    kind: str
    namespace: str
    name: str
    via: str  # what names it: `--configmap`, `env INIT_CONFIG`, `fixed name`, `default name`
    how: str  # the same in words for the evidence: "named by --configmap", "by its fixed name"
    watch: ApiWatch


def watched_objects(
    workload: Workload, profile: Profile | None, flag_values: Mapping[str, str], env: Mapping[str, str]
) -> list[WatchedObject]:
    """The objects a container's profile says it reads through the API, in the profile's order."""
    found: list[WatchedObject] = []
    for watch in profile.watches if profile else ():
        named = watch.resolve(flag_values, env)
        if named is None:
            continue
        value, via, how = named
        namespace, _, name = value.rpartition("/")  # `--configmap=ingress-nginx/controller`
        found.append(WatchedObject(watch.kind, namespace or workload.namespace, name, via, how, watch))
    return found


def watched_through_api(
    workload: Workload, objects: ClusterObjects, profiles: ProfileSet
) -> list[WatchedObject]:
    """Every object the workload's containers read through the API (for the ConfigMap → workload index)."""
    found: list[WatchedObject] = []
    for container in workload.containers:
        profile = profiles.for_container(workload, container)
        if profile is None or not profile.watches:
            continue
        _, env = resolve_env(container, objects, workload.namespace)
        command = parse_command_line(container.command, container.args, env, profile.flag_types)
        flags = {flag.bare_name: flag.value for flag in command.flags if flag.value is not None}
        found.extend(watched_objects(workload, profile, flags, env))
    return found


def _missing_labels(watch: ApiWatch, obj: Mapping | None) -> list[str]:
    labels = ((obj or {}).get("metadata") or {}).get("labels") or {}
    return [f"{k}={v}" for k, v in watch.labels if labels.get(k) != v]


def _also_in_env(env_vars: Sequence[EnvVar], kind: str, name: str, key: str) -> EnvVar | None:
    """A variable that takes this key of the same object: the app reads that copy once at start."""
    return next(
        (
            var
            for var in env_vars
            if var.kind == kind and var.source == name and (var.key == key or var.consumed == "envFrom")
        ),
        None,
    )


def api_settings(
    context, container: Container, profile: Profile | None, flag_values, env_values, env_vars
) -> list[Setting]:
    workload = context.workload
    if container.init or profile is None:
        return []  # an init container has ended before any edit could reach it
    settings: list[Setting] = []
    for watched in watched_objects(workload, profile, flag_values, env_values):
        kind, name = watched.kind, watched.name
        get = context.objects.configmap if kind == "ConfigMap" else context.objects.secret
        obj = get(watched.namespace, name)
        missing = _missing_labels(watched.watch, obj) if obj is not None else []
        if missing:
            continue  # the app's informer selects by these labels: it never sees this object
        where = f"{kind} {name}" + (
            f" in {watched.namespace}" if watched.namespace != workload.namespace else ""
        )
        evidence = [
            f"{WATCHED}: declared by profile {profile.name}: the app reads {where}, {watched.how},"
            " through the Kubernetes API and applies a change within seconds, with no kubelet delay"
        ]
        if watched.watch.labels:
            needs = ", ".join(f"{k}={v}" for k, v in watched.watch.labels)
            evidence.append(f"the app sees it only while it carries the label {needs}")
        if obj is None:
            evidence.append(f"{kind} {name} is not known here: its keys are unknown")
        auto, auto_evidence = auto_restart(workload, kind, name, obj)
        if auto_evidence:
            evidence.append(auto_evidence)
        manager = managed_by(obj)
        common = dict(
            **context.base(container),
            auto_restart=auto,
            managed_by=manager,
            configmap=name,
            secret=kind == "Secret",
            consumed="api",
            via=watched.via,
        )
        keys = configmap_keys(obj)
        if not keys:
            plan = source_plan(Mechanism.API_WATCH, workload, kind, name, auto, manager)
            settings.append(
                Setting(
                    **common,
                    source=Source.API,
                    name=f"{name}/*",
                    value=None,
                    layer=mechanism_spec(Mechanism.API_WATCH).layer,
                    mechanism=Mechanism.API_WATCH,
                    evidence=tuple(evidence),
                    plan=plan,
                )
            )
            continue
        for key in keys:
            mechanism, key_evidence = Mechanism.API_WATCH, list(evidence)
            var = _also_in_env(env_vars, kind, name, key)
            if var is not None:
                mechanism = Mechanism.READ_AT_START
                key_evidence.insert(
                    0,
                    f"{key} also reaches container {container.name} as env {var.name} ({var.consumed}):"
                    " the app takes that value once at start",
                )
            settings.append(
                Setting(
                    **common,
                    source=Source.API_KEY,
                    name=f"{name}/{key}",
                    value=None if kind == "Secret" else configmap_value(obj, key),
                    layer=mechanism_spec(mechanism).layer,
                    mechanism=mechanism,
                    key=key,
                    evidence=tuple(key_evidence),
                    plan=source_plan(mechanism, workload, kind, name, auto, manager),
                )
            )
    return settings
