"""The embedded Kubernetes API (plus controllers and a kubelet) that the demo and the tests run against."""

from tui.localcluster.cluster import LocalCluster

__all__ = ["LocalCluster"]
