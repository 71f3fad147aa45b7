"""Reading API objects the way the controllers need them: owners, pod health, times, counts."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from tui.model.times import parse_time


def now() -> datetime:
    return datetime.now(UTC)


def timestamp(moment: datetime | None = None) -> str:
    """metav1.Time: RFC 3339 with second precision."""
    return (moment or now()).strftime("%Y-%m-%dT%H:%M:%SZ")


def controller_of(obj: dict) -> dict | None:
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return ref
    return None


def owner_reference(owner: dict, kind: str, api_version: str = "apps/v1") -> dict:
    meta = owner["metadata"]
    return {
        "apiVersion": api_version,
        "kind": kind,
        "name": meta["name"],
        "uid": meta["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def is_terminating(obj: dict) -> bool:
    return bool((obj.get("metadata") or {}).get("deletionTimestamp"))


def is_pod_active(pod: dict) -> bool:
    """controller.IsPodActive: not finished and not being deleted."""
    phase = (pod.get("status") or {}).get("phase")
    return phase not in ("Succeeded", "Failed") and not is_terminating(pod)


def ready_condition(pod: dict) -> dict | None:
    for cond in (pod.get("status") or {}).get("conditions") or []:
        if cond.get("type") == "Ready":
            return cond
    return None


def is_pod_ready(pod: dict) -> bool:
    cond = ready_condition(pod)
    return bool(cond and cond.get("status") == "True")


def is_pod_available(pod: dict, min_ready_seconds: int, at: datetime | None = None) -> bool:
    """podutil.IsPodAvailable: Ready for longer than minReadySeconds."""
    if not is_pod_ready(pod):
        return False
    if not min_ready_seconds:
        return True
    since = parse_time((ready_condition(pod) or {}).get("lastTransitionTime"))
    return since is not None and (since.timestamp() + min_ready_seconds) < (at or now()).timestamp()


def seconds_until_available(pod: dict, min_ready_seconds: int) -> float | None:
    """How long until a Ready pod counts as available; None when that is not pending."""
    if not min_ready_seconds or not is_pod_ready(pod):
        return None
    since = parse_time((ready_condition(pod) or {}).get("lastTransitionTime"))
    if since is None:
        return None
    left = since.timestamp() + min_ready_seconds - now().timestamp()
    return left if left >= 0 else None


def labels_match(wanted: dict | None, labels: dict | None) -> bool:
    labels = labels or {}
    return all(labels.get(k) == v for k, v in (wanted or {}).items())


def selector_matches(selector: dict | None, labels: dict | None) -> bool:
    """A metav1.LabelSelector against a label set (matchLabels and matchExpressions)."""
    if not selector:
        return False
    labels = labels or {}
    if not labels_match(selector.get("matchLabels"), labels):
        return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def scaled_value(value, total: int, round_up: bool) -> int:
    """intstr.GetScaledValueFromIntOrPercent."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    text = str(value)
    if not text.endswith("%"):
        return int(text)
    exact = int(text[:-1]) * total / 100
    return math.ceil(exact) if round_up else math.floor(exact)


def round_half_away(x: float) -> int:
    """Go's math.Round (Python's round() is banker's rounding)."""
    return int(math.copysign(math.floor(abs(x) + 0.5), x))
