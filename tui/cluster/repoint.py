"""An immutable ConfigMap cannot change: copy it with the change under a new name, then repoint the workload.

Both writes are dry-run first; if the workload cannot be repointed the new ConfigMap is deleted
again, so nothing is left half done. The pod template change rolls the pods.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib

from tui.change.edits import validate_format
from tui.change.results import ActionResult
from tui.cluster.actions import JSON_PATCH, Actions, _rv
from tui.cluster.errors import ApiError, TransportError
from tui.cluster.resources import BY_KIND, RESOURCES

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


def copy_and_repoint(
    actions: Actions,
    workload: tuple[str, str, str],
    configmap: str,
    key: str,
    value: str,
    *,
    dry_run: bool = False,
) -> ActionResult:
    kind, ns, wname = workload
    res = BY_KIND[kind]
    for verb, resource in (("create", "configmaps"), ("patch", res.plural)):
        blocked = actions._guard(verb, resource, ns)
        if blocked:
            return blocked
    problem = validate_format(key, value)
    if problem:
        return ActionResult.invalid(problem)
    cms = RESOURCES["configmaps"]
    try:
        old = actions.api.request("GET", cms.item(ns, configmap))
        obj = actions.api.request("GET", res.item(ns, wname))
    except (ApiError, TransportError) as exc:
        return actions._failure(exc, "get", "configmaps", ns)
    data = dict(old.get("data") or {})
    if data.get(key) == value:
        return ActionResult.success(f"{configmap}/{key} already has this value; nothing to change.")
    data[key] = value
    name = new_name(configmap, data)
    meta = {k: copy.deepcopy(v) for k, v in (old.get("metadata") or {}).items() if k in KEEP_METADATA}
    meta.update({"name": name, "namespace": ns})
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data, "immutable": True}
    if old.get("binaryData"):
        body["binaryData"] = old["binaryData"]
    ops = reference_ops((obj.get("spec") or {}).get("template") or {}, configmap, name)
    if not ops:
        return ActionResult.refused(f"{kind} {wname} does not reference ConfigMap {configmap}.")
    patch = [{"op": "test", "path": "/metadata/resourceVersion", "value": _rv(obj)}, *ops]
    try:
        actions.api.request("POST", cms.collection(ns), body=body, query={"dryRun": "All"})
        actions.api.request(
            "PATCH",
            res.item(ns, wname),
            body=patch,
            content_type=JSON_PATCH,
            query={"dryRun": "All", "fieldManager": "kubeknobs"},
        )
    except ApiError as exc:
        if exc.status == 409:
            return ActionResult.refused(
                f"ConfigMap {name} already exists: this exact change was made before."
            )
        return actions._failure(exc, "create", "configmaps", ns)
    except TransportError as exc:
        return actions._failure(exc, "create", "configmaps", ns)
    done = f"ConfigMap {name} created from {configmap} with the change; {kind} {wname} now uses it and its pods roll."
    if dry_run:
        return ActionResult.success(f"Dry run accepted: {done}", dry_run=True, details={"configmap": name})
    try:
        actions.api.request("POST", cms.collection(ns), body=body)
    except (ApiError, TransportError) as exc:
        return actions._failure(exc, "create", "configmaps", ns)
    result = actions._patch(res, ns, wname, patch, JSON_PATCH, done=done)
    if not result.ok:
        # The workload still uses the old ConfigMap: the new one would only be clutter.
        with contextlib.suppress(ApiError, TransportError):
            actions.api.request("DELETE", cms.item(ns, name))
        return result
    return ActionResult.success(
        done, resource_version=result.resource_version, details={"configmap": name, "previous": configmap}
    )
