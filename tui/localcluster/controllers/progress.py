"""Deployment status and conditions, set as kube's deployment util sets them."""

from __future__ import annotations

from collections.abc import Iterable

from tui.localcluster.controllers import specs
from tui.localcluster.controllers.objects import now, timestamp
from tui.model.times import parse_time

PROGRESSING = "Progressing"
AVAILABLE = "Available"
REPLICA_FAILURE = "ReplicaFailure"

NEW_RS_AVAILABLE = "NewReplicaSetAvailable"
RS_UPDATED = "ReplicaSetUpdated"
TIMED_OUT = "ProgressDeadlineExceeded"
FOUND_NEW_RS = "FoundNewReplicaSet"
NEW_RS_CREATED = "NewReplicaSetCreated"
FAILED_RS_CREATE = "ReplicaSetCreateError"
PAUSED = "DeploymentPaused"
RESUMED = "DeploymentResumed"


def new_condition(kind: str, status: str, reason: str, message: str) -> dict:
    stamp = timestamp()
    return {
        "type": kind,
        "status": status,
        "lastUpdateTime": stamp,
        "lastTransitionTime": stamp,
        "reason": reason,
        "message": message,
    }


def get_condition(status: dict, kind: str) -> dict | None:
    for cond in status.get("conditions") or []:
        if cond.get("type") == kind:
            return cond
    return None


def set_condition(status: dict, cond: dict) -> None:
    """deploymentutil.SetDeploymentCondition: same status and reason is a no-op."""
    current = get_condition(status, cond["type"])
    if current and current.get("status") == cond["status"] and current.get("reason") == cond["reason"]:
        return
    if current and current.get("status") == cond["status"]:
        cond = {**cond, "lastTransitionTime": current.get("lastTransitionTime")}
    remove_condition(status, cond["type"])
    status["conditions"] = [*(status.get("conditions") or []), cond]


def remove_condition(status: dict, kind: str) -> None:
    kept = [c for c in status.get("conditions") or [] if c.get("type") != kind]
    if kept:
        status["conditions"] = kept
    else:
        status.pop("conditions", None)


def _total(rss: Iterable[dict | None], path: str, field: str) -> int:
    return sum(int((rs.get(path) or {}).get(field) or 0) for rs in rss if rs is not None)


def spec_replicas(rss: Iterable[dict | None]) -> int:
    return sum(specs.replicas(rs) for rs in rss if rs is not None)


def calculate_status(all_rss: list[dict], new_rs: dict | None, d: dict) -> dict:
    """The deployment controller's calculateStatus, with Go's omitempty for zero counts."""
    available = _total(all_rss, "status", "availableReplicas")
    unavailable = max(spec_replicas(all_rss) - available, 0)
    old = d.get("status") or {}
    values = {
        "observedGeneration": (d.get("metadata") or {}).get("generation", 0),
        "replicas": _total(all_rss, "status", "replicas"),
        "updatedReplicas": _total([new_rs], "status", "replicas"),
        "readyReplicas": _total(all_rss, "status", "readyReplicas"),
        "availableReplicas": available,
        "unavailableReplicas": unavailable,
    }
    status = {k: v for k, v in values.items() if v}
    if old.get("conditions"):
        status["conditions"] = list(old["conditions"])
    if old.get("collisionCount") is not None:
        status["collisionCount"] = old["collisionCount"]
    if available >= specs.replicas(d) - specs.max_unavailable(d):
        cond = new_condition(
            AVAILABLE, "True", "MinimumReplicasAvailable", "Deployment has minimum availability."
        )
    else:
        cond = new_condition(
            AVAILABLE, "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability."
        )
    set_condition(status, cond)
    return status


def deployment_complete(d: dict, status: dict) -> bool:
    want = specs.replicas(d)
    return (
        status.get("updatedReplicas", 0) == want
        and status.get("replicas", 0) == want
        and status.get("availableReplicas", 0) == want
        and status.get("observedGeneration", 0) >= (d.get("metadata") or {}).get("generation", 0)
    )


