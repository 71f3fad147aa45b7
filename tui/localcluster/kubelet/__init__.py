"""The embedded cluster's kubelet: runs each container as a real local process."""


def build_kubelet(cluster) -> list:
    """The kubelet components for `cluster` (each has async start() and stop())."""
    return []
