"""The three patch types: strategic merge, JSON merge (RFC 7386) and JSON patch (RFC 6902)."""

from __future__ import annotations

import copy

from tui.localcluster.api import errors

STRATEGIC = "application/strategic-merge-patch+json"
MERGE = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
PATCH_TYPES = (STRATEGIC, MERGE, JSON_PATCH)

# Lists merged element by element, keyed by this field (patchMergeKey in the Kubernetes types).
MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "env": "name",
    "volumes": "name",
    "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
    "ports": "containerPort",
    "imagePullSecrets": "name",
    "conditions": "type",
    "ownerReferences": "uid",
    "hostAliases": "ip",
    "resourceClaims": "name",
    "schedulingGates": "name",
    "topologySpreadConstraints": "topologyKey",
    "containerStatuses": "name",
    "initContainerStatuses": "name",
}
# Lists of scalars merged as sets (patchStrategy merge without a key).
MERGED_PRIMITIVES = {"finalizers"}


def apply_patch(content_type: str, current, patch):
    if content_type == MERGE:
        return merge_patch(current, patch)
    if content_type == JSON_PATCH:
        return json_patch(current, patch)
    if not isinstance(patch, dict):
        raise errors.bad_request("strategic merge patch must be a JSON object")
    return strategic_merge(current, patch)


# -- JSON merge patch -----------------------------------------------------------------------------


def merge_patch(target, patch):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


# -- JSON patch -----------------------------------------------------------------------------------


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise errors.bad_request(
            f"the server rejected our request due to an error in our request: "
            f'json patch path "{path}" must start with "/"'
        )
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _container(doc, parts: list[str], path: str):
    node = doc
    for part in parts[:-1]:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise errors.ApiError(422, "Invalid", f'doc is missing path: "{path}": missing value')
    return node


def _get(doc, path: str):
    parts = _pointer(path)
    if not parts:
        return doc
    node = _container(doc, parts, path)
    last = parts[-1]
    if isinstance(node, dict) and last in node:
        return node[last]
    if isinstance(node, list) and last.isdigit() and int(last) < len(node):
        return node[int(last)]
    raise errors.ApiError(422, "Invalid", f'doc is missing path: "{path}": missing value')


def _remove(doc, path: str):
    parts = _pointer(path)
    if not parts:
        raise errors.ApiError(422, "Invalid", "the whole document cannot be removed")
    node = _container(doc, parts, path)
    last = parts[-1]
    if isinstance(node, dict) and last in node:
        return node.pop(last)
    if isinstance(node, list) and last.isdigit() and int(last) < len(node):
        return node.pop(int(last))
    raise errors.ApiError(422, "Invalid", f'doc is missing path: "{path}": missing value')


def _add(doc, path: str, value, *, replace: bool = False):
    parts = _pointer(path)
    if not parts:
        return value
    node = _container(doc, parts, path)
    last = parts[-1]
    if isinstance(node, dict):
        if replace and last not in node:
            raise errors.ApiError(422, "Invalid", f'doc is missing key: "{path}": missing value')
        node[last] = value
    elif isinstance(node, list):
        if last == "-" and not replace:
            node.append(value)
        elif last.isdigit() and int(last) <= len(node) - (1 if replace else 0):
            if replace:
                node[int(last)] = value
            else:
                node.insert(int(last), value)
        else:
            raise errors.ApiError(
                422, "Invalid", f'add operation does not apply: doc is missing path: "{path}": missing value'
            )
    else:
        raise errors.ApiError(422, "Invalid", f'doc is missing path: "{path}": missing value')
    return doc


