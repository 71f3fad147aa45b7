"""The cluster's nodes as the DaemonSet controller sees them: which exist and which fit a pod."""

from __future__ import annotations

from tui.localcluster.controllers.objects import labels_match


def _placement(node: dict) -> tuple:
    return ((node.get("metadata") or {}).get("labels"), node.get("spec"))


class NodeRoster:
    """Nodes by name, kept current from store events; callbacks run when the set changes."""

    def __init__(self, cluster) -> None:
        self.cluster = cluster
        self.nodes: dict[str, dict] = {}
        self.on_change: list = []

    async def start(self) -> None:
        self.cluster.store.add_listener(self.on_event)
        items, _ = self.cluster.store.list("nodes")
        for node in items:
            self.nodes[node["metadata"]["name"]] = node

    async def stop(self) -> None:
        remove = getattr(self.cluster.store, "remove_listener", None)
        if remove is not None:
            remove(self.on_event)

    def on_event(self, event_type: str, resource: str, obj: dict) -> None:
        if resource != "nodes":
            return
        name = obj["metadata"]["name"]
        before = self.nodes.get(name)
        if event_type == "DELETED":
            self.nodes.pop(name, None)
        else:
            self.nodes[name] = obj
            # Heartbeats change only the status; placement depends on labels and spec.
            if before is not None and _placement(before) == _placement(obj):
                return
        for callback in self.on_change:
            callback()

    def names(self) -> list[str]:
        return sorted(self.nodes)

    def should_run_daemon(self, name: str, pod_spec: dict) -> bool:
        """nodeShouldRunDaemonPod, reduced to nodeSelector (daemon pods tolerate unschedulable nodes)."""
        node = self.nodes.get(name)
        if node is None:
            return False
        return labels_match(pod_spec.get("nodeSelector"), (node.get("metadata") or {}).get("labels"))
