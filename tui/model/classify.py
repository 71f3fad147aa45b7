"""Every setting of a workload, with its layer, the evidence for it, and the plan to change it."""

from __future__ import annotations

import re
from collections.abc import Mapping

from tui.model.apiwatch import api_settings, label_sidecar_settings
from tui.model.declarations import Declaration, annotation_declarations, declared_profile
from tui.model.env import EnvVar, resolve_env
from tui.model.files import file_settings, merge_duplicates, unknown_mount_setting
from tui.model.flags import CommandLine, Flag, infer_value_type, parse_command_line, validate_value
from tui.model.layers import Setting, Source, layer_summary
from tui.model.mechanisms import Mechanism, mechanism_spec, source_plan
from tui.model.mounts import ConfigMapMount, MountedFile, container_mounts, mounted_files
from tui.model.objects import ClusterObjects, is_immutable
from tui.model.ownership import auto_restart, managed_by, managed_by_meta
from tui.model.plans import pod_template_plan
from tui.model.profiles import Profile, ProfileSet
from tui.model.rules import INIT_EVIDENCE
from tui.model.sidecars import reload_sidecars
from tui.model.workload import Container, Workload

__all__ = ["classify", "layer_summary"]

AT_START = "read once at start"
_REFERENCE = re.compile(r"(?<!\$)\$\((\w+)\)")


class _Context:
    """What every container of one workload shares during classification."""

    def __init__(self, workload: Workload, objects: ClusterObjects, profiles: ProfileSet) -> None:
        self.workload = workload
        self.objects = objects
        self.profiles = profiles
        annotations = {**workload.template_annotations, **workload.annotations}
        self.annotation_declarations = annotation_declarations(annotations)
        self.profile_name = declared_profile(annotations)
        self.workload_manager = managed_by_meta(workload.labels, workload.annotations)
        self.observed: Mapping[str, str] = {}
        self.sidecars = reload_sidecars(workload)

    def profile_for(self, container: Container) -> tuple[Profile | None, str]:
        if self.profile_name == "none":
            return None, ""
        if self.profile_name:
            profile = self.profiles.get(self.profile_name)
            if profile is not None:
                return profile, f"annotation kubeknobs.io/profile names profile {profile.name}"
        return self.profiles.for_container(self.workload, container), ""

    def source_obj(self, kind: str, name: str) -> dict | None:
        ns = self.workload.namespace
        return self.objects.configmap(ns, name) if kind == "ConfigMap" else self.objects.secret(ns, name)

    def absent(self, kind: str, name: str) -> str:
        return self.objects.absent(kind, self.workload.namespace, name)

    def base(self, container: Container) -> dict:
        return {
            "namespace": self.workload.namespace,
            "workload": self.workload.ref,
            "container": container.name,
            "init": container.init,
        }


def classify(
    workload_obj: Mapping | Workload,
    objects: ClusterObjects,
    profiles: ProfileSet,
    observed: Mapping[str, str] | None = None,
) -> list[Setting]:
    """Raises WorkloadError for an object that is not a readable workload.

    `observed` maps a file setting name (`<configmap>/<key>`) to what was seen in the
    pods' logs, e.g. "pod web-1 logged a reload of /etc/app/app.yaml"; it upgrades an
    undeclared file to hot-reload with that as evidence.
    """
    workload = workload_obj if isinstance(workload_obj, Workload) else Workload.from_api(workload_obj)
    context = _Context(workload, objects, profiles)
    context.observed = observed or {}
    settings: list[Setting] = []
    for container in workload.all_containers:
        settings.extend(_container_settings(context, container))
    settings.extend(label_sidecar_settings(context))
    return settings


