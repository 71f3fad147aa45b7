"""The ReplicaSet controller on its own: a bare ReplicaSet keeps its count of pods."""

from __future__ import annotations

from tests.localcluster.controllers.conftest import apply, get, items, run
from tests.waiting import eventually


def replica_set(name: str = "cache", replicas: int = 2) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name, "tier": "cache"}},
                "spec": {"containers": [{"name": "redis", "image": "redis:7"}]},
            },
        },
    }


def settled(cluster, name: str, count: int) -> bool:
    status = get(cluster, "replicasets", name).get("status", {})
    return status.get("readyReplicas", 0) == count and status.get("replicas") == count


def test_bare_replicaset_creates_scales_and_replaces_its_pods(cluster):
    apply(cluster, replica_set())
    eventually(lambda: settled(cluster, "cache", 2), message="two ready pods")
    rs = get(cluster, "replicasets", "cache")
    assert rs["status"]["fullyLabeledReplicas"] == 2
    assert rs["status"]["availableReplicas"] == 2
    assert rs["status"]["observedGeneration"] == rs["metadata"]["generation"]

    run(cluster, "scale", "replicaset/cache", "--replicas=4")
    eventually(lambda: settled(cluster, "cache", 4), message="four ready pods")
    victim = items(cluster, "pods")[0]["metadata"]["name"]
    run(cluster, "delete", "pod", victim, "--wait=false")
    eventually(
        lambda: (
            settled(cluster, "cache", 4)
            and victim not in {p["metadata"]["name"] for p in items(cluster, "pods")}
        ),
        message="a replacement pod",
    )

    events = run(cluster, "get", "events", "--field-selector", "involvedObject.kind=ReplicaSet")
    assert "SuccessfulCreate" in events and "Created pod: cache-" in events

    run(cluster, "scale", "replicaset/cache", "--replicas=0")
    eventually(lambda: not items(cluster, "pods"), message="no pods")
    assert get(cluster, "replicasets", "cache")["status"] == {
        "replicas": 0,
        "observedGeneration": get(cluster, "replicasets", "cache")["metadata"]["generation"],
    }
