"""Kubernetes Events as components record them: repeated ones are aggregated (count, lastTimestamp)."""

from __future__ import annotations

import copy

from tui.localcluster.api.store import Store, timestamp


def record_event(
    store: Store,
    involved: dict,
    reason: str,
    message: str,
    type: str = "Normal",
    component: str = "kubeknobs-localcluster",
) -> dict:
    """Create or bump the core/v1 Event about `involved` (a stored object)."""
    meta = involved.get("metadata", {})
    namespace = meta.get("namespace") or "default"
    ref = {
        "kind": involved.get("kind", ""),
        "namespace": meta.get("namespace", ""),
        "name": meta.get("name", ""),
        "uid": meta.get("uid", ""),
        "apiVersion": involved.get("apiVersion", ""),
        "resourceVersion": meta.get("resourceVersion", ""),
    }
    if not ref["namespace"]:
        ref.pop("namespace")
    index = store.event_names
    key = (namespace, ref["uid"] or ref["name"], ref["kind"], reason, message, type, component)
    now = timestamp()
    existing = store.get("events", namespace, index[key]) if key in index else None
    if existing is not None:
        bumped = copy.deepcopy(existing)
        bumped["count"] = int(bumped.get("count", 1)) + 1
        bumped["lastTimestamp"] = now
        bumped["involvedObject"] = ref
        bumped["metadata"].pop("resourceVersion", None)
        return store.update("events", bumped)
    name = f"{ref['name']}.{store.event_rng.getrandbits(64):016x}"
    event = {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": name, "namespace": namespace},
        "involvedObject": ref,
        "reason": reason,
        "message": message,
        "type": type,
        "source": {"component": component},
        "firstTimestamp": now,
        "lastTimestamp": now,
        "count": 1,
        "reportingComponent": component,
        "reportingInstance": "",
    }
    created = store.create("events", event)
    index[key] = name
    return created
