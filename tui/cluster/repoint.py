"""Pure parts of changing an immutable ConfigMap: the copy's name and body, and the JSON patch that repoints the pod template.

Actions.copy_and_repoint (tui/cluster/actions.py) makes the change with them.
"""

from __future__ import annotations

import copy
import hashlib

KEEP_METADATA = ("labels", "annotations")


def new_name(name: str, data: dict) -> str:
    """`<name>-<8 hex of the new data>`: the same change gets the same name, a different one another."""
    digest = hashlib.sha256(repr(sorted(data.items())).encode()).hexdigest()[:8]
    base = name[: 253 - 9]
    return f"{base}-{digest}"


def reference_ops(template: dict, old: str, new: str) -> list[dict]:
    """JSON patch operations that point every use of ConfigMap `old` in a pod template at `new`."""
    ops = []
    spec = template.get("spec") or {}
    for i, volume in enumerate(spec.get("volumes") or []):
        if (volume.get("configMap") or {}).get("name") == old:
            ops.append(
                {"op": "replace", "path": f"/spec/template/spec/volumes/{i}/configMap/name", "value": new}
            )
        for j, source in enumerate((volume.get("projected") or {}).get("sources") or []):
            if (source.get("configMap") or {}).get("name") == old:
                ops.append(
                    {
                        "op": "replace",
                        "value": new,
                        "path": f"/spec/template/spec/volumes/{i}/projected/sources/{j}/configMap/name",
                    }
                )
    for group in ("initContainers", "containers"):
        for c, container in enumerate(spec.get(group) or []):
            for e, env in enumerate(container.get("env") or []):
                if ((env.get("valueFrom") or {}).get("configMapKeyRef") or {}).get("name") == old:
                    ops.append(
                        {
                            "op": "replace",
                            "value": new,
                            "path": f"/spec/template/spec/{group}/{c}/env/{e}/valueFrom/configMapKeyRef/name",
                        }
                    )
            for e, source in enumerate(container.get("envFrom") or []):
                if (source.get("configMapRef") or {}).get("name") == old:
                    ops.append(
                        {
                            "op": "replace",
                            "value": new,
                            "path": f"/spec/template/spec/{group}/{c}/envFrom/{e}/configMapRef/name",
                        }
                    )
    return ops


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
