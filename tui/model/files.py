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
from tui.model.plans import Trigger
from tui.model.profiles import ValueSpec
from tui.model.rules import FileFacts, Verdict, file_verdict, key_evidence, key_verdict
from tui.model.rules import evidence as rule_evidence
from tui.model.sidecars import blind_sidecar, sidecar_for, watcher_of


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
    sidecar = None if container.init else sidecar_for(context.sidecars, container, mount.volume)
    facts = FileFacts(
        mount,
        is_immutable(obj),
        container.init,
        mounted.path,
        mounted.key,
        declaration,
        content,
        seen,
        sidecar,
        watcher_of(context.sidecars, container, mount.volume),
        flag_values,
    )
    verdict = file_verdict(facts)
    layer, evidence = verdict.layer, [rule_evidence(facts, verdict)]
    evidence += _sidecar_notes(context, container, mount)
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
    trigger = _trigger(verdict, container.name)
    if trigger is not None and trigger.target:
        common.update(trigger=trigger.container, via=verdict.params["sidecar"].tool)
    elif trigger is not None:
        common.update(trigger=trigger.text)
    settings = []
    file_plan = source_plan(verdict.mechanism, workload, mount.kind, mount.source, auto, manager, trigger)
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
            told = key.mechanism == verdict.mechanism  # a key read at start has no trigger of its own
            key_settings.append(
                Setting(
                    **(common if told else {**common, "trigger": None, "via": None}),
                    source=Source.FILE_KEY,
                    name=f"{mounted.name}#{key_path}",
                    value=value,
                    layer=key.layer,
                    mechanism=key.mechanism,
                    takes_effect_s=key.window,
                    evidence=tuple([key_evidence(key, evidence[0], mounted.key), *evidence[1:]]),
                    plan=source_plan(
                        key.mechanism,
                        workload,
                        mount.kind,
                        mount.source,
                        auto,
                        manager,
                        trigger if told else None,
                    ),
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


def _trigger(verdict: Verdict, container: str) -> Trigger | None:
    """What applies the change: the sidecar, or the signal or request the operator sends `container`."""
    sidecar, ask = verdict.params.get("sidecar"), verdict.params.get("ask")
    if sidecar is not None:
        return Trigger(sidecar.container, target=sidecar.target)
    if ask is not None:
        return Trigger(container, signal=ask.signal, request=ask.request, port=ask.port)
    return None


def _sidecar_notes(context, container, mount: ConfigMapMount) -> list[str]:
    """What a reload sidecar cannot do for this file: a subPath copy is never updated for it to see."""
    if container.init:
        return []
    notes = []
    watching = sidecar_for(context.sidecars, container, mount.volume)
    if watching is not None and mount.consumed == "subPath":
        notes.append(
            f"sidecar {watching.container} watches volume {mount.volume}, but this container mounts it with"
            " subPath: its copy never changes, so the reload the sidecar triggers reads the old file"
        )
    blind = blind_sidecar(context.sidecars, container, mount.volume)
    if blind is not None and watching is None:
        notes.append(
            f"sidecar {blind.container} ({blind.tool}) mounts volume {mount.volume} with subPath:"
            " it reacts to the kubelet's swap of the volume's ..data link, which a subPath copy never has,"
            " so it never sees a change"
        )
    return notes


def unknown_mount_setting(context, container, mount: ConfigMapMount) -> Setting:
    workload = context.workload
    obj = context.source_obj(mount.kind, mount.source)
    sidecar = None if container.init else sidecar_for(context.sidecars, container, mount.volume)
    watcher = watcher_of(context.sidecars, container, mount.volume)
    facts = FileFacts(
        mount, is_immutable(obj), container.init, mount.mount_path, sidecar=sidecar, watcher=watcher
    )
    verdict = file_verdict(facts)
    evidence = [rule_evidence(facts, verdict), *_sidecar_notes(context, container, mount)]
    trigger = _trigger(verdict, container.name)
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
        plan=source_plan(verdict.mechanism, workload, mount.kind, mount.source, auto, manager, trigger),
        trigger=trigger.container if trigger else None,
        via=verdict.params["sidecar"].tool if trigger else None,
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