def _container_settings(context: _Context, container: Container) -> list[Setting]:
    workload = context.workload
    env_vars, env_values = resolve_env(container, context.objects, workload.namespace)
    profile, profile_reason = context.profile_for(container)
    command = parse_command_line(
        container.command, container.args, env_values, profile.flag_types if profile else None
    )
    # a bare boolean flag (`--web.enable-lifecycle`) is there as "true"
    flag_values = {flag.bare_name: flag.value if flag.value is not None else "true" for flag in command.flags}
    referenced = frozenset(
        [v for v in flag_values.values() if v.startswith("/")]
        + [v.value for v in env_vars if v.value and v.value.startswith("/")]
    )
    declarations = list(context.annotation_declarations)
    if profile is not None:
        declarations.extend(Declaration(rule, f"profile {profile.name}") for rule in profile.files)

    found_files: list[Setting] = []
    files_by_path: dict[str, MountedFile] = {}
    mounts = container_mounts(workload, container, env_values)
    for mount in mounts:
        files = mounted_files(mount, context.objects, workload.namespace, referenced)
        if files is None:
            found_files.append(unknown_mount_setting(context, container, mount))
            continue
        for mounted in files:
            files_by_path.setdefault(mounted.path, mounted)
            found_files.extend(
                file_settings(context, container, mounted, declarations, flag_values, env_values)
            )
    env_by_name = {var.name: var for var in env_vars}
    settings = _flag_settings(
        context, container, command, profile, profile_reason, files_by_path, mounts, env_by_name
    )
    settings += _env_settings(context, container, env_vars, files_by_path)
    settings += api_settings(context, container, profile, flag_values, env_values, env_vars)
    settings += merge_duplicates(found_files)
    return settings


def _link(value: str | None, files_by_path: Mapping[str, MountedFile], mounts: list[ConfigMapMount]):
    """(linked file setting name, evidence) for a value that points into a ConfigMap mount."""
    if not value or not value.startswith("/"):
        return None, None
    mounted = files_by_path.get(value.rstrip("/") or "/")
    if mounted is not None:
        return mounted.name, f"points at {mounted.name}, mounted at {mounted.path}"
    for mount in mounts:
        if value.rstrip("/") == mount.mount_path.rstrip("/"):
            return None, f"points at the directory where {mount.kind} {mount.source} is mounted"
    return None, None


def _flag_source(context, flag: Flag, env_by_name: Mapping[str, EnvVar]):
    """(evidence lines, the ConfigMap/Secret variable the whole value comes from) for `$(VAR)` in a flag."""
    evidence, whole = [], None
    written_value = flag.written_value
    for name in _REFERENCE.findall(" ".join(flag.written)):
        var = env_by_name.get(name)
        if var is None:
            continue
        if var.kind:
            evidence.append(f"takes $({name}) from {var.kind} {var.source} key {var.key}")
            if written_value == f"$({name})":
                whole = var
        else:
            evidence.append(f"takes $({name}) from env {name} in the pod template")
    return evidence, whole


def _flag_settings(
    context, container, command: CommandLine, profile, profile_reason, files_by_path, mounts, env_by_name
):
    workload = context.workload
    grouped: dict[str, list[Flag]] = {}
    for flag in command.flags:
        grouped.setdefault(flag.name, []).append(flag)
    settings = []
    for name, occurrences in grouped.items():
        flag = occurrences[-1]
        spec = profile.flags.get(flag.bare_name) if profile else None
        values = [f.value if f.value is not None else "true" for f in occurrences]
        value = "\n".join(values)  # a repeated flag (Gatekeeper's --operation) has each value on a line
        value_type = spec.type if spec else flag.value_type
        evidence = [f"command-line flag: {AT_START}"]
        if container.init:
            evidence.append(INIT_EVIDENCE)
        evidence.extend(command.notes)
        if flag.note:
            evidence.append(flag.note)
        if len(occurrences) > 1:
            evidence.append(
                f"given {len(occurrences)} times ({', '.join(map(repr, values))}): a repeatable flag takes"
                " every value, a single-value flag keeps the last"
            )
        if profile_reason:
            evidence.append(profile_reason)
        if spec is not None:
            evidence.append(
                f"declared by profile {profile.name}: {flag.name} is a {spec.type}"
                + (" greater than 0" if spec.positive else "")
                + (f" (one of {', '.join(spec.choices)})" if spec.choices else "")
                + (" naming the config file" if spec.config_file else "")
            )
            for one in values:
                problem = validate_value(
                    spec.type, one, positive=spec.positive, choices=spec.choices, any_case=spec.any_case
                )
                if problem:
                    evidence.append(f"invalid value, the app fails at start: {problem}")
        linked, link_evidence = _link(flag.value, files_by_path, mounts)
        if link_evidence:
            evidence.append(link_evidence)
        elif spec is not None and spec.config_file and flag.value:
            evidence.append(
                f"no ConfigMap mount provides {flag.value}: it comes from the image or another volume"
            )
        reference_evidence, var = _flag_source(context, flag, env_by_name)
        evidence.extend(reference_evidence)
        auto, manager, mechanism = None, context.workload_manager, Mechanism.FLAG
        plan = pod_template_plan(workload, manager)
        if var is not None:
            obj = context.source_obj(var.kind, var.source)
            auto, auto_evidence = auto_restart(workload, var.kind, var.source, obj)
            if auto_evidence:
                evidence.append(auto_evidence)
            manager = managed_by(obj)
            mechanism = Mechanism.IMMUTABLE if is_immutable(obj) else Mechanism.FLAG
            plan = source_plan(mechanism, workload, var.kind, var.source, auto, manager)
        settings.append(
            Setting(
                **context.base(container),
                source=Source.FLAG,
                name=name,
                value=value,
                layer=mechanism_spec(mechanism).layer,
                mechanism=mechanism,
                auto_restart=auto,
                managed_by=manager,
                evidence=tuple(evidence),
                plan=plan,
                value_type=value_type,
                consumed="flag",
                linked_file=linked,
                configmap=var.source if var else None,
                secret=bool(var and var.secret),
                key=var.key if var else None,
                positive=bool(spec and spec.positive),
                choices=spec.choices if spec else (),
                any_case=bool(spec and spec.any_case),
            )
        )
    return settings


