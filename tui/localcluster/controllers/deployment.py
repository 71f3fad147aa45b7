"""The Deployment controller: ReplicaSets per template, rolling updates, conditions, history."""

from __future__ import annotations

from tui.localcluster.controllers import progress
from tui.localcluster.controllers.events import record
from tui.localcluster.controllers.objects import controller_of
from tui.localcluster.controllers.revision import TemplateCache
from tui.localcluster.controllers.rollout import Rollout
from tui.localcluster.controllers.workqueue import Reconciler

_SETTLED = (progress.NEW_RS_AVAILABLE, progress.TIMED_OUT)


class DeploymentController(Reconciler):
    name = "deployment-controller"
    # A safety net for progress deadlines besides the timer set when a rollout stops progressing.
    resync_interval = 30.0

    def __init__(self, cluster, index) -> None:
        super().__init__(cluster)
        self.index = index
        self.templates = TemplateCache()

    def record(self, d: dict, reason: str, message: str, type: str = "Normal") -> None:
        record(self.store, d, reason, message, type, self.name)

    def resync_all(self) -> None:
        items, _ = self.store.list("deployments")
        for d in items:
            self.enqueue((d["metadata"].get("namespace"), d["metadata"]["name"]))

    def periodic_resync(self) -> None:
        """Queue the Deployments whose rollout is still in flight."""
        items, _ = self.store.list("deployments")
        for d in items:
            status = d.get("status") or {}
            cond = progress.get_condition(status, progress.PROGRESSING)
            in_flight = cond is not None and cond.get("reason") not in _SETTLED
            if in_flight or status.get("observedGeneration", 0) < d["metadata"].get("generation", 0):
                self.enqueue((d["metadata"].get("namespace"), d["metadata"]["name"]))

    def on_event(self, event_type: str, resource: str, obj: dict) -> None:
        if resource == "deployments":
            if event_type != "DELETED" and not self.is_echo(resource, obj):
                self.enqueue((obj["metadata"].get("namespace"), obj["metadata"]["name"]))
        elif resource == "replicasets":
            ref = controller_of(obj)
            if ref is not None and ref.get("kind") == "Deployment":
                self.enqueue((obj["metadata"].get("namespace"), ref["name"]))
        elif resource == "pods" and event_type == "DELETED":
            # A Recreate rollout waits for the last old pod to be gone, not just scaled away.
            ref = controller_of(obj)
            if ref is not None and ref.get("kind") == "ReplicaSet":
                rs = self.store.get("replicasets", obj["metadata"].get("namespace"), ref["name"])
                owner = controller_of(rs) if rs else None
                if owner is not None and owner.get("kind") == "Deployment":
                    self.enqueue((obj["metadata"].get("namespace"), owner["name"]))

    def sync(self, key) -> None:
        d = self.store.get("deployments", *key)
        if d is None:
            return
        rollout = Rollout(self, d, self.index.owned("replicasets", d))
        rollout.run()
        if rollout.follow_up:
            self.enqueue(key)
        elif rollout.requeue_after is not None:
            self.enqueue_after(key, rollout.requeue_after)
