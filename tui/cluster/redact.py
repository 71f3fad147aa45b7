"""An object as the operator reads it in YAML: without managedFields, with no Secret value shown."""

from __future__ import annotations

REDACTED = "<redacted>"


def display_yaml(kind: str, obj: dict) -> str:
    import yaml

    (obj.get("metadata") or {}).pop("managedFields", None)
    if kind == "Secret":
        redact_secret(obj)
    return yaml.safe_dump(obj, sort_keys=False, allow_unicode=True, width=4096)


def redact_secret(obj: dict) -> None:
    """Values go, keys stay; the last-applied annotation would repeat the values."""
    for field in ("data", "stringData"):
        if isinstance(obj.get(field), dict):
            obj[field] = dict.fromkeys(obj[field], REDACTED)
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    annotations.pop("kubectl.kubernetes.io/last-applied-configuration", None)
