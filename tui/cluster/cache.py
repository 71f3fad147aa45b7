"""The session's read model: its informers by (plural, namespace), and the indexes over them.

In the manner of client-go's Indexer: which workloads read a ConfigMap, which pods a workload owns,
so that neither question walks every object.
"""

from __future__ import annotations

import threading

from tui.cluster.feed import owner_workload
from tui.cluster.informer import Informer
from tui.cluster.port import WorkloadKey, WorkloadRow
from tui.cluster.resources import BY_KIND
from tui.model.objects import ClusterObjects


class ClusterCache:
    def __init__(self) -> None:
        self.objects = ClusterObjects()  # the ConfigMaps, as the model reads them
        self._informers: dict[tuple[str, str | None], Informer] = {}
        self._lock = threading.Lock()
        self._cm_users: dict[tuple[str, str], set[WorkloadKey]] = {}  # (namespace, ConfigMap) -> workloads
        self._pod_owner: dict[tuple[str, str], WorkloadKey] = {}  # (namespace, pod) -> its workload
        self._owned: dict[WorkloadKey, set[str]] = {}  # workload -> names of its pods

    # -- informers ---------------------------------------------------------------------------
    def add(self, plural: str, namespace: str | None, informer: Informer) -> None:
        with self._lock:
            self._informers[(plural, namespace)] = informer

    def informers(self) -> list[Informer]:
        with self._lock:
            return list(self._informers.values())

    def _covering(self, plural: str, namespace: str) -> list[Informer]:
        with self._lock:
            return [i for (p, ns), i in self._informers.items() if p == plural and ns in (None, namespace)]

    def get(self, plural: str, namespace: str, name: str) -> dict | None:
        for informer in self._covering(plural, namespace):
            found = informer.get(namespace, name)
            if found is not None:
                return found
        return None

    def workload_object(self, key: tuple) -> dict | None:
        kind, ns, name = key
        obj = self.get(BY_KIND[kind].plural, ns, name)
        if obj is not None:
            obj.setdefault("kind", kind)
        return obj

    def pods_of(self, key: tuple) -> list[dict]:
        key = WorkloadKey(*key)
        with self._lock:
            names = sorted(self._owned.get(key, ()))
        pods = (self.get("pods", key.namespace, name) for name in names)
        return [p for p in pods if p is not None]

    # -- indexes -------------------------------------------------------------------------------
    def pod_changed(self, namespace: str, name: str, obj: dict | None) -> WorkloadKey | None:
        """Index a pod by its owner (None: deleted); returns the owner it had or has."""
        owner = owner_workload(obj) if obj is not None else None
        owner = WorkloadKey(*owner) if owner is not None else None
        with self._lock:
            before = self._pod_owner.pop((namespace, name), None)
            if before is not None and before != owner:
                self._owned.get(before, set()).discard(name)
                if not self._owned.get(before):
                    self._owned.pop(before, None)
            if owner is not None:
                self._pod_owner[(namespace, name)] = owner
                self._owned.setdefault(owner, set()).add(name)
        return owner or before

    def row_changed(self, key: tuple, old: WorkloadRow | None, new: WorkloadRow | None) -> None:
        """Keep the ConfigMap → workloads index in step with the rows."""
        key = WorkloadKey(*key)
        with self._lock:
            for name in old.configmaps if old else ():
                self._cm_users.get((key.namespace, name), set()).discard(key)
            for name in new.configmaps if new else ():
                self._cm_users.setdefault((key.namespace, name), set()).add(key)

    def users_of(self, namespace: str, configmap: str) -> list[WorkloadKey]:
        with self._lock:
            return sorted(self._cm_users.get((namespace, configmap), ()))
