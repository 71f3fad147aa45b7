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
        for watched in watched_objects(workload, profile, flags, env):
            get = objects.configmap if watched.kind == "ConfigMap" else objects.secret
            obj = get(watched.namespace, watched.name)
            if obj is None or not _missing_labels(watched.watch, obj):  # the app's informer sees it
                found.append(watched)
    for sidecar in label_sidecars(workload):
        selector = f"k8s-sidecar {sidecar.label}"
        for kind, obj in labelled_objects(workload, objects, sidecar):
            meta = obj["metadata"]
            how = f"selected by sidecar {sidecar.container}"
            found.append(
                WatchedObject(
                    kind, meta.get("namespace") or "default", meta["name"], selector, how, ApiWatch(kind)
                )
            )
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


@dataclass(frozen=True)
class LabelSidecar:
    """kiwigrid's k8s-sidecar: it lists the objects carrying a label, writes their keys into a folder, calls a URL."""

    container: str
    label: str
    value: str | None  # LABEL_VALUE: only objects whose label has this value
    folder: str
    url: str
    namespace: str | None  # NAMESPACE: None for the pod's own, ALL for every namespace
    resources: tuple[str, ...]  # ConfigMap, Secret

    def selects(self, obj: Mapping, namespace: str) -> bool:
        meta = obj.get("metadata") or {}
        labels = meta.get("labels") or {}
        wanted = self.namespace or namespace
        if wanted != "ALL" and meta.get("namespace") not in wanted.split(","):
            return False
        return self.label in labels and (self.value is None or labels[self.label] == self.value)


def label_sidecars(workload: Workload) -> list[LabelSidecar]:
    found = []
    for container in workload.containers:
        if not container.image_repository.endswith("k8s-sidecar"):
            continue
        env = {str(e.get("name")): str(e["value"]) for e in container.env if "value" in e}
        # METHOD=LIST copies once and exits; without REQ_URL the app must look at the folder itself
        if not env.get("LABEL") or not env.get("REQ_URL") or env.get("METHOD", "WATCH").upper() == "LIST":
            continue
        resource = env.get("RESOURCE", "configmap").lower()
        kinds = {"configmap": ("ConfigMap",), "secret": ("Secret",), "both": ("ConfigMap", "Secret")}
        found.append(
            LabelSidecar(
                container.name,
                env["LABEL"],
                env.get("LABEL_VALUE"),
                env.get("FOLDER", ""),
                env["REQ_URL"],
                env.get("NAMESPACE"),
                kinds.get(resource, ("ConfigMap",)),
            )
        )
    return found


def _reader(workload: Workload, sidecar: LabelSidecar, by_name: Mapping[str, Container]) -> Container:
    """The container that reads the folder the sidecar writes: it mounts the same volume; else the sidecar."""
    own = by_name[sidecar.container]
    volumes = {
        str(m.get("name"))
        for m in own.volume_mounts
        if str(m.get("mountPath", "")).rstrip("/") == sidecar.folder.rstrip("/")
    }
    for container in workload.containers:
        if container.name != sidecar.container and any(
            str(m.get("name")) in volumes for m in container.volume_mounts
        ):
            return container
    return own


def labelled_objects(
    workload: Workload, objects: ClusterObjects, sidecar: LabelSidecar
) -> list[tuple[str, dict]]:
    everything = [("ConfigMap", obj) for obj in objects.configmaps()]
    if "Secret" in sidecar.resources:
        everything += [("Secret", obj) for obj in objects.secrets()]
    return [
        (kind, obj)
        for kind, obj in everything
        if kind in sidecar.resources and sidecar.selects(obj, workload.namespace)
    ]


def label_sidecar_settings(context) -> list[Setting]:
    """Every key of every object a k8s-sidecar selects, as a setting of the container that reads the folder."""
    from tui.model.mechanisms import API_WATCH_S
    from tui.model.plans import Trigger

    workload = context.workload
    by_name = {c.name: c for c in workload.containers}
    settings: list[Setting] = []
    for sidecar in label_sidecars(workload):
        reader = _reader(workload, sidecar, by_name)
        selector = sidecar.label + (f"={sidecar.value}" if sidecar.value else "")
        trigger = Trigger(sidecar.container, target=sidecar.url, through_api=True)
        for kind, obj in labelled_objects(workload, context.objects, sidecar):
            name = obj["metadata"]["name"]
            auto, auto_evidence = auto_restart(workload, kind, name, obj)
            manager = managed_by(obj)
            for key in configmap_keys(obj) or []:
                evidence = [
                    f"reloaded by sidecar {sidecar.container} (k8s-sidecar): it reads the {kind}s labelled"
                    f" {selector} through the Kubernetes API, writes {key} into {sidecar.folder} and calls"
                    f" {sidecar.url}"
                ]
                if auto_evidence:
                    evidence.append(auto_evidence)
                settings.append(
                    Setting(
                        **{**context.base(reader), "init": False},
                        source=Source.API_KEY,
                        name=f"{name}/{key}",
                        value=None if kind == "Secret" else configmap_value(obj, key),
                        layer=mechanism_spec(Mechanism.SIDECAR).layer,
                        mechanism=Mechanism.SIDECAR,
                        takes_effect_s=API_WATCH_S,
                        auto_restart=auto,
                        managed_by=manager,
                        evidence=tuple(evidence),
                        plan=source_plan(Mechanism.SIDECAR, workload, kind, name, auto, manager, trigger),
                        configmap=name,
                        secret=kind == "Secret",
                        key=key,
                        consumed="api",
                        trigger=sidecar.container,
                        via=f"k8s-sidecar {selector}",
                    )
                )
    return settings
