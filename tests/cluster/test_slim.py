"""Slim pods and events still answer every question the session asks of them."""

from __future__ import annotations

from tui.change.rollout import failing_containers
from tui.cluster.feed import kube_event, owner_workload, pod_events
from tui.cluster.logs import containers_of, restart_count
from tui.cluster.slim import slim_event, slim_pod


def _pod(restarts: int, waiting: str | None = None) -> dict:
    state = {"waiting": {"reason": waiting, "message": "back-off 10s"}} if waiting else {"running": {}}
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "web-7d4b9c-abcde",
            "namespace": "shop",
            "resourceVersion": "42",
            "uid": "u1",
            "labels": {"pod-template-hash": "7d4b9c"},
            "managedFields": [{"manager": "kubelet"}],
            "ownerReferences": [{"kind": "ReplicaSet", "name": "web-7d4b9c", "controller": True}],
        },
        "spec": {
            "nodeName": "node-1",
            "volumes": [{"name": "config", "configMap": {"name": "web"}}],
            "containers": [{"name": "web", "image": "nginx:1.27", "args": ["--port=80"], "env": []}],
        },
        "status": {
            "phase": "Running",
            "podIP": "10.0.0.5",
            "conditions": [{"type": "Ready", "status": "True"}, {"type": "PodScheduled", "status": "True"}],
            "containerStatuses": [
                {
                    "name": "web",
                    "ready": waiting is None,
                    "restartCount": restarts,
                    "image": "nginx:1.27",
                    "imageID": "sha256:0",
                    "state": state,
                    "lastState": {"terminated": {"reason": "Error", "exitCode": 1}},
                }
            ],
        },
    }


def test_slim_pod_answers_like_the_whole_pod():
    old, new = _pod(0), _pod(3, "CrashLoopBackOff")
    slim_old, slim_new = slim_pod(old), slim_pod(new)
    assert owner_workload(slim_new) == owner_workload(new) == ("Deployment", "shop", "web")
    assert containers_of(slim_new) == containers_of(new) == ["web"]
    assert restart_count(slim_new, "web") == 3
    assert failing_containers(slim_new) == failing_containers(new)
    workload = ("Deployment", "shop", "web")
    seen = [e.summary for e in pod_events(slim_old, slim_new, workload)]
    assert seen == [e.summary for e in pod_events(old, new, workload)] and len(seen) == 2


def test_slim_pod_drops_what_nobody_reads():
    slim = slim_pod(_pod(0))
    assert "managedFields" not in slim["metadata"] and "volumes" not in slim["spec"]
    assert slim["status"]["conditions"] == [{"type": "Ready", "status": "True"}]
    assert "imageID" not in slim["status"]["containerStatuses"][0]


def test_slim_event_reads_like_the_whole_event():
    event = {
        "apiVersion": "v1",
        "kind": "Event",
        "type": "Warning",
        "reason": "BackOff",
        "count": 4,
        "message": "Back-off restarting failed container",
        "source": {"component": "kubelet"},
        "reportingComponent": "kubelet",
        "lastTimestamp": "2026-01-01T10:00:00Z",
        "involvedObject": {"kind": "Pod", "name": "web-7d4b9c-abcde", "namespace": "shop"},
        "metadata": {
            "name": "web.1",
            "namespace": "shop",
            "resourceVersion": "7",
            "managedFields": [{"manager": "kubelet"}],
        },
    }
    slim = slim_event(event)
    assert "source" not in slim and "managedFields" not in slim["metadata"]
    assert kube_event(slim, None) == kube_event(event, None)
