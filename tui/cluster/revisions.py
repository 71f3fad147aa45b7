"""The revision a rollback goes back to, and how its pod template differs from the current one."""

from __future__ import annotations

from dataclasses import dataclass

REVISION = "deployment.kubernetes.io/revision"


@dataclass(frozen=True)
class Revision:
    number: int
    template: dict  # the pod template of that revision
    source: dict  # the ReplicaSet or ControllerRevision holding it


def _number(text) -> int | None:
    text = str(text or "")
    return int(text) if text.isdigit() else None


def previous_replicaset(deployment: dict, replicasets: list[dict]) -> Revision | None:
    """The newest ReplicaSet older than the Deployment's current revision, as `kubectl rollout undo` picks it."""
    by_rev = {}
    for rs in replicasets:
        rev = _number((rs["metadata"].get("annotations") or {}).get(REVISION))
        if rev is not None:
            by_rev[rev] = rs
    current = _number((deployment["metadata"].get("annotations") or {}).get(REVISION))
    current = current if current is not None else max(by_rev, default=0)
    older = [r for r in by_rev if r < current]
    if not older:
        return None
    target = by_rev[max(older)]
    return Revision(max(older), (target.get("spec") or {}).get("template") or {}, target)


def previous_controller_revision(revisions: list[dict]) -> Revision | None:
    """The second-newest ControllerRevision of a StatefulSet or DaemonSet."""
    ordered = sorted(revisions, key=lambda r: int(r.get("revision") or 0))
    if len(ordered) < 2:
        return None
    target = ordered[-2]
    template = ((target.get("data") or {}).get("spec") or {}).get("template") or {}
    return Revision(int(target.get("revision") or 0), template, target)


def _containers(template: dict) -> dict[str, dict]:
    return {c.get("name", ""): c for c in ((template.get("spec") or {}).get("containers") or [])}


def _env(container: dict) -> dict[str, str]:
    out = {}
    for var in container.get("env") or []:
        source = var.get("valueFrom")
        out[var.get("name", "")] = (
            str(var.get("value", "")) if source is None else f"(from {next(iter(source))})"
        )
    return out


def template_differences(current: dict, previous: dict) -> list[str]:
    """What going back to `previous` brings, per container: its image, then the args and env that differ."""
    now, then = _containers(current), _containers(previous)
    lines = []
    for name, old in then.items():
        new = now.get(name)
        lines.append(f"{name}: image {old.get('image', '?')}")
        if new is None:
            lines.append(f"  {name} comes back (not in the current revision)")
            continue
        if new.get("image") != old.get("image"):
            lines[-1] += f" (now {new.get('image', '?')})"
        old_args, new_args = list(old.get("args") or []), list(new.get("args") or [])
        if old_args != new_args:
            lines.append(f"  args {' '.join(old_args) or '(none)'}")
            lines.append(f"    now {' '.join(new_args) or '(none)'}")
        if old.get("command") != new.get("command"):
            lines.append(f"  command {' '.join(old.get('command') or []) or '(image default)'}")
        old_env, new_env = _env(old), _env(new)
        for var in sorted(old_env.keys() | new_env.keys()):
            if old_env.get(var) != new_env.get(var):
                before = old_env.get(var, "(unset)")
                lines.append(f"  env {var}={before} (now {new_env.get(var, '(unset)')})")
    for name in now.keys() - then.keys():
        lines.append(f"{name}: removed (not in that revision)")
    return lines
