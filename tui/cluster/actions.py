"""Changes an operator can make, each checked first and guarded so none is left half done.

Every write: read-only mode refuses it; RBAC is asked first; the value is validated;
a server-side dry run goes before the real call; the real call carries the
resourceVersion that was read, so a concurrent edit comes back as a conflict.
"""

from __future__ import annotations

import contextlib
import copy
from datetime import UTC, datetime

from tui.change.edits import EditError, set_key_path, validate_format, value_format
from tui.change.results import ActionResult
from tui.change.template import container_spec, container_value_problem, edit_container
from tui.cluster.backups import Backups
from tui.cluster.errors import ApiError, Denied, TransportError, describe
from tui.cluster.repoint import immutable_copy, reference_ops
from tui.cluster.resources import BY_KIND, RESOURCES, selector_string
from tui.cluster.revisions import Revision, previous_controller_revision, previous_replicaset
from tui.cluster.rollout import last_log_lines

__all__ = ["Actions", "ActionResult"]

RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
PROPAGATE_AT = "kubeknobs.io/propagate-at"
STRATEGIC = "application/strategic-merge-patch+json"
MERGE = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
CONFIGMAP_LIMIT = 1024 * 1024
READONLY = "Read-only mode: nothing was changed (start without --readonly to make changes)."
SKIP_UNDO_ANNOTATIONS = {
    "deployment.kubernetes.io/revision",
    "deployment.kubernetes.io/revision-history",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "kubectl.kubernetes.io/last-applied-configuration",
}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _rv(obj: dict) -> str:
    return str((obj.get("metadata") or {}).get("resourceVersion") or "")


