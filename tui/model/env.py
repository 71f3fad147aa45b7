"""A container's environment resolved the way the kubelet does it: envFrom first, then env in order."""

from __future__ import annotations

from dataclasses import dataclass

from tui.model.flags import expand_vars
from tui.model.mounts import env_from_ref, env_key_ref
from tui.model.objects import ClusterObjects, configmap_keys, configmap_value
from tui.model.workload import Container


@dataclass(frozen=True)
class EnvVar:
    name: str
    value: str | None  # None when it comes from a Secret or cannot be known offline
    consumed: str  # literal | env | envFrom | fieldRef | resourceFieldRef
    kind: str | None = None  # ConfigMap | Secret, for env/envFrom
    source: str | None = None  # ConfigMap or Secret name
    key: str | None = None
    prefix: str | None = None
    optional: bool = False
    missing: bool = False  # the ConfigMap/Secret (or its key) is not known
    overrides: str | None = None  # what this definition shadows, in words
    field: str | None = None  # fieldRef/resourceFieldRef path

    @property
    def secret(self) -> bool:
        return self.kind == "Secret"


def _lookup(objects: ClusterObjects, namespace: str, kind: str, name: str) -> dict | None:
    return objects.configmap(namespace, name) if kind == "ConfigMap" else objects.secret(namespace, name)


def _describe(var: EnvVar) -> str:
    if var.consumed == "envFrom":
        return f"envFrom {var.kind} {var.source}"
    if var.consumed == "env" and var.kind:
        return f"{var.kind} {var.source} key {var.key}"
    return "a literal value"


def resolve_env(
    container: Container, objects: ClusterObjects, namespace: str
) -> tuple[list[EnvVar], dict[str, str]]:
    """The effective variables (last definition wins) and the name → value map used for `$(VAR)`."""
    defined: dict[str, EnvVar] = {}
    values: dict[str, str] = {}

    def define(var: EnvVar) -> None:
        previous = defined.pop(var.name, None)
        if previous is not None:
            var = _with_override(var, f"overrides the value from {_describe(previous)}")
        defined[var.name] = var
        if var.value is None or var.secret:
            values.pop(var.name, None)
        else:
            values[var.name] = var.value

    for entry in container.env_from:
        prefix = str(entry.get("prefix") or "")
        found = env_from_ref(entry)
        if found is None:
            continue
        kind, ref = found
        source = str(ref["name"])
        obj = _lookup(objects, namespace, kind, source)
        keys = configmap_keys(obj)
        optional = bool(ref.get("optional"))
        if keys is None:
            define(
                EnvVar(
                    f"{prefix}* ({kind} {source})",
                    None,
                    "envFrom",
                    kind,
                    source,
                    None,
                    prefix,
                    optional,
                    missing=True,
                )
            )
            continue
        for key in keys:
            value = None if kind == "Secret" else configmap_value(obj, key)
            define(EnvVar(prefix + key, value, "envFrom", kind, source, key, prefix, optional))

    for entry in container.env:
        name = entry.get("name")
        if not isinstance(name, str) or not name:
            continue
        value_from = entry.get("valueFrom")
        if not isinstance(value_from, dict):
            define(EnvVar(name, expand_vars(str(entry.get("value") or ""), values), "literal"))
            continue
        found = env_key_ref(value_from)
        if found is not None:
            kind, ref = found
            source, key = str(ref.get("name") or ""), str(ref.get("key") or "")
            obj = _lookup(objects, namespace, kind, source)
            keys = configmap_keys(obj)
            missing = keys is None or key not in keys
            value = None if kind == "Secret" else configmap_value(obj, key)
            define(EnvVar(name, value, "env", kind, source, key, None, bool(ref.get("optional")), missing))
        else:
            field_ref = value_from.get("fieldRef") or value_from.get("resourceFieldRef")
            consumed = "fieldRef" if "fieldRef" in value_from else "resourceFieldRef"
            path = None
            if isinstance(field_ref, dict):
                path = str(field_ref.get("fieldPath") or field_ref.get("resource") or "")
            value = namespace if path == "metadata.namespace" else None
            define(EnvVar(name, value, consumed, field=path))
    return list(defined.values()), values


def _with_override(var: EnvVar, overrides: str) -> EnvVar:
    return EnvVar(**{**var.__dict__, "overrides": overrides})
