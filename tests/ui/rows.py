"""Workload rows and events as the session hands them to the dashboard, for widget tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tui.cluster.session import WorkloadRow
from tui.model.events import (
    ConfigMapChanged,
    ContainerRestarted,
    CrashLoop,
    KubeEvent,
    ReloadEvent,
    ReloadPending,
    ReloadStale,
    RolloutProgress,
)

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
WE = ("Deployment", "kubernaut-system", "workflowexecution-controller")


def row(i: int, *, namespace: str | None = None, ready: int = 1, desired: int = 1) -> WorkloadRow:
    namespace = namespace or f"team-{i % 7:02d}"
    name = f"service-{i:05d}"
    return WorkloadRow(
        key=("Deployment", namespace, name),
        kind="Deployment",
        namespace=namespace,
        name=name,
        ready=ready,
        desired=desired,
        created=(NOW - timedelta(minutes=i)).isoformat(),
        configmaps=(f"{name}-config",),
        summary="1 hot · 3 restart",
    )


def every_event_outcome() -> list:
    """One event of each kind and reload outcome, at fixed times, for the workflowexecution controller."""
    t = [NOW + timedelta(seconds=s) for s in range(12)]
    ns, pod, c = WE[1], "workflowexecution-controller-7d9c8-abcde", "workflowexecution-controller"
    return [
        ConfigMapChanged(
            namespace=ns,
            workload=WE,
            time=t[0],
            name="workflowexecution-config",
            changed_keys={"workflowexecution.yaml": "9f2c1e0b7a44d1c2" * 4},
            resource_version="4711",
        ),
        ReloadPending(
            namespace=ns,
            workload=WE,
            time=t[1],
            pod=pod,
            configmap="workflowexecution-config",
            key="workflowexecution.yaml",
            since=t[0],
            hash="9f2c1e0b7a44",
        ),
        ReloadEvent(
            namespace=ns,
            workload=WE,
            time=t[2],
            pod=pod,
            container=c,
            outcome="applied",
            hash="9f2c1e0b7a44d1c2",
            delay=2.4,
            version="4711",
            configmap="workflowexecution-config",
        ),
        ReloadEvent(
            namespace=ns,
            workload=WE,
            time=t[3],
            pod=pod,
            container=c,
            outcome="rejected",
            hash="0badc0de",
            message="execution.cooldownPeriod: must be > 0",
            version="4712",
            configmap="workflowexecution-config",
            delay=1.9,
        ),
        ReloadEvent(
            namespace=ns,
            workload=WE,
            time=t[4],
            pod=pod,
            container=c,
            outcome="needs-restart",
            message="execution.cooldownPeriod is read only at start",
        ),
        ReloadStale(
            namespace=ns,
            workload=WE,
            time=t[5],
            pod=pod,
            configmap="workflowexecution-config",
            key="workflowexecution.yaml",
            since=t[0] - timedelta(seconds=90),
            hash="9f2c1e0b7a44",
        ),
        RolloutProgress(namespace=ns, workload=WE, time=t[6], updated=1, ready=0, available=0, desired=2),
        RolloutProgress(
            namespace=ns, workload=WE, time=t[7], updated=2, ready=2, available=2, desired=2, done=True
        ),
        RolloutProgress(
            namespace=ns,
            workload=WE,
            time=t[8],
            updated=1,
            ready=0,
            available=1,
            desired=2,
            failed_reason="ProgressDeadlineExceeded",
            message="ReplicaSet has timed out progressing",
        ),
        ContainerRestarted(
            namespace=ns, workload=WE, time=t[9], pod=pod, container=c, restart_count=3, reason="Error"
        ),
        CrashLoop(
            namespace=ns,
            workload=WE,
            time=t[10],
            pod=pod,
            container=c,
            last_lines=("invalid --cooldown-period: must be > 0",),
        ),
        KubeEvent(
            namespace=ns,
            workload=WE,
            time=t[11],
            type="Warning",
            reason="BackOff",
            message="Back-off restarting failed container",
            involved=f"Pod/{pod}",
            count=4,
        ),
    ]
