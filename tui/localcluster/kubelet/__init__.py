"""The embedded cluster's kubelet: runs each container as a real local process.

Each pod gets a root directory `<workdir>/pods/<namespace>/<pod>/` standing in for its
filesystem: volumes are materialised at `<root>/<mountPath>` and the process gets
`KUBEKNOBS_POD_ROOT=<root>`, so flags and logs keep the in-container paths.
"""


def build_kubelet(cluster) -> list:
    """The kubelet components for `cluster` (each has async start() and stop())."""
    from tui.localcluster.kubelet.component import Kubelet

    return [Kubelet(cluster)]
