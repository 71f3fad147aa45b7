"""Workload spec values with the API server's defaults, for objects stored without them."""

from __future__ import annotations

from tui.localcluster.controllers.objects import scaled_value

MAX_INT32 = 2**31 - 1

REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
TEMPLATE_HASH_LABEL = "pod-template-hash"
REVISION_HASH_LABEL = "controller-revision-hash"


def replicas(obj: dict) -> int:
    value = (obj.get("spec") or {}).get("replicas")
    return 1 if value is None else int(value)


def min_ready_seconds(obj: dict) -> int:
    return int((obj.get("spec") or {}).get("minReadySeconds") or 0)


def revision_history_limit(obj: dict) -> int | None:
    value = (obj.get("spec") or {}).get("revisionHistoryLimit", 10)
    return None if value is None else int(value)


def progress_deadline(d: dict) -> int | None:
    """spec.progressDeadlineSeconds, None when there is none (unset after defaulting or MaxInt32)."""
    spec = d.get("spec") or {}
    value = spec.get("progressDeadlineSeconds", 600)
    if value is None or int(value) == MAX_INT32:
        return None
    return int(value)


def strategy_type(d: dict) -> str:
    return ((d.get("spec") or {}).get("strategy") or {}).get("type") or "RollingUpdate"


def is_rolling(d: dict) -> bool:
    return strategy_type(d) == "RollingUpdate"


def fenceposts(d: dict) -> tuple[int, int]:
    """deploymentutil.ResolveFenceposts: (maxSurge, maxUnavailable) as pod counts."""
    rolling = ((d.get("spec") or {}).get("strategy") or {}).get("rollingUpdate") or {}
    desired = replicas(d)
    surge = scaled_value(rolling.get("maxSurge", "25%"), desired, True)
    unavailable = scaled_value(rolling.get("maxUnavailable", "25%"), desired, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def max_surge(d: dict) -> int:
    return fenceposts(d)[0] if is_rolling(d) else 0


def max_unavailable(d: dict) -> int:
    if not is_rolling(d) or replicas(d) == 0:
        return 0
    return min(fenceposts(d)[1], replicas(d))


def update_strategy(obj: dict) -> tuple[str, dict]:
    """(type, rollingUpdate) of a StatefulSet or DaemonSet."""
    strategy = (obj.get("spec") or {}).get("updateStrategy") or {}
    return strategy.get("type") or "RollingUpdate", strategy.get("rollingUpdate") or {}
