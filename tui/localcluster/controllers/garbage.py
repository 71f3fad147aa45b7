"""Background cascading deletion: dependents go when their last owner is gone."""

from __future__ import annotations

from tui.localcluster.controllers.index import DEPENDENT_RESOURCES
from tui.localcluster.controllers.workqueue import Reconciler

_RESOURCE_OF_KIND = {
    "Deployment": "deployments",
    "ReplicaSet": "replicasets",
    "StatefulSet": "statefulsets",
    "DaemonSet": "daemonsets",
    "Pod": "pods",
    "ConfigMap": "configmaps",
    "Secret": "secrets",
    "Node": "nodes",
    "Namespace": "namespaces",
    "ServiceAccount": "serviceaccounts",
    "ControllerRevision": "controllerrevisions",
}
_CLUSTER_SCOPED = {"nodes", "namespaces"}


class GarbageCollector(Reconciler):
    name = "garbage-collector"

    def __init__(self, cluster, index) -> None:
        super().__init__(cluster)
        self.index = index

    def on_event(self, event_type: str, resource: str, obj: dict) -> None:
        if event_type != "DELETED":
            return
        uid = (obj.get("metadata") or {}).get("uid")
        if not uid:
            return
        for dependent in DEPENDENT_RESOURCES:
            for namespace, name in self.index.keys(dependent, uid):
                self.enqueue((dependent, namespace, name, uid))

    def _owner_alive(self, ref: dict, namespace: str | None) -> bool:
        resource = _RESOURCE_OF_KIND.get(ref.get("kind", ""))
        if resource is None:
            return True  # an owner kind this cluster does not serve: never collect on its behalf
        owner = self.store.get(resource, None if resource in _CLUSTER_SCOPED else namespace, ref.get("name"))
        return owner is not None and owner["metadata"].get("uid") == ref.get("uid")

    def sync(self, key) -> None:
        resource, namespace, name, gone_uid = key
        obj = self.store.get(resource, namespace, name)
        if obj is None:
            return
        refs = obj["metadata"].get("ownerReferences") or []
        if not any(ref.get("uid") == gone_uid for ref in refs):
            return
        alive = [ref for ref in refs if ref.get("uid") != gone_uid and self._owner_alive(ref, namespace)]
        if alive:
            self.store.update(resource, {**obj, "metadata": {**obj["metadata"], "ownerReferences": alive}})
            return
        try:
            self.store.delete(resource, namespace, name)
        except Exception as exc:
            if getattr(exc, "code", None) != 404:
                raise
