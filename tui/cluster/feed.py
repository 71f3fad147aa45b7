"""API objects → dashboard rows and typed events (pure functions over the JSON)."""

from __future__ import annotations

from datetime import UTC, datetime

from tui.change.rollout import FAILING_WAIT_REASONS
from tui.cluster.port import WorkloadRow
from tui.model.events import ContainerRestarted, CrashLoop, KubeEvent, RolloutProgress
from tui.model.mounts import consumed_configmaps
from tui.model.times import parse_time

WORKLOAD_PLURALS = {"deployments": "Deployment", "statefulsets": "StatefulSet", "daemonsets": "DaemonSet"}


def configmaps_of(obj: dict) -> tuple[str, ...]:
    """Names of the ConfigMaps the pod template consumes, in any way: volumes, then containers, then init containers."""
    uses = consumed_configmaps((obj.get("spec") or {}).get("template"))
    ordered = sorted(uses, key=lambda use: use.how in ("env", "envFrom") and use.init)
    return tuple(dict.fromkeys(use.name for use in ordered if use.kind == "ConfigMap"))


def pod_crash(pod: dict | None) -> str:
    """Why the pod's containers fail ("" when none does): a failing wait, or restarts after a crash.

    Between two back-offs a crash-looping container runs for a moment; not ready, with a failed run
    behind it, it is still marked (by how that run ended), so the mark does not flicker.
    """
    for cs in _statuses(pod).values():
        waiting = ((cs.get("state") or {}).get("waiting") or {}).get("reason")
        if waiting in FAILING_WAIT_REASONS:
            return waiting
        crashed = (cs.get("lastState") or {}).get("terminated") or {}
        if crashed.get("exitCode") and not cs.get("ready") and int(cs.get("restartCount") or 0) > 0:
            # what its last run ended with, as kubectl shows it: a clean exit or a start-up is no crash
            return str(crashed.get("reason") or f"exit {crashed['exitCode']}")
    return ""


def workload_crash(pods: list[dict]) -> str:
    """The first reason any of the workload's pods fails for, "" when none does."""
    return next((reason for reason in map(pod_crash, pods) if reason), "")


def workload_row(
    kind: str,
    obj: dict,
    *,
    summary: str = "",
    auto_restart: str | None = None,
    managed_by: str | None = None,
    crash: str = "",
    watched: tuple[str, ...] = (),
) -> WorkloadRow:
    """`watched`: ConfigMaps the app reads through the API, which the pod template does not name."""
    meta, spec, status = obj.get("metadata") or {}, obj.get("spec") or {}, obj.get("status") or {}
    if kind == "DaemonSet":
        desired, ready = int(status.get("desiredNumberScheduled") or 0), int(status.get("numberReady") or 0)
        updated, available = (
            int(status.get("updatedNumberScheduled") or 0),
            int(status.get("numberAvailable") or 0),
        )
    else:
        desired = int(spec["replicas"]) if spec.get("replicas") is not None else 1
        ready, updated = int(status.get("readyReplicas") or 0), int(status.get("updatedReplicas") or 0)
        available = int(status.get("availableReplicas") or 0)
    containers = ((spec.get("template") or {}).get("spec") or {}).get("containers") or []
    ns, name = meta.get("namespace") or "", meta.get("name") or ""
    return WorkloadRow(
        key=(kind, ns, name),
        kind=kind,
        namespace=ns,
        name=name,
        ready=ready,
        desired=desired,
        created=meta.get("creationTimestamp"),
        configmaps=tuple(dict.fromkeys((*configmaps_of(obj), *watched))),
        summary=summary,
        auto_restart=auto_restart,
        managed_by=managed_by,
        updated=updated,
        available=available,
        generation=int(meta.get("generation") or 0),
        observed_generation=int(status.get("observedGeneration") or 0),
        resource_version=str(meta.get("resourceVersion") or ""),
        paused=bool(spec.get("paused")),
        images=tuple(c.get("image", "") for c in containers),
        crash=crash,
    )


