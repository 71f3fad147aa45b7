"""Many Deployments at once: every one settles with its own ReplicaSet and three available pods."""

from __future__ import annotations

from tests.localcluster.controllers.conftest import deployment
from tests.waiting import eventually

COUNT = 150


def test_many_deployments_all_settle(cluster):
    def create() -> None:
        for i in range(COUNT):
            cluster.store.create("deployments", deployment(f"svc-{i:03d}"))

    def settled() -> int:
        items, _ = cluster.store.list("deployments")
        return sum(
            1
            for d in items
            if (d.get("status") or {}).get("availableReplicas") == 3
            and d["status"].get("updatedReplicas") == 3
            and d["status"].get("replicas") == 3
        )

    cluster.call(create)
    eventually(lambda: cluster.call(settled) == COUNT, timeout=120, message=f"{COUNT} deployments to settle")
    counts = cluster.call(lambda: (cluster.store.count("replicasets"), cluster.store.count("pods")))
    assert counts == (COUNT, 3 * COUNT)