class Actions:
    def __init__(
        self,
        api,
        access,
        *,
        backups: Backups | None = None,
        readonly: bool = False,
        context: str = "default",
        profiles=None,
    ):
        self.api = api
        self.profiles = profiles
        self.access = access
        self.backups = backups or Backups(context)
        self.readonly = readonly

    # -- shared guards -----------------------------------------------------------------
    def _read_to_patch(self, workload: tuple[str, str, str]) -> dict | ActionResult:
        """The workload as the server has it now, or why it may not be patched or read."""
        kind, ns, name = workload
        res = BY_KIND[kind]
        blocked = self._guard("patch", res.plural, ns)
        if blocked:
            return blocked
        try:
            return self.api.request("GET", res.item(ns, name))
        except (ApiError, TransportError) as exc:
            return self._failure(exc, "get", res.plural, ns)

    def _guard(self, verb: str, resource: str, namespace: str | None) -> ActionResult | None:
        if self.readonly or getattr(self.access, "readonly", False):
            return ActionResult.refused(READONLY)
        if self.access is not None and not self.access.can(verb, resource, namespace):
            denied = Denied(verb, resource, namespace)
            return ActionResult("forbidden", f"You may not {denied}.", denied=str(denied))
        return None

    def _failure(self, exc: Exception, verb: str, resource: str, namespace: str | None) -> ActionResult:
        if isinstance(exc, ApiError):
            if exc.status == 403:
                denied = str(Denied(verb, resource, namespace))
                return ActionResult("forbidden", f"You may not {denied}: {exc.message}", denied=denied)
            if exc.status in (400, 422):
                return ActionResult.invalid(describe(exc))
        return ActionResult.error(describe(exc))

    # -- reads a change needs ------------------------------------------------------------
    def read_object(self, kind: str, namespace: str, name: str) -> dict:
        """The object as the server holds it now: the base a change is made on and checked against."""
        return self.api.request("GET", BY_KIND[kind].item(namespace, name))

    def last_log_lines(
        self, namespace: str, pod: str, container: str, count: int, *, previous: bool = False
    ) -> list[str]:
        return last_log_lines(self.api, namespace, pod, container, count, previous=previous)

    # -- ConfigMaps ----------------------------------------------------------------------
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
        if resource_version and _rv(cm) != resource_version:
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
                f"{name}/{key} already has this value; nothing to change.", resource_version=_rv(cm)
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
                f"Dry run of {name}/{key} accepted by the API server.", dry_run=True, resource_version=_rv(cm)
            )
        backup = self.backups.save(namespace, name, key, current, value, _rv(cm)) if _backup else None
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
            resource_version=_rv(saved),
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
            resource_version=_rv(cm),
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
        if resource_version and _rv(cm) != resource_version:
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
        return self.edit_configmap_key(namespace, name, key, text, resource_version=_rv(cm), dry_run=dry_run)

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
                resource_version=_rv(cm),
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
            result = ActionResult.success(f"{name}/{key} removed again.", resource_version=_rv(saved))
        else:
            result = self.edit_configmap_key(
                namespace, name, key, backup.old_value, resource_version=_rv(cm), _backup=False
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
        patch = [{"op": "test", "path": "/metadata/resourceVersion", "value": _rv(obj)}, *ops]
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

    # -- pod template values ----------------------------------------------------------------
    def edit_container_value(
        self,
        workload: tuple[str, str, str],
        container: str,
        source: str,
        name: str,
        value: str,
        *,
        value_type: str = "string",
        positive: bool = False,
        choices: tuple[str, ...] = (),
        any_case: bool = False,
        dry_run: bool = False,
        resource_version: str | None = None,
    ) -> ActionResult:
        """Set a flag or a literal env value of one container; the pod template rolls."""
        kind, ns, wname = workload
        res = BY_KIND[kind]
        obj = self._read_to_patch(workload)
        if isinstance(obj, ActionResult):
            return obj
        if source == "flag":
            spec = self._flag_spec(obj, container, name)
            if spec is not None:
                value_type = spec.type if value_type == "string" else value_type
                positive = positive or spec.positive
                choices, any_case = choices or spec.choices, any_case or spec.any_case
        problem = container_value_problem(
            name, value, value_type=value_type, positive=positive, choices=choices, any_case=any_case
        )
        if problem:
            return ActionResult.invalid(f"{name}: {problem}")
        if resource_version and _rv(obj) != resource_version:
            return ActionResult(
                "conflict",
                f"{kind} {wname} changed since it was read; nothing was overwritten.",
                resource_version=_rv(obj),
            )
        found = container_spec(obj, container)
        if found is None:
            return ActionResult.invalid(f"{kind} {wname} has no container {container}.")
        if source not in ("flag", "env"):
            return ActionResult.invalid(f"{source} values are not edited on the pod template.")
        try:
            edit = edit_container(found, source, name, value)
        except EditError as exc:
            return ActionResult.refused(str(exc))
        patch = {
            "metadata": {"resourceVersion": _rv(obj)},
            "spec": {"template": {"spec": {"containers": [edit.patch]}}},
        }
        return self._patch(
            res,
            ns,
            wname,
            patch,
            STRATEGIC,
            dry_run=dry_run,
            done=f"{kind} {wname}: {container} {name} set to {value}; the pods roll.",
        )

    def _flag_spec(self, obj: dict, container: str, name: str):
        """What the app's profile says about a flag (type, must be positive), if a profile matches."""
        if self.profiles is None:
            return None
        from tui.model.workload import Workload

        try:
            workload = Workload.from_api({**obj, "kind": obj.get("kind") or "Deployment"})
        except ValueError:
            return None
        found = next((c for c in workload.all_containers if c.name == container), None)
        profile = self.profiles.for_container(workload, found) if found is not None else None
        return profile.flags.get(name.lstrip("-")) if profile is not None else None

    def _patch(
        self,
        res,
        ns: str,
        name: str,
        body,
        content_type: str,
        *,
        dry_run: bool = False,
        done: str,
        field_manager: str = "kubeknobs",
    ) -> ActionResult:
        path = res.item(ns, name)
        try:
            self.api.request(
                "PATCH",
                path,
                body=body,
                content_type=content_type,
                query={"dryRun": "All", "fieldManager": field_manager},
            )
            if dry_run:
                return ActionResult.success(f"Dry run accepted: {done}", dry_run=True)
            saved = self.api.request(
                "PATCH", path, body=body, content_type=content_type, query={"fieldManager": field_manager}
            )
        except ApiError as exc:
            stale_test = content_type == JSON_PATCH and exc.status == 422 and "test" in exc.message
            if exc.status == 409 or stale_test:
                return ActionResult(
                    "conflict", f"{res.kind} {name} changed since it was read; nothing was overwritten"
                )
            return self._failure(exc, "patch", res.plural, ns)
        except TransportError as exc:
            return self._failure(exc, "patch", res.plural, ns)
        return ActionResult.success(done, resource_version=_rv(saved))

    # -- rollouts ------------------------------------------------------------------------
    def rollout_restart(self, workload: tuple[str, str, str]) -> ActionResult:
        kind, ns, name = workload
        res = BY_KIND[kind]
        obj = self._read_to_patch(workload)
        if isinstance(obj, ActionResult):
            return obj
        if kind == "Deployment" and (obj.get("spec") or {}).get("paused"):
            return ActionResult.refused(
                f'deployments.apps "{name}" can\'t restart paused deployment (run rollout resume first)'
            )
        patch = {"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: _now()}}}}}
        return self._patch(
            res,
            ns,
            name,
            patch,
            STRATEGIC,
            field_manager="kubectl-rollout",
            done=f"{res.plural}.apps/{name} restarted",
        )

    def rollback(self, workload: tuple[str, str, str]) -> ActionResult:
        """Back to the previous revision, as `kubectl rollout undo` does."""
        obj = self._read_to_patch(workload)
        if isinstance(obj, ActionResult):
            return obj
        kind, ns, _name = workload
        try:  # the revisions are read too
            if kind == "Deployment":
                return self._undo_deployment(obj)
            return self._undo_from_revisions(obj, kind)
        except (ApiError, TransportError) as exc:
            return self._failure(exc, "get", BY_KIND[kind].plural, ns)

    def _owned(self, plural: str, obj: dict) -> list[dict]:
        meta = obj["metadata"]
        items = self.api.request("GET", RESOURCES[plural].collection(meta["namespace"])).get("items") or []
        return [
            i
            for i in items
            if any(
                o.get("uid") == meta.get("uid")
                for o in (i.get("metadata") or {}).get("ownerReferences") or []
            )
        ]

    def previous_revision(self, workload: tuple[str, str, str]) -> Revision | ActionResult:
        """The revision a rollback would go back to, read from the ReplicaSets or ControllerRevisions."""
        kind, ns, name = workload
        try:
            obj = self.api.request("GET", BY_KIND[kind].item(ns, name))
            if kind == "Deployment":
                found = previous_replicaset(obj, self._owned("replicasets", obj))
            else:
                found = previous_controller_revision(self._owned("controllerrevisions", obj))
        except (ApiError, TransportError) as exc:
            return self._failure(exc, "get", BY_KIND[kind].plural, ns)
        if found is None:
            return ActionResult.refused(f'no rollout history found for {kind.lower()} "{name}"')
        return found

    def _undo_deployment(self, obj: dict) -> ActionResult:
        meta = obj["metadata"]
        name, ns = meta["name"], meta["namespace"]
        previous = previous_replicaset(obj, self._owned("replicasets", obj))
        if previous is None:
            return ActionResult.refused(f'no rollout history found for deployment "{name}"')
        target = previous.source
        template = copy.deepcopy(target["spec"]["template"])
        (template.get("metadata") or {}).get("labels", {}).pop("pod-template-hash", None)
        annotations = {k: v for k, v in (meta.get("annotations") or {}).items() if k in SKIP_UNDO_ANNOTATIONS}
        annotations.update(
            {
                k: v
                for k, v in (target["metadata"].get("annotations") or {}).items()
                if k not in SKIP_UNDO_ANNOTATIONS
            }
        )
        patch = [
            {"op": "test", "path": "/metadata/resourceVersion", "value": _rv(obj)},
            {"op": "replace", "path": "/spec/template", "value": template},
            {"op": "replace", "path": "/metadata/annotations", "value": annotations},
        ]
        return self._patch(
            BY_KIND["Deployment"],
            ns,
            name,
            patch,
            JSON_PATCH,
            done=f"deployment.apps/{name} rolled back to revision {previous.number}",
        )

    def _undo_from_revisions(self, obj: dict, kind: str) -> ActionResult:
        meta = obj["metadata"]
        name, ns = meta["name"], meta["namespace"]
        previous = previous_controller_revision(self._owned("controllerrevisions", obj))
        if previous is None:
            return ActionResult.refused(f'no rollout history found for {kind.lower()} "{name}"')
        target = previous.source
        patch = copy.deepcopy(target.get("data") or {})
        if not patch:
            return ActionResult.error(f"revision {target.get('revision')} of {kind} {name} holds no template")
        patch.setdefault("metadata", {})["resourceVersion"] = _rv(obj)
        return self._patch(
            BY_KIND[kind],
            ns,
            name,
            patch,
            STRATEGIC,
            done=f"{kind.lower()}.apps/{name} rolled back to revision {target.get('revision')}",
        )

    def propagate_now(self, workload: tuple[str, str, str]) -> ActionResult:
        """Touch an annotation on each pod so the kubelet syncs its ConfigMap volumes now."""
        kind, ns, name = workload
        blocked = self._guard("patch", "pods", ns)
        if blocked:
            return blocked
        try:
            obj = self.api.request("GET", BY_KIND[kind].item(ns, name))
            pods = (
                self.api.request(
                    "GET", RESOURCES["pods"].collection(ns), query={"labelSelector": selector_string(obj)}
                ).get("items")
                or []
            )
        except (ApiError, TransportError) as exc:
            return self._failure(exc, "list", "pods", ns)
        stamp, touched, failed = _now(), [], []
        for pod in pods:
            pod_name = pod["metadata"]["name"]
            try:
                self.api.request(
                    "PATCH",
                    RESOURCES["pods"].item(ns, pod_name),
                    content_type=MERGE,
                    body={"metadata": {"annotations": {PROPAGATE_AT: stamp}}},
                )
                touched.append(pod_name)
            except ApiError as exc:
                if exc.status == 404:  # the pod went away meanwhile; nothing to sync
                    continue
                failed.append(f"{pod_name}: {describe(exc)}")
            except TransportError as exc:
                failed.append(f"{pod_name}: {describe(exc)}")
        if failed:
            return ActionResult.error(
                f"{len(touched)} pods will sync now; {len(failed)} could not be touched: "
                + "; ".join(failed),
                details={"pods": touched},
            )
        return ActionResult.success(
            f"{len(touched)} pods of {name} will sync their ConfigMap volumes now.", details={"pods": touched}
        )
