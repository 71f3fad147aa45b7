"""Changes to ConfigMaps: one key's value, one key path inside a YAML or JSON value, a revert, and the
copy of an immutable ConfigMap that the workload is repointed at."""

from __future__ import annotations

import contextlib
import copy

from tui.change.edits import EditError, set_key_path, validate_format, value_format
from tui.change.results import ActionResult
from tui.cluster.errors import ApiError, TransportError, describe
from tui.cluster.repoint import immutable_copy, reference_ops
from tui.cluster.resources import BY_KIND, RESOURCES
from tui.cluster.writes import JSON_PATCH, Writer, version_of

CONFIGMAP_LIMIT = 1024 * 1024


class ConfigMapEdits(Writer):
    def _read_configmap(self, namespace: str, name: str) -> dict:
        return self.api.request("GET", RESOURCES["configmaps"].item(namespace, name))

    def edit_configmap_key(
        self,
        namespace: str,
        name: str,
        key: str,
        value: str,
        *,
        resource_version: str | None = None,
        dry_run: bool = False,
        _backup: bool = True,
    ) -> ActionResult:
        """Replace one key's whole value."""
        blocked = self._guard("update", "configmaps", namespace)
        if blocked:
            return blocked
        problem = validate_format(key, value)
        if problem:
            return ActionResult.invalid(problem)
        try:
            cm = self._read_configmap(namespace, name)
        except (ApiError, TransportError) as exc:
            return self._failure(exc, "get", "configmaps", namespace)
        current = (cm.get("data") or {}).get(key)
        if resource_version and version_of(cm) != resource_version:
            return self._conflict(cm, key)
        if cm.get("immutable"):
            return ActionResult.refused(
                f"ConfigMap {name} is immutable: create a new ConfigMap with the change "
                "and point the workload at it (a rolling update)."
            )
        if key in (cm.get("binaryData") or {}):
            return ActionResult.refused(f"{key} is binary data; it cannot be edited as text.")
        if current == value:
            return ActionResult.success(
                f"{name}/{key} already has this value; nothing to change.", resource_version=version_of(cm)
            )
        new = copy.deepcopy(cm)
        new.setdefault("data", {})[key] = value
        size = sum(len(k) + len(v.encode()) for k, v in new["data"].items()) + sum(
            len(k) + len(v) * 3 // 4 for k, v in (new.get("binaryData") or {}).items()
        )
        if size > CONFIGMAP_LIMIT:
            return ActionResult.invalid(
                f"ConfigMap {name} would hold {size:,} bytes; the API server accepts at "
                f"most {CONFIGMAP_LIMIT:,} (1 MiB). Move large content elsewhere"
            )
        path = RESOURCES["configmaps"].item(namespace, name)
        try:
            self.api.request("PUT", path, body=new, query={"dryRun": "All"})
        except ApiError as exc:
            if exc.status == 409:
                return self._conflict(None, key, namespace, name)
            return self._failure(exc, "update", "configmaps", namespace)
        except TransportError as exc:
            return self._failure(exc, "update", "configmaps", namespace)
        if dry_run:
            return ActionResult.success(
                f"Dry run of {name}/{key} accepted by the API server.",
                dry_run=True,
                resource_version=version_of(cm),
            )
        backup = self.backups.save(namespace, name, key, current, value, version_of(cm)) if _backup else None
        try:
            saved = self.api.request("PUT", path, body=new)
        except (ApiError, TransportError) as exc:
            if backup:
                self.backups.discard(backup)
            if isinstance(exc, ApiError) and exc.status == 409:
                return self._conflict(None, key, namespace, name)
            return self._failure(exc, "update", "configmaps", namespace)
        return ActionResult.success(
            f"ConfigMap {name} key {key} updated.",
            resource_version=version_of(saved),
            backup=str(backup.path) if backup else None,
        )

    def _conflict(self, cm: dict | None, key: str, namespace: str = "", name: str = "") -> ActionResult:
        if cm is None:
            try:
                cm = self._read_configmap(namespace, name)
            except (ApiError, TransportError) as exc:
                return ActionResult("conflict", f"Someone else changed it first ({describe(exc)}).")
        name = (cm.get("metadata") or {}).get("name", name)
        return ActionResult(
            "conflict",
            f"ConfigMap {name} changed since it was read; nothing was overwritten. "
            "Review the current value and edit again.",
            current_value=(cm.get("data") or {}).get(key),
            resource_version=version_of(cm),
        )

    def edit_configmap_key_path(
        self,
        namespace: str,
        name: str,
        key: str,
        key_path: str,
        value: str,
        *,
        resource_version: str | None = None,
        dry_run: bool = False,
    ) -> ActionResult:
        """Set one key path inside a YAML or JSON value, keeping comments and order."""
        blocked = self._guard("update", "configmaps", namespace)
        if blocked:
            return blocked
        try:
            cm = self._read_configmap(namespace, name)
        except (ApiError, TransportError) as exc:
            return self._failure(exc, "get", "configmaps", namespace)
        if resource_version and version_of(cm) != resource_version:
            return self._conflict(cm, key)
        current = (cm.get("data") or {}).get(key)
        if current is None:
            return ActionResult.invalid(f"ConfigMap {name} has no key {key}.")
        fmt = value_format(key) or "yaml"
        if fmt not in ("yaml", "json"):
            return ActionResult.invalid(
                f"{key} is {fmt}; key paths can be edited in YAML and JSON values only."
            )
        try:
            text = set_key_path(current, key_path, value, fmt=fmt)
        except EditError as exc:
            return ActionResult.invalid(str(exc))
        return self.edit_configmap_key(
            namespace, name, key, text, resource_version=version_of(cm), dry_run=dry_run
        )

    def revert(self, namespace: str, name: str, key: str, *, backup_path: str | None = None) -> ActionResult:
        """Put back the value saved before the last edit of this key, if nobody changed it since.

        `backup_path`: the backup of the edit to revert; a later edit with a backup of its own is a change since.
        """
        blocked = self._guard("update", "configmaps", namespace)
        if blocked:
            return blocked
        backup = self.backups.latest(namespace, name, key)
        if backup is None:
            return ActionResult.refused(f"No saved value of {name}/{key} to go back to.")
        if backup_path is not None and str(backup.path) != backup_path:
            return ActionResult(
                "conflict",
                f"{name}/{key} changed since that edit; reverting would overwrite the later change, "
                "so nothing was done.",
            )
        try:
            cm = self._read_configmap(namespace, name)
        except (ApiError, TransportError) as exc:
            return self._failure(exc, "get", "configmaps", namespace)
        current = (cm.get("data") or {}).get(key)
        if current != backup.new_value:
            return ActionResult(
                "conflict",
                f"{name}/{key} changed since your edit; reverting would overwrite "
                "that change, so nothing was done.",
                current_value=current,
                resource_version=version_of(cm),
            )
        if backup.old_value is None:
            new = copy.deepcopy(cm)
            new.get("data", {}).pop(key, None)
            try:
                saved = self.api.request("PUT", RESOURCES["configmaps"].item(namespace, name), body=new)
            except (ApiError, TransportError) as exc:
                if isinstance(exc, ApiError) and exc.status == 409:
                    return self._conflict(None, key, namespace, name)
                return self._failure(exc, "update", "configmaps", namespace)
            result = ActionResult.success(f"{name}/{key} removed again.", resource_version=version_of(saved))
        else:
            result = self.edit_configmap_key(
                namespace, name, key, backup.old_value, resource_version=version_of(cm), _backup=False
            )
        if result.ok:
            self.backups.discard(backup)
            result = ActionResult.success(
                f"ConfigMap {name} key {key} reverted to the value saved before the edit.",
                resource_version=result.resource_version,
                backup=str(backup.path),
            )
        return result

    # -- immutable ConfigMaps ---------------------------------------------------------------
    def copy_and_repoint(
        self,
        workload: tuple[str, str, str],
        configmap: str,
        key: str,
        value: str,
        *,
        dry_run: bool = False,
    ) -> ActionResult:
        """An immutable ConfigMap cannot change: copy it with the change under a new name, repoint the workload.

        Both writes are dry-run first; if the workload cannot be repointed the new ConfigMap is deleted
        again, so nothing is left half done. The pod template change rolls the pods.
        """
        kind, ns, wname = workload
        res = BY_KIND[kind]
        for verb, resource in (("create", "configmaps"), ("patch", res.plural)):
            blocked = self._guard(verb, resource, ns)
            if blocked:
                return blocked
        problem = validate_format(key, value)
        if problem:
            return ActionResult.invalid(problem)
        cms = RESOURCES["configmaps"]
        try:
            old = self.api.request("GET", cms.item(ns, configmap))
            obj = self.api.request("GET", res.item(ns, wname))
        except (ApiError, TransportError) as exc:
            return self._failure(exc, "get", "configmaps", ns)
        if (old.get("data") or {}).get(key) == value:
            return ActionResult.success(f"{configmap}/{key} already has this value; nothing to change.")
        name, body = immutable_copy(old, configmap, ns, key, value)
        ops = reference_ops((obj.get("spec") or {}).get("template") or {}, configmap, name)
        if not ops:
            return ActionResult.refused(f"{kind} {wname} does not reference ConfigMap {configmap}.")
        patch = [{"op": "test", "path": "/metadata/resourceVersion", "value": version_of(obj)}, *ops]
        try:
            self.api.request("POST", cms.collection(ns), body=body, query={"dryRun": "All"})
            self.api.request(
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
            return self._failure(exc, "create", "configmaps", ns)
        except TransportError as exc:
            return self._failure(exc, "create", "configmaps", ns)
        done = (
            f"ConfigMap {name} created from {configmap} with the change; "
            f"{kind} {wname} now uses it and its pods roll."
        )
        if dry_run:
            return ActionResult.success(
                f"Dry run accepted: {done}", dry_run=True, details={"configmap": name}
            )
        try:
            self.api.request("POST", cms.collection(ns), body=body)
        except (ApiError, TransportError) as exc:
            return self._failure(exc, "create", "configmaps", ns)
        result = self._patch(res, ns, wname, patch, JSON_PATCH, done=done)
        if not result.ok:
            # The workload still uses the old ConfigMap: the new one would only be clutter.
            with contextlib.suppress(ApiError, TransportError):
                self.api.request("DELETE", cms.item(ns, name))
            return result
        return ActionResult.success(
            done, resource_version=result.resource_version, details={"configmap": name, "previous": configmap}
        )
