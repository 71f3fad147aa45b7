"""Which objects each owner has, kept current from store events (an informer's index)."""

from __future__ import annotations

from collections import defaultdict

# Kinds whose objects have owners the controllers or the garbage collector look up.
DEPENDENT_RESOURCES = ("pods", "replicasets", "controllerrevisions")


class OwnerIndex:
    """owner uid -> keys of its dependents, for pods, ReplicaSets and ControllerRevisions."""

    def __init__(self, cluster) -> None:
        self.cluster = cluster
        self._dependents: dict[str, dict[str, set]] = {r: defaultdict(set) for r in DEPENDENT_RESOURCES}
        self._owners_of: dict[tuple, tuple[str, ...]] = {}
        self._orphan_pods: dict[str | None, set[str]] = defaultdict(set)

    async def start(self) -> None:
        store = self.cluster.store
        store.add_listener(self.on_event)
        for resource in DEPENDENT_RESOURCES:
            items, _ = store.list(resource)
            for obj in items:
                self.on_event("ADDED", resource, obj)

    async def stop(self) -> None:
        remove = getattr(self.cluster.store, "remove_listener", None)
        if remove is not None:
            remove(self.on_event)

    def on_event(self, event_type: str, resource: str, obj: dict) -> None:
        by_owner = self._dependents.get(resource)
        if by_owner is None:
            return
        meta = obj.get("metadata") or {}
        key = (meta.get("namespace"), meta.get("name"))
        if resource == "pods":
            self._track_orphan(event_type, key, meta)
        record = (resource, *key)
        before = self._owners_of.get(record, ())
        after = (
            ()
            if event_type == "DELETED"
            else tuple(ref["uid"] for ref in meta.get("ownerReferences") or [] if ref.get("uid"))
        )
        if before == after:
            return
        for uid in before:
            keys = by_owner.get(uid)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del by_owner[uid]
        for uid in after:
            by_owner[uid].add(key)
        if after:
            self._owners_of[record] = after
        else:
            self._owners_of.pop(record, None)

    def _track_orphan(self, event_type: str, key: tuple, meta: dict) -> None:
        orphan = event_type != "DELETED" and not any(
            r.get("controller") for r in meta.get("ownerReferences") or []
        )
        names = self._orphan_pods.get(key[0])
        if orphan:
            self._orphan_pods[key[0]].add(key[1])
        elif names is not None:
            names.discard(key[1])
            if not names:
                del self._orphan_pods[key[0]]

    def orphan_pods(self, namespace: str | None) -> list[dict]:
        """Pods of `namespace` that no controller owns (candidates for adoption)."""
        store = self.cluster.store
        found = []
        for name in list(self._orphan_pods.get(namespace, ())):
            pod = store.get("pods", namespace, name)
            if pod is not None:
                found.append(pod)
        return found

    def keys(self, resource: str, owner_uid: str) -> list[tuple]:
        return list(self._dependents[resource].get(owner_uid, ()))

    def owned(self, resource: str, owner: dict) -> list[dict]:
        """Objects of `resource` whose controller is `owner` (by uid), as stored."""
        uid = owner["metadata"]["uid"]
        store = self.cluster.store
        found = []
        for namespace, name in self._dependents[resource].get(uid, ()):
            obj = store.get(resource, namespace, name)
            if obj is None:
                continue
            for ref in obj["metadata"].get("ownerReferences") or []:
                if ref.get("uid") == uid and ref.get("controller"):
                    found.append(obj)
                    break
        return found
