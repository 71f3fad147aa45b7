"""Changes to a rollout: restart, roll back to the previous revision, and touch the pods so their
ConfigMap volumes sync now."""

from __future__ import annotations

import copy

from tui.change.results import ActionResult
from tui.cluster.errors import ApiError, TransportError, describe
from tui.cluster.resources import BY_KIND, RESOURCES, selector_string
from tui.cluster.revisions import Revision, previous_controller_revision, previous_replicaset
from tui.cluster.writes import JSON_PATCH, MERGE, STRATEGIC, Writer, now, version_of

RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
PROPAGATE_AT = "kubeknobs.io/propagate-at"
SKIP_UNDO_ANNOTATIONS = {
    "deployment.kubernetes.io/revision",
    "deployment.kubernetes.io/revision-history",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "kubectl.kubernetes.io/last-applied-configuration",
}


class RolloutActions(Writer):
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
        patch = {"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: now()}}}}}
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
            {"op": "test", "path": "/metadata/resourceVersion", "value": version_of(obj)},
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
        patch.setdefault("metadata", {})["resourceVersion"] = version_of(obj)
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
        stamp, touched, failed = now(), [], []
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
