"""Settings held in files that ConfigMaps and Secrets put in a container, key paths included."""

from __future__ import annotations

from dataclasses import replace

from tui.model.content import key_paths
from tui.model.declarations import Declaration
from tui.model.flags import infer_value_type
from tui.model.layers import LAYER_STRICTNESS, Layer, Setting, Source
from tui.model.mounts import ConfigMapMount, MountedFile
from tui.model.objects import configmap_value, is_immutable
from tui.model.ownership import auto_restart, managed_by
from tui.model.plans import source_plan
from tui.model.profiles import ValueSpec

INIT_EVIDENCE = "init container: it runs once when the pod starts"


def _value_type(value: str | None) -> str:
    return "string" if value is None else infer_value_type(value)


def _file_layer(context, container, mounted: MountedFile, obj, declaration: Declaration | None, content):
    """(layer, evidence) for a whole mounted file."""
    mount = mounted.mount
    if is_immutable(obj):
        return Layer.IMMUTABLE, [f"{mount.kind} {mount.source} is immutable: its data cannot change"]
    if container.init:
        return Layer.RESTART, [INIT_EVIDENCE]
    if mount.consumed == "subPath":
        return Layer.RESTART, [
            f"mounted with subPath at {mounted.path}: the kubelet copies the file once at start"
            " and never updates it"
        ]
    if declaration is not None:
        watched = declaration.rule.watched
        name = mounted.key
        if declaration.rule.watched_when is not None and content is not None:
            rule = declaration.rule
            found = rule.watched_when.search(content)
            if rule.note:
                has = f"{name} has the {rule.note}" if found else f"{name} has no {rule.note}"
            else:
                has = f"{name} {'matches' if found else 'does not match'} {rule.watched_when.pattern!r}"
            if found:
                return Layer.HOT_RELOAD, [f"declared by {declaration.origin}: {has}, the app re-reads it"]
            return Layer.RESTART, [f"declared by {declaration.origin}: {has}, the app reads it only at start"]
        if declaration.rule.watched_when is not None and content is None:
            return Layer.FILE_PROPAGATES, [
                f"inferred from mount semantics: {declaration.origin} decides by the content of {name},"
                " which is not known here"
            ]
        if watched is True:
            return Layer.HOT_RELOAD, [
                f"declared by {declaration.origin}: the app watches {name} and applies changes"
            ]
        if watched is False:
            return Layer.RESTART, [f"declared by {declaration.origin}: the app reads {name} only at start"]
    via = "projected volume" if mount.projected else f"{mount.kind} volume"
    return Layer.FILE_PROPAGATES, [
        f"inferred from mount semantics: {via} without subPath, the kubelet updates the file"
        " (60–90 s); nothing declares that the app re-reads it"
    ]


def file_settings(context, container, mounted: MountedFile, declarations, flag_values, env_values):
    workload = context.workload
    mount = mounted.mount
    obj = context.source_obj(mount.kind, mount.source)
    secret = mount.kind == "Secret"
    content = None if secret else configmap_value(obj, mounted.key)
    declaration = next(
        (d for d in declarations if d.rule.matches(mounted.path, mounted.key, flag_values, env_values)), None
    )
    layer, evidence = _file_layer(context, container, mounted, obj, declaration, content)
    seen = context.observed.get(mounted.name)
    if seen:
        if layer == Layer.FILE_PROPAGATES:
            layer, evidence = Layer.HOT_RELOAD, [f"observed: {seen}", *evidence[1:]]
        else:
            evidence.append(f"observed: {seen}")
    if obj is None:
        evidence.append(
            f"{mount.kind} {mount.source} is not known here"
            + (f"; key {mounted.key} inferred from {mounted.path}" if mounted.inferred_key else "")
            + ("; optional: the pod starts without it" if mount.optional else "")
        )
    auto, auto_evidence = auto_restart(workload, mount.kind, mount.source, obj)
    if auto_evidence:
        evidence.append(auto_evidence)
        if auto == "reloader" and layer == Layer.HOT_RELOAD:
            evidence.append("Reloader rolls the pods even though the app would reload this file live")
    manager = managed_by(obj)
    common = dict(
        **context.base(container),
        auto_restart=auto,
        managed_by=manager,
        configmap=mount.source,
        secret=secret,
        key=mounted.key,
        mount_path=mounted.path,
        sub_path=mount.sub_path,
        consumed=mount.consumed,
    )
    settings = []
    key_settings: list[Setting] = []
    if declaration is not None and declaration.rule.describes_keys and content is not None:
        parsed = key_paths(declaration.rule.format, content)
        if parsed.error:
            evidence.append(f"{mounted.key} is {parsed.error}; its keys are not shown")
        if parsed.truncated:
            evidence.append(f"only the first {len(parsed.leaves)} key paths are shown")
        for key_path, value in parsed.leaves:
            key_layer, key_evidence = _key_layer(layer, evidence[0], declaration, mounted.key, key_path)
            spec = declaration.rule.value_spec(key_path) or ValueSpec()
            key_settings.append(
                Setting(
                    **common,
                    source=Source.FILE_KEY,
                    name=f"{mounted.name}#{key_path}",
                    value=value,
                    layer=key_layer,
                    evidence=tuple([key_evidence, *evidence[1:]]),
                    plan=source_plan(key_layer, workload, mount.kind, mount.source, auto, manager),
                    value_type=spec.type or _value_type(value),
                    key_path=key_path,
                    positive=spec.positive,
                    choices=spec.choices,
                    any_case=spec.any_case,
                )
            )
        restart_keys = sum(1 for s in key_settings if s.layer == Layer.RESTART)
        if layer == Layer.HOT_RELOAD and restart_keys:
            evidence.append(f"key paths read only at start: {restart_keys} of {len(key_settings)}")
    settings.append(
        Setting(
            **common,
            source=Source.FILE,
            name=mounted.name,
            value=content,
            layer=layer,
            evidence=tuple(evidence),
            plan=source_plan(layer, workload, mount.kind, mount.source, auto, manager),
        )
    )
    return settings + key_settings


