"""An object as the operator reads it in YAML: without managedFields, with no Secret value shown."""

from __future__ import annotations

import json

REDACTED = "<redacted>"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def display_yaml(kind: str, obj: dict) -> str:
    import yaml

    (obj.get("metadata") or {}).pop("managedFields", None)
    if kind == "Secret":
        redact_secret(obj)
    return yaml.safe_dump(obj, sort_keys=False, allow_unicode=True, width=4096)


def redact_secret(obj: dict) -> None:
    """Values go, keys stay, in the Secret and in the copy kubectl apply left in its annotation."""
    _redact_values(obj)
    annotations = (obj.get("metadata") or {}).get("annotations")
    if isinstance(annotations, dict) and LAST_APPLIED in annotations:
        try:
            applied = json.loads(annotations[LAST_APPLIED])
        except (TypeError, ValueError):
            applied = None
        if isinstance(applied, dict):
            _redact_values(applied)
            annotations[LAST_APPLIED] = json.dumps(applied, sort_keys=True)
        else:  # not the JSON kubectl writes: nothing in it can be told apart from a value
            annotations[LAST_APPLIED] = REDACTED


def _redact_values(obj: dict) -> None:
    for field in ("data", "stringData"):
        held = obj.get(field)
        if isinstance(held, dict):
            obj[field] = dict.fromkeys(held, REDACTED)
        elif held is not None:
            obj[field] = REDACTED
