"""Controllers of the embedded cluster: Deployment, ReplicaSet, StatefulSet, DaemonSet."""

from __future__ import annotations


def build_controllers(cluster) -> list:
    """The controller components for `cluster` (each has async start() and stop())."""
    from tui.localcluster.controllers.daemonset import DaemonSetController
    from tui.localcluster.controllers.deployment import DeploymentController
    from tui.localcluster.controllers.garbage import GarbageCollector
    from tui.localcluster.controllers.index import OwnerIndex
    from tui.localcluster.controllers.nodes import NodeRoster
    from tui.localcluster.controllers.replicaset import ReplicaSetController
    from tui.localcluster.controllers.statefulset import StatefulSetController

    index = OwnerIndex(cluster)
    roster = NodeRoster(cluster)
    return [
        index,
        roster,
        GarbageCollector(cluster, index),
        ReplicaSetController(cluster, index),
        DeploymentController(cluster, index),
        StatefulSetController(cluster, index),
        DaemonSetController(cluster, index, roster),
    ]