def json_patch(doc, operations):
    if not isinstance(operations, list):
        raise errors.bad_request(
            "the server rejected our request due to an error in our request: "
            "json: cannot unmarshal object into Go value of type jsonpatch.Patch"
        )
    doc = copy.deepcopy(doc)
    for op in operations:
        if not isinstance(op, dict) or "op" not in op or "path" not in op:
            raise errors.bad_request(
                "the server rejected our request due to an error in our request: unexpected kind of operation"
            )
        kind, path = op["op"], op["path"]
        if kind == "add":
            doc = _add(doc, path, copy.deepcopy(op.get("value")))
        elif kind == "remove":
            _remove(doc, path)
        elif kind == "replace":
            doc = _add(doc, path, copy.deepcopy(op.get("value")), replace=True)
        elif kind == "test":
            if _get(doc, path) != op.get("value"):
                raise errors.ApiError(422, "Invalid", f"testing value {path} failed: test failed")
        elif kind in ("move", "copy"):
            source = op.get("from", "")
            value = _remove(doc, source) if kind == "move" else copy.deepcopy(_get(doc, source))
            doc = _add(doc, path, value)
        else:
            raise errors.bad_request(f"Unexpected kind: {kind}")
    return doc


# -- strategic merge patch ------------------------------------------------------------------------


def strategic_merge(original: dict, patch: dict) -> dict:
    return _merge_map(copy.deepcopy(original), copy.deepcopy(patch))


def _merge_map(original: dict, patch: dict) -> dict:
    directive = patch.pop("$patch", None)
    if directive == "replace":
        return patch
    if directive == "delete":
        return {}
    retain = patch.pop("$retainKeys", None)
    orders = {
        k[len("$setElementOrder/") :]: patch.pop(k) for k in list(patch) if k.startswith("$setElementOrder/")
    }
    deletions = {
        k[len("$deleteFromPrimitiveList/") :]: patch.pop(k)
        for k in list(patch)
        if k.startswith("$deleteFromPrimitiveList/")
    }
    result = dict(original) if isinstance(original, dict) else {}
    if isinstance(retain, list):
        for key in list(result):
            if key not in retain and key not in patch:
                del result[key]
    for key, values in deletions.items():
        if isinstance(result.get(key), list):
            result[key] = [v for v in result[key] if v not in values]
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict) and isinstance(result.get(key), dict):
            merged = _merge_map(result[key], value)
            result[key] = merged
        elif isinstance(value, dict):
            merged = _merge_map({}, value)
            result[key] = merged
        elif isinstance(value, list):
            result[key] = _merge_list(key, result.get(key), value)
        else:
            result[key] = value
    for key, order in orders.items():
        if isinstance(result.get(key), list) and isinstance(order, list):
            result[key] = _reorder(key, result[key], order)
    return result


def _merge_list(field: str, original, patch: list):
    if field in MERGED_PRIMITIVES and isinstance(original, list):
        out = list(original)
        for value in patch:
            if value not in out:
                out.append(value)
        return out
    key = MERGE_KEYS.get(field)
    if field == "ports" and any(
        isinstance(p, dict) and "port" in p and "containerPort" not in p for p in [*patch, *(original or [])]
    ):
        key = "port"  # Service ports merge by port, container ports by containerPort
    if key is None or not isinstance(original, list) or not all(isinstance(p, dict) for p in patch):
        return [_merge_map({}, p) if isinstance(p, dict) else p for p in patch]
    if any(isinstance(p, dict) and p.get("$patch") == "replace" and len(p) == 1 for p in patch):
        return [p for p in patch if not (isinstance(p, dict) and p.get("$patch") == "replace")]
    out = [dict(o) if isinstance(o, dict) else o for o in original]
    for item in patch:
        if item.get("$patch") == "delete":
            out = [o for o in out if not (isinstance(o, dict) and o.get(key) == item.get(key))]
            continue
        for i, existing in enumerate(out):
            if isinstance(existing, dict) and key in item and existing.get(key) == item[key]:
                out[i] = _merge_map(existing, item)
                break
        else:
            out.append(_merge_map({}, item))
    return out


def _reorder(field: str, items: list, order: list) -> list:
    key = MERGE_KEYS.get(field)

    def ident(item):
        if key and isinstance(item, dict):
            return item.get(key)
        return item

    wanted = [ident(o) for o in order]
    ranked = {v: i for i, v in enumerate(wanted)}
    listed = sorted((i for i in items if ident(i) in ranked), key=lambda i: ranked[ident(i)])
    others = [i for i in items if ident(i) not in ranked]
    return listed + others
