"""What the session keeps of each object: the fields it reads, with repeated strings shared.

Ten thousand workloads bring thirty thousand pods and tens of thousands of Events; kept
whole they take most of the dashboard's memory. Objects shown in full (YAML) are fetched anew.
"""

from __future__ import annotations

import sys

_s = sys.intern

_OWN = ("name", "resourceVersion")  # one object's own strings: nothing to share
_POD_META = (
    "namespace",
    "uid",
    "creationTimestamp",
    "deletionTimestamp",
)  # uid: a pod re-created under its name
_POD_STATUS = ("phase", "reason", "message")
_CONTAINER_STATUS = ("name", "ready", "started", "restartCount")
_EVENT_META = ("namespace", "creationTimestamp")
_EVENT_SHARED = (
    "reason",
    "type",
    "reportingComponent",
    "lastTimestamp",
    "eventTime",
    "firstTimestamp",
    "message",
    "note",
)
_EVENT_OBJECT = ("kind", "name", "namespace")
_NOISY_ANNOTATIONS = (
    "kubectl.kubernetes.io/last-applied-configuration",
)  # a second copy of the whole object


def shared(value):
    """The value with every string interned, so that equal strings of many objects are one object.

    Keys are left as they are: the JSON decoder already shares them within a list page."""
    t = type(value)
    if t is dict:
        out = {}
        for k, v in value.items():
            t = type(v)
            out[k] = _s(v) if t is str else shared(v) if t is dict or t is list else v
        return out
    if t is list:
        return [_s(v) if type(v) is str else shared(v) for v in value]
    return _s(value) if t is str else value


def _strings(d: dict) -> dict:
    return {_s(k): (_s(v) if isinstance(v, str) else v) for k, v in d.items()}


def _pick(d: dict, fields: tuple[str, ...], own: tuple[str, ...] = ()) -> dict:
    kept = {f: d[f] for f in own if d.get(f) is not None}
    kept.update((f, _s(d[f]) if isinstance(d[f], str) else d[f]) for f in fields if d.get(f) is not None)
    return kept


def slim_pod(pod: dict) -> dict:
    meta, spec, status = pod.get("metadata") or {}, pod.get("spec") or {}, pod.get("status") or {}
    kept_meta = _pick(meta, _POD_META, _OWN)
    if meta.get("labels"):
        kept_meta["labels"] = _strings(meta["labels"])
    if meta.get("ownerReferences"):
        kept_meta["ownerReferences"] = [
            _pick(r, ("kind", "name", "controller")) for r in meta["ownerReferences"]
        ]
    kept_spec: dict = {"nodeName": _s(spec["nodeName"]) if spec.get("nodeName") else None}
    for field in ("containers", "initContainers"):
        if spec.get(field):
            kept_spec[field] = [_pick(c, ("name", "image")) for c in spec[field]]
    kept_status = _pick(status, _POD_STATUS)
    for field in ("containerStatuses", "initContainerStatuses"):
        if status.get(field):
            kept_status[field] = [_container_status(cs) for cs in status[field]]
    ready = [
        _pick(c, ("type", "status", "reason", "message"))
        for c in status.get("conditions") or []
        if c.get("type") == "Ready"
    ]
    if ready:
        kept_status["conditions"] = ready
    return {
        "apiVersion": _s(pod.get("apiVersion") or "v1"),
        "kind": _s(pod.get("kind") or "Pod"),
        "metadata": kept_meta,
        "spec": kept_spec,
        "status": kept_status,
    }


def _container_status(cs: dict) -> dict:
    kept = _pick(cs, _CONTAINER_STATUS)
    for field in ("state", "lastState"):
        if cs.get(field):
            kept[field] = shared(cs[field])
    return kept


def slim_event(event: dict) -> dict:
    meta = event.get("metadata") or {}
    kept = _pick(event, _EVENT_SHARED)
    kept["apiVersion"], kept["kind"] = _s(event.get("apiVersion") or "v1"), _s(event.get("kind") or "Event")
    kept["metadata"] = _pick(meta, _EVENT_META, _OWN)
    for field in ("involvedObject", "regarding"):
        if event.get(field):
            kept[field] = _pick(event[field], _EVENT_OBJECT)
    if event.get("count") is not None:
        kept["count"] = event["count"]
    if (event.get("series") or {}).get("count") is not None:
        kept["series"] = {"count": event["series"]["count"]}
    return kept


def slim_configmap(cm: dict) -> dict:
    """Of managedFields only the latest write's time is read (when the change was stored)."""
    meta = cm.get("metadata") or {}
    if not meta.get("managedFields"):
        return cm
    times: list[str] = [m["time"] for m in meta["managedFields"] if isinstance(m, dict) and m.get("time")]
    kept = {k: v for k, v in meta.items() if k != "managedFields"}
    if times:
        kept["managedFields"] = [{"time": max(times)}]
    return {**cm, "metadata": kept}


def slim_workload(obj: dict) -> dict:
    """Whole but for managedFields and the last-applied copy; classification reads any field of the template."""
    meta = obj.get("metadata") or {}
    if "managedFields" in meta or any(a in (meta.get("annotations") or {}) for a in _NOISY_ANNOTATIONS):
        meta = {k: v for k, v in meta.items() if k != "managedFields"}
        if meta.get("annotations"):
            meta["annotations"] = {
                k: v for k, v in meta["annotations"].items() if k not in _NOISY_ANNOTATIONS
            }
        obj = {**obj, "metadata": meta}
    return shared(obj)


SLIM = {
    "pods": slim_pod,
    "events": slim_event,
    "configmaps": slim_configmap,
    "deployments": slim_workload,
    "statefulsets": slim_workload,
    "daemonsets": slim_workload,
}
HANDED_ON = frozenset({"events"})  # kinds whose objects are handed on, not kept: only their versions are
