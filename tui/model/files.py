"""Settings held in files that ConfigMaps and Secrets put in a container, key paths included."""

from __future__ import annotations

from dataclasses import replace

from tui.model.content import key_paths
from tui.model.flags import infer_value_type
from tui.model.layers import Layer, Setting, Source, layer_spec
from tui.model.mechanisms import source_plan
from tui.model.mounts import ConfigMapMount, MountedFile
from tui.model.objects import configmap_value, is_immutable
from tui.model.ownership import auto_restart, managed_by
from tui.model.profiles import ValueSpec
from tui.model.rules import FileFacts, file_verdict, key_evidence, key_verdict
from tui.model.rules import evidence as rule_evidence


def _value_type(value: str | None) -> str:
    return "string" if value is None else infer_value_type(value)


def file_settings(context, container, mounted: MountedFile, declarations, flag_values, env_values):
    workload = context.workload
    mount = mounted.mount
    obj = context.source_obj(mount.kind, mount.source)
    secret = mount.kind == "Secret"
    content = None if secret else configmap_value(obj, mounted.key)
    declaration = next(
        (d for d in declarations if d.rule.matches(mounted.path, mounted.key, flag_values, env_values)), None
    )
    seen = context.observed.get(mounted.name)
    facts = FileFacts(
        mount, is_immutable(obj), container.init, mounted.path, mounted.key, declaration, content, seen
    )
    verdict = file_verdict(facts)
    layer, evidence = verdict.layer, [rule_evidence(facts, verdict)]
    if seen and verdict.reason != "observed":
        evidence.append(f"observed: {seen}")
    if obj is None:
        evidence.append(
            context.absent(mount.kind, mount.source)
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
    file_plan = source_plan(verdict.mechanism, workload, mount.kind, mount.source, auto, manager)
    key_settings: list[Setting] = []
    if declaration is not None and declaration.rule.describes_keys and content is not None:
        parsed = key_paths(declaration.rule.format, content)
        if parsed.error:
            evidence.append(f"{mounted.key} is {parsed.error}; its keys are not shown")
        if parsed.truncated:
            evidence.append(f"only the first {len(parsed.leaves)} key paths are shown")
        for key_path, value in parsed.leaves:
            key = key_verdict(verdict, declaration, key_path)
            spec = declaration.rule.value_spec(key_path) or ValueSpec()
            key_settings.append(
                Setting(
                    **common,
                    source=Source.FILE_KEY,
                    name=f"{mounted.name}#{key_path}",
                    value=value,
                    layer=key.layer,
                    mechanism=key.mechanism,
                    takes_effect_s=key.window,
                    evidence=tuple([key_evidence(key, evidence[0], mounted.key), *evidence[1:]]),
                    plan=source_plan(key.mechanism, workload, mount.kind, mount.source, auto, manager),
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
            mechanism=verdict.mechanism,
            takes_effect_s=verdict.window,
            evidence=tuple(evidence),
            plan=file_plan,
        )
    )
    return settings + key_settings


def unknown_mount_setting(context, container, mount: ConfigMapMount) -> Setting:
    workload = context.workload
    obj = context.source_obj(mount.kind, mount.source)
    facts = FileFacts(mount, is_immutable(obj), container.init, mount.mount_path)
    verdict = file_verdict(facts)
    evidence = [rule_evidence(facts, verdict)]
    if mount.unresolved_sub_path:
        evidence.append("subPathExpr refers to a variable that cannot be resolved here")
    if obj is None:
        evidence.append(
            context.absent(mount.kind, mount.source)
            + "; its keys are unknown"
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
        layer=verdict.layer,
        mechanism=verdict.mechanism,
        takes_effect_s=verdict.window,
        auto_restart=auto,
        managed_by=manager,
        evidence=tuple(evidence),
        plan=source_plan(verdict.mechanism, workload, mount.kind, mount.source, auto, manager),
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
            if layer_spec(setting.layer).strictness > layer_spec(previous.layer).strictness
            else (previous, setting)
        )
        note = f"also mounted at {other.mount_path} ({other.consumed})"
        merged[setting.name] = replace(keep, evidence=(*keep.evidence, note))
    return list(merged.values())
