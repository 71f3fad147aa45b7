"""Why the pods of a workload restart when a new manifest of it is applied, or why they do not."""

from __future__ import annotations

from collections.abc import Mapping

from tui.model.ownership import reloader_reason
from tui.model.workload import Workload


def _template(obj: Mapping) -> Mapping:
    return (obj.get("spec") or {}).get("template") or {}


def _containers(pod_spec: Mapping, field: str) -> dict[str, Mapping]:
    return {str(c.get("name")): c for c in pod_spec.get(field) or [] if isinstance(c, Mapping)}


def template_reasons(old_obj: Mapping, new_obj: Mapping) -> list[str]:
    """What changed in the pod template, in the operator's words; empty when it is the same."""
    old, new = _template(old_obj), _template(new_obj)
    if old == new:
        return []
    reasons: list[str] = []
    old_notes = (old.get("metadata") or {}).get("annotations") or {}
    new_notes = (new.get("metadata") or {}).get("annotations") or {}
    for key in sorted({*old_notes, *new_notes}):
        if old_notes.get(key) != new_notes.get(key):
            reasons.append(f"pod annotation {key} changed")
    old_spec, new_spec = old.get("spec") or {}, new.get("spec") or {}
    for field in ("initContainers", "containers"):
        old_containers, new_containers = _containers(old_spec, field), _containers(new_spec, field)
        for name, container in new_containers.items():
            before = old_containers.get(name)
            if before is None:
                reasons.append(f"container {name} added")
                continue
            reasons.extend(_container_reasons(name, before, container))
        reasons.extend(f"container {name} removed" for name in old_containers if name not in new_containers)
    if old_spec.get("volumes") != new_spec.get("volumes"):
        reasons.append(_volume_reason(old_spec.get("volumes") or [], new_spec.get("volumes") or []))
    if not reasons:
        reasons.append("the pod template changed")
    return reasons


def _volume_sources(volumes: list) -> set[str]:
    """`ConfigMap name` / `Secret name` for each source the volumes mount, projected ones included."""
    named = set()
    for volume in volumes:
        if not isinstance(volume, Mapping):
            continue
        parts = [volume, *((volume.get("projected") or {}).get("sources") or [])]
        for part in parts:
            if isinstance(part, Mapping) and isinstance(part.get("configMap"), Mapping):
                named.add(f"ConfigMap {part['configMap'].get('name')}")
            if isinstance(part, Mapping) and isinstance(part.get("secret"), Mapping):
                secret = part["secret"]
                named.add(f"Secret {secret.get('secretName') or secret.get('name')}")
    return named


def _volume_reason(old: list, new: list) -> str:
    before, after = _volume_sources(old), _volume_sources(new)
    if before == after:
        return "the pod's volumes changed"
    added, gone = sorted(after - before), sorted(before - after)
    if added and gone:
        return f"the pod now mounts {', '.join(added)} instead of {', '.join(gone)}"
    return (
        f"the pod now mounts {', '.join(added)}" if added else f"the pod no longer mounts {', '.join(gone)}"
    )


def _container_reasons(name: str, old: Mapping, new: Mapping) -> list[str]:
    reasons = []
    if old.get("image") != new.get("image"):
        reasons.append(f"image of {name} changed")
    if old.get("command") != new.get("command") or old.get("args") != new.get("args"):
        reasons.append(f"command line of {name} changed")
    if old.get("env") != new.get("env") or old.get("envFrom") != new.get("envFrom"):
        reasons.append(f"environment of {name} changed")
    if old.get("volumeMounts") != new.get("volumeMounts"):
        reasons.append(f"volume mounts of {name} changed")
    rest = {k: v for k, v in new.items() if k not in _NAMED}
    if not reasons and rest != {k: v for k, v in old.items() if k not in _NAMED}:
        reasons.append(f"container {name} changed")
    return reasons


_NAMED = ("image", "command", "args", "env", "envFrom", "volumeMounts")


def held_back(workload: Workload) -> str | None:
    """Why a changed template does not roll the pods by itself, or None."""
    if workload.update_strategy == "OnDelete":
        return f"{workload.ref} has updateStrategy OnDelete: pods take the new template only when deleted"
    if workload.paused:
        return f"{workload.ref} is paused: the rollout waits until it is resumed"
    return None


def reloader_restart(workload: Workload, kind: str, name: str, source_obj: Mapping | None) -> str | None:
    """Reloader's reason to restart `workload` for a change of `kind` `name`, in words, or None."""
    reason = reloader_reason(workload, kind, name, source_obj)
    return f"Reloader restarts the pods ({reason})" if reason else None


def checksum_annotations(workload: Workload) -> list[str]:
    """The pod template's `checksum/*` annotations: a renderer bumps them when a ConfigMap changes."""
    return sorted(key for key in workload.template_annotations if key.startswith("checksum/"))
