"""Where each resource kind lives in the REST API."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class Resource:
    kind: str
    plural: str
    group: str = ""  # "" = core
    version: str = "v1"
    namespaced: bool = True

    @property
    def prefix(self) -> str:
        return "/api/v1" if not self.group else f"/apis/{self.group}/{self.version}"

    def collection(self, namespace: str | None = None) -> str:
        if self.namespaced and namespace:
            return f"{self.prefix}/namespaces/{quote(namespace, safe='')}/{self.plural}"
        return f"{self.prefix}/{self.plural}"

    def item(self, namespace: str | None, name: str) -> str:
        return f"{self.collection(namespace)}/{quote(name, safe='')}"


RESOURCES = {
    r.plural: r
    for r in (
        Resource("Pod", "pods"),
        Resource("ConfigMap", "configmaps"),
        Resource("Secret", "secrets"),
        Resource("Event", "events"),
        Resource("Namespace", "namespaces", namespaced=False),
        Resource("Node", "nodes", namespaced=False),
        Resource("Deployment", "deployments", "apps"),
        Resource("ReplicaSet", "replicasets", "apps"),
        Resource("StatefulSet", "statefulsets", "apps"),
        Resource("DaemonSet", "daemonsets", "apps"),
        Resource("ControllerRevision", "controllerrevisions", "apps"),
    )
}

BY_KIND = {r.kind: r for r in RESOURCES.values()}
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet")


def resource(name: str) -> Resource:
    """By plural (`deployments`) or kind (`Deployment`)."""
    if name in RESOURCES:
        return RESOURCES[name]
    if name in BY_KIND:
        return BY_KIND[name]
    lowered = name.lower()
    for r in RESOURCES.values():
        if lowered in (r.kind.lower(), r.plural):
            return r
    raise KeyError(f"unknown resource {name!r}")


def selector_string(obj: dict) -> str:
    """The workload's label selector in query form."""
    sel = (obj.get("spec") or {}).get("selector") or {}
    parts = [f"{k}={v}" for k, v in sorted((sel.get("matchLabels") or {}).items())]
    for expr in sel.get("matchExpressions") or []:
        op, key, values = expr.get("operator"), expr.get("key"), expr.get("values") or []
        if op == "In":
            parts.append(f"{key} in ({','.join(values)})")
        elif op == "NotIn":
            parts.append(f"{key} notin ({','.join(values)})")
        elif op == "Exists":
            parts.append(key)
        elif op == "DoesNotExist":
            parts.append(f"!{key}")
    return ",".join(parts)
