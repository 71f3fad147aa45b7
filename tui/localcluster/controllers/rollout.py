"""One reconcile of one Deployment: new ReplicaSet, rolling or recreate update, scaling, status."""

from __future__ import annotations

import copy
from collections.abc import Iterable

from tui.localcluster.controllers import progress, revision, specs
from tui.localcluster.controllers.hashing import template_hash
from tui.localcluster.controllers.objects import is_terminating, owner_reference
from tui.localcluster.controllers.scaling import active, scale_proportionally


class Rollout:
    """The deployment controller's syncDeployment for one Deployment (working copy in self.d)."""

    def __init__(self, controller, d: dict, rs_list: list[dict]) -> None:
        self.controller = controller
        self.store = controller.store
        meta = dict(d["metadata"])
        meta["annotations"] = dict(meta.get("annotations") or {})
        status = dict(d.get("status") or {})
        if "conditions" in status:
            status["conditions"] = [dict(c) for c in status["conditions"]]
        self.d = {**d, "metadata": meta, "status": status}
        self.rs_list = rs_list
        self.requeue_after: float | None = None
        self.follow_up = False
        self.dirty = False

    # --- writes --------------------------------------------------------------------------
    def event(self, reason: str, message: str, type: str = "Normal") -> None:
        self.controller.record(self.d, reason, message, type)

    def update_status(self) -> None:
        """UpdateStatus, deferred: the revision annotation and the status are written once, at the end."""
        self.dirty = True

    def flush(self) -> None:
        """Write what changed: the annotations, then the status (one call in kube, two here)."""
        if not self.dirty:
            return
        self.dirty = False
        ns, name = self.d["metadata"].get("namespace"), self.d["metadata"]["name"]
        stored = self.store.get("deployments", ns, name)
        if stored is None:
            return
        annotations = self.d["metadata"]["annotations"]
        if (stored["metadata"].get("annotations") or {}) != annotations:
            stored = self.controller.write_own(
                "deployments", {**stored, "metadata": {**stored["metadata"], "annotations": annotations}}
            )
        if (stored.get("status") or {}) != self.d["status"]:
            self.controller.write_own(
                "deployments", {**stored, "status": self.d["status"]}, subresource="status"
            )

    def update_rs(self, rs: dict) -> dict:
        updated = self.store.update("replicasets", rs)
        self.rs_list = [
            updated if r["metadata"]["name"] == updated["metadata"]["name"] else r for r in self.rs_list
        ]
        return updated

    # --- entry ---------------------------------------------------------------------------
    def run(self) -> None:
        try:
            self._run()
        finally:
            self.flush()

    def _run(self) -> None:
        d = self.d
        if not (d["spec"].get("selector") or {}):
            self.event(
                "SelectingAll",
                "This deployment is selecting all pods. A non-empty selector is required.",
                "Warning",
            )
            if d["status"].get("observedGeneration", 0) < d["metadata"].get("generation", 0):
                d["status"]["observedGeneration"] = d["metadata"]["generation"]
                self.update_status()
            return
        if is_terminating(d):
            new_rs, old = self.revisions(create=False)
            self.sync_status([*old, new_rs], new_rs)
            return
        self.check_paused_conditions()
        if d["spec"].get("paused") or self.is_scaling_event():
            self.sync()
        elif specs.strategy_type(d) == "Recreate":
            self.recreate()
        else:
            self.rolling()

    def check_paused_conditions(self) -> None:
        if specs.progress_deadline(self.d) is None:
            return
        cond = progress.get_condition(self.d["status"], progress.PROGRESSING)
        if cond and cond.get("reason") == progress.TIMED_OUT:
            return
        paused_before = cond is not None and cond.get("reason") == progress.PAUSED
        paused = bool(self.d["spec"].get("paused"))
        if paused and not paused_before:
            progress.set_condition(
                self.d["status"],
                progress.new_condition(
                    progress.PROGRESSING, "Unknown", progress.PAUSED, "Deployment is paused"
                ),
            )
        elif not paused and paused_before:
            progress.set_condition(
                self.d["status"],
                progress.new_condition(
                    progress.PROGRESSING, "Unknown", progress.RESUMED, "Deployment is resumed"
                ),
            )
        else:
            return
        self.update_status()

    # --- revisions and the new ReplicaSet ------------------------------------------------
    def revisions(self, create: bool) -> tuple[dict | None, list[dict]]:
        """getAllReplicaSetsAndSyncRevision: (new RS or None, all old RSs)."""
        new_rs = revision.find_new(self.d, self.rs_list, self.controller.templates)
        old = [
            rs for rs in self.rs_list if new_rs is None or rs["metadata"]["uid"] != new_rs["metadata"]["uid"]
        ]
        return self.new_replica_set(new_rs, old, create), old

    def new_replica_set(self, existing: dict | None, old: list[dict], create: bool) -> dict | None:
        d = self.d
        new_revision = revision.max_revision(old) + 1
        if existing is not None:
            annotations = dict(existing["metadata"].get("annotations") or {})
            changed = revision.set_new_rs_annotations(d, annotations, new_revision, exists=True)
            min_ready = specs.min_ready_seconds(d)
            if changed or specs.min_ready_seconds(existing) != min_ready:
                spec = existing["spec"]
                if specs.min_ready_seconds(existing) != min_ready:
                    spec = {**spec, "minReadySeconds": min_ready}
                return self.update_rs(
                    {
                        **existing,
                        "metadata": {**existing["metadata"], "annotations": annotations},
                        "spec": spec,
                    }
                )
            needs_update = self.set_revision(annotations.get(specs.REVISION, ""))
            if (
                specs.progress_deadline(d) is not None
                and progress.get_condition(d["status"], progress.PROGRESSING) is None
            ):
                progress.set_condition(
                    d["status"],
                    progress.new_condition(
                        progress.PROGRESSING,
                        "True",
                        progress.FOUND_NEW_RS,
                        f'Found new replica set "{existing["metadata"]["name"]}"',
                    ),
                )
                needs_update = True
            if needs_update:
                self.update_status()
            return existing
        if not create:
            return None
        return self.create_replica_set(old, new_revision)

    def create_replica_set(self, old: list[dict], new_revision: int) -> dict | None:
        d = self.d
        template = copy.deepcopy(d["spec"].get("template") or {})
        pod_hash = template_hash(d["spec"].get("template") or {}, d["status"].get("collisionCount"))
        template.setdefault("metadata", {})
        template["metadata"]["labels"] = {
            **(template["metadata"].get("labels") or {}),
            specs.TEMPLATE_HASH_LABEL: pod_hash,
        }
        selector = copy.deepcopy(d["spec"]["selector"])
        selector["matchLabels"] = {**(selector.get("matchLabels") or {}), specs.TEMPLATE_HASH_LABEL: pod_hash}
        name = f"{d['metadata']['name']}-{pod_hash}"
        annotations: dict = {}
        rs: dict = {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": name,
                "namespace": d["metadata"].get("namespace"),
                "labels": dict(template["metadata"]["labels"]),
                "annotations": annotations,
                "ownerReferences": [owner_reference(d, "Deployment")],
            },
            "spec": {
                "replicas": 0,
                "minReadySeconds": specs.min_ready_seconds(d),
                "selector": selector,
                "template": template,
            },
        }
        count = revision.new_rs_replicas(d, [*old, rs], rs)
        rs["spec"]["replicas"] = count
        revision.set_new_rs_annotations(d, annotations, new_revision, exists=False)
        try:
            created = self.store.create("replicasets", rs)
        except Exception as exc:
            if getattr(exc, "code", None) == 409:
                return self._on_name_taken(name)
            message = f'Failed to create new replica set "{name}": {getattr(exc, "message", exc)}'
            if specs.progress_deadline(d) is not None:
                progress.set_condition(
                    d["status"],
                    progress.new_condition(progress.PROGRESSING, "False", progress.FAILED_RS_CREATE, message),
                )
                self.update_status()
            self.event(progress.FAILED_RS_CREATE, message, "Warning")
            raise
        self.rs_list = [*self.rs_list, created]
        if count > 0:
            self.event("ScalingReplicaSet", f"Scaled up replica set {name} from 0 to {count}")
        self.set_revision(str(new_revision))
        if specs.progress_deadline(d) is not None:
            progress.set_condition(
                d["status"],
                progress.new_condition(
                    progress.PROGRESSING, "True", progress.NEW_RS_CREATED, f'Created new replica set "{name}"'
                ),
            )
        self.update_status()
        return created

    def _on_name_taken(self, name: str) -> dict | None:
        d = self.d
        rs = self.store.get("replicasets", d["metadata"].get("namespace"), name)
        ref = next(
            (r for r in (rs or {}).get("metadata", {}).get("ownerReferences") or [] if r.get("controller")),
            None,
        )
        if (
            rs is not None
            and ref
            and ref.get("uid") == d["metadata"]["uid"]
            and revision.equal_ignore_hash(rs["spec"].get("template") or {}, d["spec"].get("template") or {})
        ):
            self.rs_list = [*self.rs_list, rs]
            if self.set_revision((rs["metadata"].get("annotations") or {}).get(specs.REVISION)):
                self.update_status()
            return rs
        # A hash collision with a ReplicaSet that is not ours: the next hash includes the count.
        d["status"]["collisionCount"] = int(d["status"].get("collisionCount") or 0) + 1
        self.update_status()
        raise RuntimeError(f"replica set {name} already exists with another template")

    def set_revision(self, value) -> bool:
        annotations = self.d["metadata"]["annotations"]
        if not value or annotations.get(specs.REVISION) == value:
            return False
        annotations[specs.REVISION] = value
        return True

    # --- scaling ---------------------------------------------------------------------------
    def scale_rs(self, rs: dict, size: int, operation: str | None = None) -> tuple[bool, dict]:
        """scaleReplicaSet: replicas and the desired/max annotations, a ScalingReplicaSet event."""
        d = self.d
        want = specs.replicas(d)
        maximum = want + specs.max_surge(d)
        old_size = specs.replicas(rs)
        if old_size == size and not revision.replicas_annotations_need_update(rs, want, maximum):
            return False, rs
        annotations = dict(rs["metadata"].get("annotations") or {})
        revision.set_replicas_annotations(annotations, want, maximum)
        updated = self.update_rs(
            {
                **rs,
                "metadata": {**rs["metadata"], "annotations": annotations},
                "spec": {**rs["spec"], "replicas": size},
            }
        )
        if old_size != size:
            operation = operation or ("up" if size > old_size else "down")
            self.event(
                "ScalingReplicaSet",
                f"Scaled {operation} replica set {rs['metadata']['name']} from {old_size} to {size}",
            )
        return old_size != size, updated

    def scale_and_record(self, rs: dict, size: int) -> tuple[bool, dict]:
        if specs.replicas(rs) == size:
            return False, rs
        return self.scale_rs(rs, size)

    def is_scaling_event(self) -> bool:
        new_rs, old = self.revisions(create=False)
        want = str(specs.replicas(self.d))
        for rs in active([*old, new_rs]):
            desired = (rs["metadata"].get("annotations") or {}).get(specs.DESIRED_REPLICAS)
            if desired is not None and desired != want:
                return True
        return False

    def sync(self) -> None:
        """The paused or scaling path: scale proportionally, clean up when paused, write status."""
        new_rs, old = self.revisions(create=False)
        scale_proportionally(self, new_rs, old)
        new_rs, old = self._refresh(new_rs, old)
        if self.d["spec"].get("paused"):
            self.cleanup(old)
        self.sync_status([*old, new_rs], new_rs)

    def _refresh(self, new_rs: dict | None, old: list[dict]) -> tuple[dict | None, list[dict]]:
        by_name = {rs["metadata"]["name"]: rs for rs in self.rs_list}
        fresh_new = by_name.get(new_rs["metadata"]["name"]) if new_rs else None
        return fresh_new, [by_name.get(rs["metadata"]["name"], rs) for rs in old]

    # --- strategies --------------------------------------------------------------------------
    def rolling(self) -> None:
        new_rs, old = self.revisions(create=True)
        if new_rs is not None and self._reconcile_new(new_rs):
            return self._finish()
        new_rs, old = self._refresh(new_rs, old)
        if self._reconcile_old(new_rs, active(old)):
            return self._finish()
        new_rs, old = self._refresh(new_rs, old)
        if progress.deployment_complete(self.d, self.d["status"]):
            self.cleanup(old)
        self._finish()

    def _finish(self) -> None:
        new_rs = revision.find_new(self.d, self.rs_list, self.controller.templates)
        old = [rs for rs in self.rs_list if rs is not new_rs]
        self.sync_rollout_status([*old, new_rs], new_rs)

    def _reconcile_new(self, new_rs: dict) -> bool:
        want = specs.replicas(self.d)
        if specs.replicas(new_rs) == want:
            return False
        if specs.replicas(new_rs) > want:
            return self.scale_and_record(new_rs, want)[0]
        count = revision.new_rs_replicas(self.d, self.rs_list, new_rs)
        return self.scale_and_record(new_rs, count)[0]

    def _reconcile_old(self, new_rs: dict | None, old: list[dict]) -> bool:
        old_count = sum(specs.replicas(rs) for rs in old)
        if old_count == 0:
            return False
        all_count = sum(specs.replicas(rs) for rs in self.rs_list)
        min_available = specs.replicas(self.d) - specs.max_unavailable(self.d)
        new_unavailable = 0
        if new_rs is not None:
            new_unavailable = specs.replicas(new_rs) - int(
                (new_rs.get("status") or {}).get("availableReplicas") or 0
            )
        max_down = all_count - min_available - new_unavailable
        if max_down <= 0:
            return False
        cleaned = 0
        for rs in revision.by_creation(old):
            if cleaned >= max_down:
                break
            available = int((rs.get("status") or {}).get("availableReplicas") or 0)
            if specs.replicas(rs) == 0 or specs.replicas(rs) == available:
                continue
            down = min(max_down - cleaned, specs.replicas(rs) - available)
            self.scale_and_record(rs, specs.replicas(rs) - down)
            cleaned += down
        new_rs, old = self._refresh(new_rs, old)
        return cleaned + self._scale_down_old(new_rs, old) > 0

    def _scale_down_old(self, new_rs: dict | None, old: list[dict]) -> int:
        min_available = specs.replicas(self.d) - specs.max_unavailable(self.d)
        available = sum(
            int((rs.get("status") or {}).get("availableReplicas") or 0) for rs in [*old, new_rs] if rs
        )
        if available <= min_available:
            return 0
        budget = available - min_available
        done = 0
        for rs in revision.by_creation(old):
            if done >= budget:
                break
            if specs.replicas(rs) == 0:
                continue
            down = min(specs.replicas(rs), budget - done)
            self.scale_and_record(rs, specs.replicas(rs) - down)
            done += down
        return done

    def recreate(self) -> None:
        new_rs, old = self.revisions(create=False)
        scaled = False
        for rs in active(old):
            scaled = self.scale_and_record(rs, 0)[0] or scaled
        if scaled or self._old_pods_running(new_rs, old):
            return self._finish()
        if new_rs is None:
            new_rs, old = self.revisions(create=True)
        if new_rs is not None:
            self.scale_and_record(new_rs, specs.replicas(self.d))
        if progress.deployment_complete(self.d, self.d["status"]):
            self.cleanup(self._refresh(new_rs, old)[1])
        self._finish()

    def _old_pods_running(self, new_rs: dict | None, old: list[dict]) -> bool:
        if sum(int((rs.get("status") or {}).get("replicas") or 0) for rs in old):
            return True
        for rs in old:
            for pod in self.controller.index.owned("pods", rs):
                if (pod.get("status") or {}).get("phase") not in ("Failed", "Succeeded"):
                    return True
        return False

    def cleanup(self, old: list[dict]) -> None:
        """cleanupDeployment: delete the oldest idle ReplicaSets past revisionHistoryLimit."""
        limit = specs.revision_history_limit(self.d)
        if limit is None:
            return
        alive = [rs for rs in old if rs is not None and not is_terminating(rs)]
        excess = len(alive) - limit
        if excess <= 0:
            return
        for rs in sorted(alive, key=revision.revision_of)[:excess]:
            status = rs.get("status") or {}
            if (
                status.get("replicas")
                or specs.replicas(rs)
                or (rs["metadata"].get("generation", 0) > status.get("observedGeneration", 0))
            ):
                continue
            self.store.delete("replicasets", rs["metadata"].get("namespace"), rs["metadata"]["name"])
            self.rs_list = [r for r in self.rs_list if r["metadata"]["name"] != rs["metadata"]["name"]]

    # --- status ------------------------------------------------------------------------------
    def sync_status(self, all_rss: Iterable[dict | None], new_rs: dict | None) -> None:
        status = progress.calculate_status([rs for rs in all_rss if rs], new_rs, self.d)
        if status != self.d["status"]:
            self.d["status"] = status
            self.update_status()

    def sync_rollout_status(self, all_rss: Iterable[dict | None], new_rs: dict | None) -> None:
        status = progress.rollout_status([rs for rs in all_rss if rs], new_rs, self.d)
        if status != self.d["status"]:
            # A rollout that just completed gets one more pass: old ReplicaSets are cleaned up then.
            self.follow_up = not progress.deployment_complete(self.d, self.d["status"]) and (
                progress.deployment_complete(self.d, status)
            )
            self.d["status"] = status
            self.update_status()
        self.requeue_after = progress.seconds_until_deadline(self.d, status)
