"""Table responses (meta.k8s.io/v1) with the columns kubectl shows for each kind."""

from __future__ import annotations

import time
from calendar import timegm

from tui.localcluster.api.resources import Resource

Column = tuple[str, str, int]  # name, type, priority


def _age(ts: str | None) -> str:
    if not ts:
        return "<unknown>"
    try:
        then = timegm(time.strptime(ts, "%Y-%m-%dT%H:%M:%SZ"))
    except ValueError:
        return "<invalid>"
    return human_duration(max(0, int(time.time() - then)))


def human_duration(seconds: int) -> str:
    """kubectl's HumanDuration: 45s, 5m10s, 3h, 2d4h, 400d, 3y."""
    if seconds < 120:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        return f"{minutes}m{seconds % 60}s" if seconds % 60 else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = seconds // 3600
    if hours < 8:
        return f"{hours}h{minutes % 60}m" if minutes % 60 else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        return f"{hours // 24}d{hours % 24}h" if hours % 24 else f"{hours // 24}d"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    return f"{hours // (24 * 365)}y"


def _containers(obj: dict) -> list[dict]:
    return ((obj.get("spec") or {}).get("template") or {}).get("spec", {}).get("containers") or []


def _selector(obj: dict) -> str:
    sel = (obj.get("spec") or {}).get("selector") or {}
    parts = [f"{k}={v}" for k, v in sorted((sel.get("matchLabels") or {}).items())]
    for expr in sel.get("matchExpressions") or []:
        parts.append(
            f"{expr.get('key')} {expr.get('operator', '').lower()} ({','.join(expr.get('values') or [])})"
        )
    return ",".join(parts) or "<none>"


def _pod_status(pod: dict) -> tuple[str, str, str]:
    status = pod.get("status") or {}
    reason = status.get("reason") or status.get("phase") or "Unknown"
    statuses = status.get("containerStatuses") or []
    total = len((pod.get("spec") or {}).get("containers") or [])
    ready = sum(1 for c in statuses if c.get("ready"))
    restarts = sum(int(c.get("restartCount", 0)) for c in statuses)
    for c in reversed(statuses):
        state = c.get("state") or {}
        if state.get("waiting", {}).get("reason"):
            reason = state["waiting"]["reason"]
        elif state.get("terminated", {}).get("reason"):
            reason = state["terminated"]["reason"]
        elif state.get("terminated"):
            term = state["terminated"]
            reason = (
                f"Signal:{term['signal']}" if term.get("signal") else f"ExitCode:{term.get('exitCode', 0)}"
            )
    for i, c in enumerate(status.get("initContainerStatuses") or []):
        state = c.get("state") or {}
        if state.get("terminated", {}).get("exitCode", 1) == 0:
            continue
        if state.get("waiting", {}).get("reason") not in (None, "PodInitializing"):
            reason = f"Init:{state['waiting']['reason']}"
        else:
            reason = f"Init:{i}/{len((pod.get('spec') or {}).get('initContainers') or [])}"
        break
    if (pod.get("metadata") or {}).get("deletionTimestamp"):
        reason = "Terminating"
    last = ""
    for c in statuses:
        finished = ((c.get("lastState") or {}).get("terminated") or {}).get("finishedAt")
        if finished and int(c.get("restartCount", 0)):
            last = f" ({_age(finished)} ago)"
    return f"{ready}/{total}", reason, f"{restarts}{last}"


def _event_object(ev: dict) -> str:
    ref = ev.get("involvedObject") or {}
    return f"{(ref.get('kind') or '').lower()}/{ref.get('name', '')}"


def _node_status(node: dict) -> str:
    for cond in (node.get("status") or {}).get("conditions") or []:
        if cond.get("type") == "Ready":
            text = "Ready" if cond.get("status") == "True" else "NotReady"
            return text + (",SchedulingDisabled" if (node.get("spec") or {}).get("unschedulable") else "")
    return "Unknown"


def _node_roles(node: dict) -> str:
    roles = [
        k.split("/", 1)[1]
        for k in (node["metadata"].get("labels") or {})
        if k.startswith("node-role.kubernetes.io/")
    ]
    return ",".join(sorted(roles)) or "<none>"


def _address(node: dict, kind: str) -> str:
    for addr in (node.get("status") or {}).get("addresses") or []:
        if addr.get("type") == kind:
            return addr.get("address", "")
    return "<none>"


