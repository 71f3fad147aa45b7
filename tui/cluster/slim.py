"""What the session keeps of pods and events: the fields it reads, not the whole object.

Ten thousand workloads bring thirty thousand pods and tens of thousands of Events; kept
whole they take most of the dashboard's memory. Objects shown in full (YAML) are fetched anew.
"""

from __future__ import annotations

_POD_STATUS = ("phase", "containerStatuses", "initContainerStatuses", "startTime", "podIP", "hostIP", "reason",
               "message")
_CONTAINER_STATUS = ("name", "ready", "started", "restartCount", "state", "lastState")
_EVENT_FIELDS = ("apiVersion", "kind", "involvedObject", "regarding", "reason", "message", "note", "type", "count",
                 "series", "lastTimestamp", "eventTime", "firstTimestamp")


def _metadata(obj: dict) -> dict:
    meta = obj.get("metadata") or {}
    return {k: v for k, v in meta.items() if k != "managedFields"} if "managedFields" in meta else meta


def slim_pod(pod: dict) -> dict:
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    kept_spec: dict = {"nodeName": spec.get("nodeName")}
    for field in ("containers", "initContainers"):
        if spec.get(field):
            kept_spec[field] = [{"name": c.get("name"), "image": c.get("image")} for c in spec[field]]
    kept_status = {k: status[k] for k in _POD_STATUS if k in status}
    for field in ("containerStatuses", "initContainerStatuses"):
        if field in kept_status:
            kept_status[field] = [{k: cs[k] for k in _CONTAINER_STATUS if k in cs} for cs in kept_status[field]]
    ready = [c for c in status.get("conditions") or [] if c.get("type") == "Ready"]
    if ready:
        kept_status["conditions"] = ready
    return {"apiVersion": pod.get("apiVersion", "v1"), "kind": pod.get("kind", "Pod"), "metadata": _metadata(pod),
            "spec": kept_spec, "status": kept_status}


def slim_event(event: dict) -> dict:
    meta = event.get("metadata") or {}
    kept = {k: event[k] for k in _EVENT_FIELDS if k in event}
    kept["metadata"] = {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
                        if k in meta}
    return kept


SLIM = {"pods": slim_pod, "events": slim_event}
