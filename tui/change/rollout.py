"""Rollout status with `kubectl rollout status` semantics, and the containers that keep a rollout from finishing."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from tui.model.events import RolloutProgress

FAILING_WAIT_REASONS = (
    "CrashLoopBackOff",
    "ImagePullBackOff",
    "ErrImagePull",
    "CreateContainerConfigError",
    "CreateContainerError",
    "InvalidImageName",
)


@dataclass(frozen=True)
class RolloutStatus:
    done: bool
    message: str
    updated: int = 0
    ready: int = 0
    available: int = 0
    desired: int = 0
    failed_reason: str | None = None


def progress_event(key: tuple, status: RolloutStatus, *, crashing: int = 0) -> RolloutProgress:
    """The event the stream and the wizard show for a workload's rollout status.

    `crashing` pods of the workload crash-loop: a container is counted available between two crashes,
    so they are taken off the ready and available counts, and the rollout is not done while any does.
    """
    ceiling = max(status.desired - crashing, 0) if crashing else status.desired
    message = status.message
    if crashing:
        message = f"{crashing} pod{'s' if crashing != 1 else ''} crash-loops; " + message
    return RolloutProgress(
        namespace=key[1],
        workload=key,
        updated=status.updated,
        ready=min(status.ready, ceiling) if crashing else status.ready,
        available=min(status.available, ceiling) if crashing else status.available,
        desired=status.desired,
        done=status.done and not crashing,
        failed_reason=status.failed_reason,
        message=message,
    )


def rolled_out(progress: RolloutProgress, crashing: int = 0) -> int:
    """The pods a rollout bar counts as done: updated and available, never one of `crashing` pods."""
    done = min(progress.updated, progress.available)
    return min(done, max(progress.desired - crashing, 0)) if crashing else done


def _condition(obj: dict, kind: str) -> dict | None:
    for cond in (obj.get("status") or {}).get("conditions") or []:
        if cond.get("type") == kind:
            return cond
    return None


def rollout_status(obj: dict) -> RolloutStatus:
    """What `kubectl rollout status` would print for this object, as data."""
    kind = obj.get("kind")
    meta, spec, status = obj.get("metadata") or {}, obj.get("spec") or {}, obj.get("status") or {}
    name = meta.get("name", "")
    generation, observed = int(meta.get("generation") or 0), int(status.get("observedGeneration") or 0)
    if kind == "Deployment":
        desired = int(spec.get("replicas", 1) if spec.get("replicas") is not None else 1)
        updated, replicas = int(status.get("updatedReplicas") or 0), int(status.get("replicas") or 0)
        ready, available = int(status.get("readyReplicas") or 0), int(status.get("availableReplicas") or 0)
        status_with = partial(
            RolloutStatus, updated=updated, ready=ready, available=available, desired=desired
        )
        if generation > observed:
            return status_with(False, "Waiting for deployment spec update to be observed...")
        progressing = _condition(obj, "Progressing")
        if progressing and progressing.get("reason") == "ProgressDeadlineExceeded":
            return status_with(
                False,
                f'deployment "{name}" exceeded its progress deadline',
                failed_reason="ProgressDeadlineExceeded",
            )
        if updated < desired:
            return status_with(
                False,
                f'Waiting for deployment "{name}" rollout to finish: {updated} out of '
                f"{desired} new replicas have been updated...",
            )
        if replicas > updated:
            return status_with(
                False,
                f'Waiting for deployment "{name}" rollout to finish: {replicas - updated} '
                "old replicas are pending termination...",
            )
        if available < updated:
            return status_with(
                False,
                f'Waiting for deployment "{name}" rollout to finish: {available} of '
                f"{updated} updated replicas are available...",
            )
        return status_with(True, f'deployment "{name}" successfully rolled out')
    if kind == "StatefulSet":
        desired = int(spec.get("replicas", 1) if spec.get("replicas") is not None else 1)
        ready, updated = int(status.get("readyReplicas") or 0), int(status.get("updatedReplicas") or 0)
        available = int(status.get("availableReplicas") or ready)
        status_with = partial(
            RolloutStatus, updated=updated, ready=ready, available=available, desired=desired
        )
        strategy = (spec.get("updateStrategy") or {}).get("type", "RollingUpdate")
        if strategy != "RollingUpdate":
            return status_with(
                True,
                f"rollout status is only available for RollingUpdate strategy type (this one is {strategy})",
            )
        if observed == 0 or generation > observed:
            return status_with(False, "Waiting for statefulset spec update to be observed...")
        if ready < desired:
            return status_with(False, f"Waiting for {desired - ready} pods to be ready...")
        partition = int(((spec.get("updateStrategy") or {}).get("rollingUpdate") or {}).get("partition") or 0)
        if partition > 0:
            if updated < desired - partition:
                return status_with(
                    False,
                    f"Waiting for partitioned roll out to finish: {updated} out of "
                    f"{desired - partition} new pods have been updated...",
                )
            return status_with(
                True, f"partitioned roll out complete: {updated} new pods have been updated..."
            )
        if status.get("updateRevision") != status.get("currentRevision"):
            return status_with(
                False,
                f"waiting for statefulset rolling update to complete {updated} pods at "
                f"revision {status.get('updateRevision')}...",
            )
        return status_with(
            True,
            f"statefulset rolling update complete {ready} pods at revision "
            f"{status.get('currentRevision')}...",
        )
    if kind == "DaemonSet":
        desired = int(status.get("desiredNumberScheduled") or 0)
        updated = int(status.get("updatedNumberScheduled") or 0)
        available = int(status.get("numberAvailable") or 0)
        ready = int(status.get("numberReady") or 0)
        status_with = partial(
            RolloutStatus, updated=updated, ready=ready, available=available, desired=desired
        )
        if generation > observed:
            return status_with(False, "Waiting for daemon set spec update to be observed...")
        if updated < desired:
            return status_with(
                False,
                f'Waiting for daemon set "{name}" rollout to finish: {updated} out of '
                f"{desired} new pods have been updated...",
            )
        if available < desired:
            return status_with(
                False,
                f'Waiting for daemon set "{name}" rollout to finish: {available} of '
                f"{desired} updated pods are available...",
            )
        return status_with(True, f'daemon set "{name}" successfully rolled out')
    return RolloutStatus(True, f"{kind} has no rollout")


def failing_containers(pod: dict) -> list[tuple[str, str, str]]:
    """(container, reason, message) of containers stuck waiting for a failure reason."""
    out = []
    status = pod.get("status") or {}
    for cs in (status.get("initContainerStatuses") or []) + (status.get("containerStatuses") or []):
        waiting = (cs.get("state") or {}).get("waiting") or {}
        if waiting.get("reason") in FAILING_WAIT_REASONS:
            out.append((cs.get("name", ""), waiting["reason"], waiting.get("message") or ""))
    return out