def _service_ports(spec: dict) -> str:
    parts = []
    for port in spec.get("ports") or []:
        node = f":{port['nodePort']}" if port.get("nodePort") else ""
        parts.append(f"{port.get('port')}{node}/{port.get('protocol', 'TCP')}")
    return ",".join(parts) or "<none>"


def _external_ips(svc: dict) -> str:
    spec = svc.get("spec") or {}
    ips = list(spec.get("externalIPs") or [])
    ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    ips += [i.get("ip") or i.get("hostname", "") for i in ingress]
    if ips:
        return ",".join(ips)
    return "<pending>" if spec.get("type") == "LoadBalancer" else "<none>"


def _row(res: Resource, obj: dict) -> list:
    meta = obj.get("metadata") or {}
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    name, age = meta.get("name", ""), _age(meta.get("creationTimestamp"))
    containers = _containers(obj)
    names = ",".join(c.get("name", "") for c in containers)
    images = ",".join(c.get("image", "") for c in containers)
    kind = res.plural
    if kind == "pods":
        ready, reason, restarts = _pod_status(obj)
        gates = spec.get("readinessGates") or []
        return [
            name,
            ready,
            reason,
            restarts,
            age,
            status.get("podIP") or "<none>",
            spec.get("nodeName") or "<none>",
            status.get("nominatedNodeName") or "<none>",
            f"{len(gates)}/{len(gates)}" if gates else "<none>",
        ]
    if kind == "namespaces":
        return [name, status.get("phase", ""), age]
    if kind == "nodes":
        info = status.get("nodeInfo") or {}
        return [
            name,
            _node_status(obj),
            _node_roles(obj),
            age,
            info.get("kubeletVersion", ""),
            _address(obj, "InternalIP"),
            _address(obj, "ExternalIP"),
            info.get("osImage", "<unknown>"),
            info.get("kernelVersion", "<unknown>"),
            info.get("containerRuntimeVersion", "<unknown>"),
        ]
    if kind in ("configmaps",):
        return [name, len(obj.get("data") or {}) + len(obj.get("binaryData") or {}), age]
    if kind == "secrets":
        return [name, obj.get("type", ""), len(obj.get("data") or {}), age]
    if kind == "services":
        return [
            name,
            spec.get("type", ""),
            spec.get("clusterIP") or "<none>",
            _external_ips(obj),
            _service_ports(spec),
            age,
            ",".join(f"{k}={v}" for k, v in sorted((spec.get("selector") or {}).items())) or "<none>",
        ]
    if kind == "serviceaccounts":
        return [name, len(obj.get("secrets") or []), age]
    if kind == "events":
        last = ev_time = obj.get("lastTimestamp") or obj.get("eventTime") or meta.get("creationTimestamp")
        source = (obj.get("source") or {}).get("component") or obj.get("reportingComponent") or ""
        return [
            _age(last),
            obj.get("type", ""),
            obj.get("reason", ""),
            _event_object(obj),
            (obj.get("involvedObject") or {}).get("fieldPath", ""),
            source,
            obj.get("message", ""),
            _age(obj.get("firstTimestamp") or ev_time),
            int(obj.get("count") or 1),
            name,
        ]
    if kind == "deployments":
        return [
            name,
            f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 0)}",
            status.get("updatedReplicas", 0),
            status.get("availableReplicas", 0),
            age,
            names,
            images,
            _selector(obj),
        ]
    if kind == "replicasets":
        return [
            name,
            spec.get("replicas", 0),
            status.get("replicas", 0),
            status.get("readyReplicas", 0),
            age,
            names,
            images,
            _selector(obj),
        ]
    if kind == "statefulsets":
        return [name, f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 0)}", age, names, images]
    if kind == "daemonsets":
        node_selector = ((spec.get("template") or {}).get("spec") or {}).get("nodeSelector") or {}
        selector = ",".join(f"{k}={v}" for k, v in sorted(node_selector.items())) or "<none>"
        return [
            name,
            status.get("desiredNumberScheduled", 0),
            status.get("currentNumberScheduled", 0),
            status.get("numberReady", 0),
            status.get("updatedNumberScheduled", 0),
            status.get("numberAvailable", 0),
            selector,
            age,
            names,
            images,
            _selector(obj),
        ]
    if kind == "controllerrevisions":
        owner = next(
            (
                f"{r.get('kind', '').lower()}.{r.get('apiVersion', '').split('/')[0]}/{r.get('name')}"
                for r in meta.get("ownerReferences") or []
                if r.get("controller")
            ),
            "<none>",
        )
        return [name, owner, obj.get("revision", 0), age]
    return [name, age]