def _env_settings(context, container, env_vars: list[EnvVar], files_by_path) -> list[Setting]:
    workload = context.workload
    settings = []
    for var in env_vars:
        evidence: list[str] = []
        linked, link_evidence = _link(var.value, files_by_path, [])
        if var.kind is None:
            if var.consumed == "literal":
                evidence.append(f"literal env value in the pod template: {AT_START}")
            else:
                evidence.append(
                    f"set by the kubelet from {var.field or var.consumed} ({var.consumed}): {AT_START}"
                )
            mechanism, auto, manager = Mechanism.ENV, None, context.workload_manager
            plan = pod_template_plan(workload, manager)
        else:
            assert var.source is not None  # a ConfigMap or Secret variable always names its source
            obj = context.source_obj(var.kind, var.source)
            how = (
                f"via envFrom{f' (prefix {var.prefix})' if var.prefix else ''}"
                if var.consumed == "envFrom"
                else "via env valueFrom"
            )
            what = f"{var.kind} {var.source}" + (f" key {var.key}" if var.key else "")
            evidence.append(f"{what} {how}: {AT_START}")
            if var.missing:
                absent = (
                    context.absent(var.kind, var.source)
                    if obj is None
                    else f"{var.kind} {var.source} has no key {var.key}"
                )
                consequence = (
                    "optional: the variable is unset without it"
                    if var.optional
                    else "if it is missing in the cluster too, the container cannot start"
                )
                evidence.append(f"{absent}; {consequence}")
            mechanism = Mechanism.ENV
            if is_immutable(obj):
                mechanism = Mechanism.IMMUTABLE
                evidence.append(f"{var.kind} {var.source} is immutable: its data cannot change")
            auto, auto_evidence = auto_restart(workload, var.kind, var.source, obj)
            if auto_evidence:
                evidence.append(auto_evidence)
            manager = managed_by(obj)
            plan = source_plan(mechanism, workload, var.kind, var.source, auto, manager)
        if container.init:
            evidence.append(INIT_EVIDENCE)
        if var.overrides:
            evidence.append(var.overrides)
        if link_evidence:
            evidence.append(link_evidence)
        settings.append(
            Setting(
                **context.base(container),
                source=Source.ENV,
                name=var.name,
                value=None if var.secret else var.value,
                layer=mechanism_spec(mechanism).layer,
                mechanism=mechanism,
                auto_restart=auto,
                managed_by=manager,
                evidence=tuple(evidence),
                plan=plan,
                value_type=_env_type(var.value),
                configmap=var.source,
                secret=var.secret,
                key=var.key,
                consumed=var.consumed,
                linked_file=linked,
            )
        )
    return settings


def _env_type(value: str | None) -> str:
    return "string" if value is None else infer_value_type(value)