def deployment_progressing(d: dict, status: dict) -> bool:
    old = d.get("status") or {}
    old_old = old.get("replicas", 0) - old.get("updatedReplicas", 0)
    new_old = status.get("replicas", 0) - status.get("updatedReplicas", 0)
    return (
        status.get("updatedReplicas", 0) > old.get("updatedReplicas", 0)
        or new_old < old_old
        or status.get("readyReplicas", 0) > old.get("readyReplicas", 0)
        or status.get("availableReplicas", 0) > old.get("availableReplicas", 0)
    )


def deployment_timed_out(d: dict, status: dict) -> bool:
    deadline = specs.progress_deadline(d)
    cond = get_condition(status, PROGRESSING)
    if deadline is None or cond is None or cond.get("reason") == NEW_RS_AVAILABLE:
        return False
    if cond.get("reason") == TIMED_OUT:
        return True
    since = parse_time(cond.get("lastUpdateTime"))
    return since is not None and since.timestamp() + deadline < now().timestamp()


def rollout_status(all_rss: list[dict], new_rs: dict | None, d: dict) -> dict:
    """syncRolloutStatus without the write: the status the deployment should have now."""
    status = calculate_status(all_rss, new_rs, d)
    deadline = specs.progress_deadline(d)
    if deadline is None:
        remove_condition(status, PROGRESSING)
    current = get_condition(d.get("status") or {}, PROGRESSING)
    complete_before = (
        status.get("replicas", 0) == status.get("updatedReplicas", 0)
        and current is not None
        and current.get("reason") == NEW_RS_AVAILABLE
    )
    subject = (
        f'ReplicaSet "{new_rs["metadata"]["name"]}"' if new_rs else f'Deployment "{d["metadata"]["name"]}"'
    )
    if deadline is not None and not complete_before:
        if deployment_complete(d, status):
            set_condition(
                status,
                new_condition(
                    PROGRESSING, "True", NEW_RS_AVAILABLE, f"{subject} has successfully progressed."
                ),
            )
        elif deployment_progressing(d, status):
            cond = new_condition(PROGRESSING, "True", RS_UPDATED, f"{subject} is progressing.")
            if current is not None:
                if current.get("status") == "True":
                    cond["lastTransitionTime"] = current.get("lastTransitionTime")
                remove_condition(status, PROGRESSING)
            set_condition(status, cond)
        elif deployment_timed_out(d, status):
            set_condition(
                status,
                new_condition(PROGRESSING, "False", TIMED_OUT, f"{subject} has timed out progressing."),
            )
    failure = _replica_failure(all_rss, new_rs)
    if failure:
        set_condition(status, failure)
    else:
        remove_condition(status, REPLICA_FAILURE)
    return status


def _replica_failure(all_rss: list[dict], new_rs: dict | None) -> dict | None:
    """getReplicaFailures: the new RS's ReplicaFailure condition first, then any other's."""
    ordered = ([new_rs] if new_rs else []) + [rs for rs in all_rss if rs is not None and rs is not new_rs]
    for rs in ordered:
        for cond in (rs.get("status") or {}).get("conditions") or []:
            if cond.get("type") == REPLICA_FAILURE:
                return {
                    "type": REPLICA_FAILURE,
                    "status": cond.get("status"),
                    "lastUpdateTime": cond.get("lastTransitionTime"),
                    "lastTransitionTime": cond.get("lastTransitionTime"),
                    "reason": cond.get("reason"),
                    "message": cond.get("message"),
                }
    return None


def seconds_until_deadline(d: dict, status: dict) -> float | None:
    """requeueStuckDeployment: when to look again at a rollout that has not progressed."""
    deadline = specs.progress_deadline(d)
    current = get_condition(d.get("status") or {}, PROGRESSING)
    if deadline is None or current is None:
        return None
    if deployment_complete(d, status) or current.get("reason") == TIMED_OUT:
        return None
    since = parse_time(current.get("lastUpdateTime"))
    if since is None:
        return None
    after = since.timestamp() + deadline - now().timestamp()
    return max(after, 0.0) + 1.0