COLUMNS: dict[str, list[Column]] = {
    "pods": [
        ("Name", "string", 0),
        ("Ready", "string", 0),
        ("Status", "string", 0),
        ("Restarts", "string", 0),
        ("Age", "string", 0),
        ("IP", "string", 1),
        ("Node", "string", 1),
        ("Nominated Node", "string", 1),
        ("Readiness Gates", "string", 1),
    ],
    "namespaces": [("Name", "string", 0), ("Status", "string", 0), ("Age", "string", 0)],
    "nodes": [
        ("Name", "string", 0),
        ("Status", "string", 0),
        ("Roles", "string", 0),
        ("Age", "string", 0),
        ("Version", "string", 0),
        ("Internal-IP", "string", 1),
        ("External-IP", "string", 1),
        ("OS-Image", "string", 1),
        ("Kernel-Version", "string", 1),
        ("Container-Runtime", "string", 1),
    ],
    "configmaps": [("Name", "string", 0), ("Data", "integer", 0), ("Age", "string", 0)],
    "secrets": [("Name", "string", 0), ("Type", "string", 0), ("Data", "integer", 0), ("Age", "string", 0)],
    "serviceaccounts": [("Name", "string", 0), ("Secrets", "integer", 0), ("Age", "string", 0)],
    "services": [
        ("Name", "string", 0),
        ("Type", "string", 0),
        ("Cluster-IP", "string", 0),
        ("External-IP", "string", 0),
        ("Port(s)", "string", 0),
        ("Age", "string", 0),
        ("Selector", "string", 1),
    ],
    "events": [
        ("Last Seen", "string", 0),
        ("Type", "string", 0),
        ("Reason", "string", 0),
        ("Object", "string", 0),
        ("Subobject", "string", 1),
        ("Source", "string", 1),
        ("Message", "string", 0),
        ("First Seen", "string", 1),
        ("Count", "integer", 1),
        ("Name", "string", 1),
    ],
    "deployments": [
        ("Name", "string", 0),
        ("Ready", "string", 0),
        ("Up-to-date", "integer", 0),
        ("Available", "integer", 0),
        ("Age", "string", 0),
        ("Containers", "string", 1),
        ("Images", "string", 1),
        ("Selector", "string", 1),
    ],
    "replicasets": [
        ("Name", "string", 0),
        ("Desired", "integer", 0),
        ("Current", "integer", 0),
        ("Ready", "integer", 0),
        ("Age", "string", 0),
        ("Containers", "string", 1),
        ("Images", "string", 1),
        ("Selector", "string", 1),
    ],
    "statefulsets": [
        ("Name", "string", 0),
        ("Ready", "string", 0),
        ("Age", "string", 0),
        ("Containers", "string", 1),
        ("Images", "string", 1),
    ],
    "daemonsets": [
        ("Name", "string", 0),
        ("Desired", "integer", 0),
        ("Current", "integer", 0),
        ("Ready", "integer", 0),
        ("Up-to-date", "integer", 0),
        ("Available", "integer", 0),
        ("Node Selector", "string", 0),
        ("Age", "string", 0),
        ("Containers", "string", 1),
        ("Images", "string", 1),
        ("Selector", "string", 1),
    ],
    "controllerrevisions": [
        ("Name", "string", 0),
        ("Controller", "string", 0),
        ("Revision", "integer", 0),
        ("Age", "string", 0),
    ],
}


def column_definitions(res: Resource) -> list[dict]:
    out = []
    for name, type_, priority in COLUMNS.get(res.plural, [("Name", "string", 0), ("Age", "string", 0)]):
        out.append(
            {
                "name": name,
                "type": type_,
                "format": "name" if name == "Name" else "",
                "description": "",
                "priority": priority,
            }
        )
    return out


def _row_object(obj: dict, include: str | None):
    if include == "None":
        return None
    if include == "Object":
        return obj
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": obj.get("metadata", {}),
    }


def table(res: Resource, objects: list[dict], include: str | None, resource_version: str) -> dict:
    rows = []
    for obj in objects:
        row: dict = {"cells": _row(res, obj)}
        embedded = _row_object(obj, include)
        if embedded is not None:
            row["object"] = embedded
        rows.append(row)
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": resource_version},
        "columnDefinitions": column_definitions(res),
        "rows": rows,
    }
