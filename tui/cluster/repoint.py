"""Pure parts of changing an immutable ConfigMap: the copy's name and body, and the JSON patch that repoints the pod template.

Actions.copy_and_repoint (tui/cluster/configmap_edits.py) makes the change with them.
"""

from __future__ import annotations

import copy
import hashlib

from tui.model.mounts import consumed_configmaps

KEEP_METADATA = ("labels", "annotations")


def new_name(name: str, data: dict) -> str:
    """`<name>-<8 hex of the new data>`: the same change gets the same name, a different one another."""
    digest = hashlib.sha256(repr(sorted(data.items())).encode()).hexdigest()[:8]
    base = name[: 253 - 9]
    return f"{base}-{digest}"


def reference_ops(template: dict, old: str, new: str) -> list[dict]:
    """JSON patch operations that point every use of ConfigMap `old` in a pod template at `new`."""
    return [
        {"op": "replace", "path": f"/spec/template/spec{use.pointer}", "value": new}
        for use in consumed_configmaps(template)
        if use.kind == "ConfigMap" and use.name == old
    ]


def immutable_copy(old: dict, configmap: str, namespace: str, key: str, value: str) -> tuple[str, dict]:
    """The new immutable ConfigMap: `old`'s data with `key` set to `value`, its labels and annotations kept."""
    data = dict(old.get("data") or {})
    data[key] = value
    name = new_name(configmap, data)
    meta = {k: copy.deepcopy(v) for k, v in (old.get("metadata") or {}).items() if k in KEEP_METADATA}
    meta.update({"name": name, "namespace": namespace})
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data, "immutable": True}
    if old.get("binaryData"):
        body["binaryData"] = old["binaryData"]
    return name, body
