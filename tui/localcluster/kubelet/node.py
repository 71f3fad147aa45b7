"""Which node a pod runs on: the one the pod names, else the schedulable node with fewest pods."""

from __future__ import annotations

from tui.localcluster.api.store import timestamp

DEFAULT_NODE = "kubeknobs-node"


def node_object(name: str, index: int = 0, labels: dict | None = None) -> dict:
    """A Ready node as the scenarios and the kubelet register it."""
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": {
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                **(labels or {}),
            },
        },
        "spec": {"podCIDR": f"10.244.{index}.0/24"},
        "status": {
            "conditions": [
                {
                    "type": "Ready",
                    "status": "True",
                    "reason": "KubeletReady",
                    "message": "kubelet is posting ready status",
                    "lastHeartbeatTime": timestamp(),
                    "lastTransitionTime": timestamp(),
                },
            ],
            "addresses": [
                {"type": "InternalIP", "address": f"172.18.0.{index + 2}"},
                {"type": "Hostname", "address": name},
            ],
            "capacity": {"cpu": "4", "memory": "16Gi", "pods": "110"},
            "allocatable": {"cpu": "4", "memory": "16Gi", "pods": "110"},
            "nodeInfo": {
                "kubeletVersion": "v1.31.0",
                "containerRuntimeVersion": "containerd://1.7.20",
                "operatingSystem": "linux",
                "architecture": "amd64",
                "osImage": "kubeknobs localcluster",
                "kernelVersion": "",
                "kubeProxyVersion": "v1.31.0",
            },
        },
    }


def required_node(pod: dict) -> str | None:
    """The node a pod is pinned to by nodeName or by a DaemonSet-style matchFields affinity."""
    spec = pod.get("spec") or {}
    if spec.get("nodeName"):
        return spec["nodeName"]
    terms = (
        ((spec.get("affinity") or {}).get("nodeAffinity") or {}).get(
            "requiredDuringSchedulingIgnoredDuringExecution"
        )
        or {}
    ).get("nodeSelectorTerms") or []
    for term in terms:
        for field in term.get("matchFields") or []:
            if field.get("key") == "metadata.name" and field.get("operator") == "In" and field.get("values"):
                return field["values"][0]
    return None


def pick_node(store, pod: dict, load: dict[str, int]) -> str:
    """A node for `pod`; registers the default node when the cluster has none."""
    pinned = required_node(pod)
    if pinned:
        return pinned
    selector = (pod.get("spec") or {}).get("nodeSelector") or {}
    nodes, _ = store.list("nodes")
    candidates = [
        n["metadata"]["name"]
        for n in nodes
        if not (n.get("spec") or {}).get("unschedulable")
        and all(((n["metadata"].get("labels") or {}).get(k) == v) for k, v in selector.items())
    ]
    if not candidates:
        if not nodes:
            store.create("nodes", node_object(DEFAULT_NODE))
            candidates = [DEFAULT_NODE]
        else:
            candidates = sorted(n["metadata"]["name"] for n in nodes)
    return min(sorted(candidates), key=lambda name: load.get(name, 0))