def owner_workload(pod: dict) -> tuple[str, str, str] | None:
    """The Deployment/StatefulSet/DaemonSet a pod belongs to, from its owner references."""
    meta = pod.get("metadata") or {}
    ns = meta.get("namespace") or ""
    for ref in meta.get("ownerReferences") or []:
        kind, name = ref.get("kind"), ref.get("name") or ""
        if kind == "ReplicaSet":
            hash_ = (meta.get("labels") or {}).get("pod-template-hash")
            if hash_ and name.endswith("-" + hash_):
                return ("Deployment", ns, name[: -len(hash_) - 1])
            return ("Deployment", ns, name.rsplit("-", 1)[0])
        if kind in ("StatefulSet", "DaemonSet"):
            return (kind, ns, name)
    return None


def _statuses(pod: dict | None) -> dict[str, dict]:
    status = (pod or {}).get("status") or {}
    return {
        cs.get("name", ""): cs
        for cs in (status.get("containerStatuses") or []) + (status.get("initContainerStatuses") or [])
    }


def pod_events(old: dict | None, new: dict, workload) -> list:
    """Restarts and newly failing containers between two versions of a pod."""
    meta = new.get("metadata") or {}
    ns, pod = meta.get("namespace") or "", meta.get("name") or ""
    before = _statuses(old)
    events: list[ContainerRestarted | CrashLoop] = []
    for name, cs in _statuses(new).items():
        prev = before.get(name) or {}
        count = int(cs.get("restartCount") or 0)
        if old is not None and count > int(prev.get("restartCount") or 0):
            term = (cs.get("lastState") or {}).get("terminated") or {}
            reason = term.get("reason") or ""
            if term.get("exitCode") is not None:
                reason = f"{reason}, exit code {term['exitCode']}".lstrip(", ")
            events.append(
                ContainerRestarted(
                    namespace=ns,
                    workload=workload,
                    pod=pod,
                    container=name,
                    restart_count=count,
                    reason=reason,
                )
            )
        waiting = ((cs.get("state") or {}).get("waiting") or {}).get("reason")
        was = ((prev.get("state") or {}).get("waiting") or {}).get("reason")
        if waiting in FAILING_WAIT_REASONS and waiting != was:
            message = ((cs.get("state") or {}).get("waiting") or {}).get("message") or ""
            events.append(
                CrashLoop(
                    namespace=ns,
                    workload=workload,
                    pod=pod,
                    container=name,
                    reason=waiting,
                    last_lines=(message,) if message else (),
                )
            )
    return events


def kube_event(obj: dict, workload) -> KubeEvent:
    meta, involved = obj.get("metadata") or {}, obj.get("involvedObject") or obj.get("regarding") or {}
    when = parse_time(
        obj.get("lastTimestamp")
        or obj.get("eventTime")
        or obj.get("firstTimestamp")
        or meta.get("creationTimestamp")
    ) or datetime.now(UTC)
    return KubeEvent(
        namespace=meta.get("namespace") or "",
        workload=workload,
        time=when,
        type=str(obj.get("type") or "Normal"),
        reason=str(obj.get("reason") or ""),
        message=str(obj.get("message") or obj.get("note") or ""),
        involved=f"{involved.get('kind', '')}/{involved.get('name', '')}",
        count=int(obj.get("count") or (obj.get("series") or {}).get("count") or 1),
    )


def rollout_event(
    key: tuple[str, str, str], old: dict | None, new: dict, *, crashing: int = 0
) -> RolloutProgress | None:
    """Progress of a rollout between two versions of a workload (`crashing` of its pods crash-loop)."""
    from tui.change.rollout import progress_event, rollout_status

    if old is None:
        return None
    before = rollout_status({**old, "kind": key[0]})
    after = rollout_status({**new, "kind": key[0]})
    if before.done and after.done or before == after:
        return None
    return progress_event(key, after, crashing=crashing)