def _key_layer(
    file_layer: Layer, file_evidence: str, declaration: Declaration, file_name: str, key_path: str
):
    if file_layer != Layer.HOT_RELOAD:
        return file_layer, f"{key_path} follows its file: {file_evidence}"
    verdict, pattern = declaration.rule.key_rule(key_path)
    origin = declaration.origin
    if verdict == "live":
        how = f"applies {key_path} live"
        return Layer.HOT_RELOAD, f"declared by {origin}: the app watches {file_name} and {how}"
    if pattern is None:
        return Layer.RESTART, (
            f"declared by {origin}: the app watches {file_name} but reads {key_path} only at"
            " start (not declared live)"
        )
    return (
        Layer.RESTART,
        f"declared by {origin}: the app watches {file_name} but reads {key_path} only at start",
    )


def unknown_mount_setting(context, container, mount: ConfigMapMount) -> Setting:
    workload = context.workload
    obj = context.source_obj(mount.kind, mount.source)
    if is_immutable(obj):
        layer, evidence = (
            Layer.IMMUTABLE,
            [f"{mount.kind} {mount.source} is immutable: its data cannot change"],
        )
    elif container.init or mount.consumed == "subPath":
        layer, evidence = (
            Layer.RESTART,
            [
                INIT_EVIDENCE
                if container.init
                else f"mounted with subPath at {mount.mount_path}: copied once at start"
            ],
        )
    else:
        layer, evidence = (
            Layer.FILE_PROPAGATES,
            [
                "inferred from mount semantics: volume without subPath, the"
                " kubelet updates the files (60–90 s)"
            ],
        )
    if mount.unresolved_sub_path:
        evidence.append("subPathExpr refers to a variable that cannot be resolved here")
    if obj is None:
        evidence.append(
            f"{mount.kind} {mount.source} is not known here: its keys are unknown"
            + ("; optional: the pod starts without it" if mount.optional else "")
        )
    auto, auto_evidence = auto_restart(workload, mount.kind, mount.source, obj)
    if auto_evidence:
        evidence.append(auto_evidence)
    manager = managed_by(obj)
    return Setting(
        **context.base(container),
        source=Source.FILE,
        name=f"{mount.source}/*",
        value=None,
        layer=layer,
        auto_restart=auto,
        managed_by=manager,
        evidence=tuple(evidence),
        plan=source_plan(layer, workload, mount.kind, mount.source, auto, manager),
        configmap=mount.source,
        secret=mount.kind == "Secret",
        mount_path=mount.mount_path,
        sub_path=mount.sub_path,
        consumed=mount.consumed,
    )


def merge_duplicates(settings: list[Setting]) -> list[Setting]:
    """One key mounted twice in a container is one setting; the stricter layer decides."""
    merged: dict[str, Setting] = {}
    for setting in settings:
        previous = merged.get(setting.name)
        if previous is None:
            merged[setting.name] = setting
            continue
        keep, other = (
            (setting, previous)
            if LAYER_STRICTNESS[setting.layer] > LAYER_STRICTNESS[previous.layer]
            else (previous, setting)
        )
        note = f"also mounted at {other.mount_path} ({other.consumed})"
        merged[setting.name] = replace(keep, evidence=(*keep.evidence, note))
    return list(merged.values())
