"""Controllers of the embedded cluster: Deployment, ReplicaSet, StatefulSet, DaemonSet."""


def build_controllers(cluster) -> list:
    """The controller components for `cluster` (each has async start() and stop())."""
    return []
