"""Proportional scaling mid-rollout, the example of the Kubernetes Deployment documentation."""

from __future__ import annotations

from tui.localcluster.controllers.scaling import scale_proportionally


class RecordedRollout:
    """Just enough of a Rollout for scale_proportionally: the Deployment and the resulting sizes."""

    def __init__(self, d: dict) -> None:
        self.d = d
        self.sizes: dict[str, int] = {}

    def scale_rs(self, rs: dict, size: int, operation=None):
        self.sizes[rs["metadata"]["name"]] = size
        return True, rs

    def scale_and_record(self, rs: dict, size: int):
        return self.scale_rs(rs, size)


def replica_set(name: str, replicas: int, created: str, max_replicas: int) -> dict:
    return {
        "metadata": {
            "name": name,
            "creationTimestamp": created,
            "annotations": {
                "deployment.kubernetes.io/max-replicas": str(max_replicas),
                "deployment.kubernetes.io/desired-replicas": "10",
            },
        },
        "spec": {"replicas": replicas},
        "status": {"replicas": replicas, "availableReplicas": 0},
    }


def test_scaling_up_mid_rollout_spreads_new_replicas_over_old_and_new_replicasets():
    d = {
        "metadata": {"name": "web"},
        "spec": {
            "replicas": 15,
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 3, "maxUnavailable": 2}},
        },
        "status": {"replicas": 13},
    }
    old = replica_set("web-old", 8, "2026-01-01T00:00:00Z", 13)
    new = replica_set("web-new", 5, "2026-01-02T00:00:00Z", 13)
    rollout = RecordedRollout(d)
    scale_proportionally(rollout, new, [old])
    assert rollout.sizes == {"web-old": 11, "web-new": 7}


def test_scaling_to_zero_empties_every_active_replicaset():
    d = {"metadata": {"name": "web"}, "spec": {"replicas": 0}, "status": {"replicas": 13}}
    old = replica_set("web-old", 8, "2026-01-01T00:00:00Z", 13)
    new = replica_set("web-new", 5, "2026-01-02T00:00:00Z", 13)
    rollout = RecordedRollout(d)
    scale_proportionally(rollout, new, [old])
    assert rollout.sizes == {"web-old": 0, "web-new": 0}
