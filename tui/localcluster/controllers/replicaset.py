"""The ReplicaSet controller: keeps spec.replicas pods, owned by reference, and reports their health."""

from __future__ import annotations

from tui.localcluster.controllers import specs
from tui.localcluster.controllers.objects import (
    controller_of,
    is_pod_active,
    is_pod_available,
    is_pod_ready,
    is_terminating,
    labels_match,
    owner_reference,
    ready_condition,
    seconds_until_available,
    selector_matches,
    timestamp,
)
from tui.localcluster.controllers.pods import PodControl
from tui.localcluster.controllers.workqueue import Reconciler
from tui.model.times import parse_time

# kube-controller-manager's burstReplicas: pods created or deleted per sync at most.
BURST_REPLICAS = 500
_PHASE_RANK = {"Pending": 0, "Unknown": 1, "Running": 2}


def _restarts(pod: dict) -> int:
    return sum(
        int(c.get("restartCount") or 0) for c in (pod.get("status") or {}).get("containerStatuses") or []
    )


def _deletion_rank(pod: dict) -> tuple:
    """Pods to delete first: unscheduled, pending, not ready, ready most recently, restarting, newest."""
    status = pod.get("status") or {}
    ready = is_pod_ready(pod)
    since = None
    if ready:
        for cond in status.get("conditions") or []:
            if cond.get("type") == "Ready":
                since = parse_time(cond.get("lastTransitionTime"))
    created = parse_time((pod.get("metadata") or {}).get("creationTimestamp"))
    return (
        1 if (pod.get("spec") or {}).get("nodeName") else 0,
        _PHASE_RANK.get(status.get("phase", ""), 0),
        1 if ready else 0,
        -(since.timestamp() if since else 0.0),
        -_restarts(pod),
        -(created.timestamp() if created else 0.0),
    )


def replica_set_status(rs: dict, pods: list[dict], failure: dict | None) -> dict:
    min_ready = specs.min_ready_seconds(rs)
    template_labels = ((rs.get("spec") or {}).get("template") or {}).get("metadata", {}).get("labels")
    status: dict = {"replicas": len(pods)}
    counts = {
        "fullyLabeledReplicas": sum(
            1 for p in pods if labels_match(template_labels, p["metadata"].get("labels"))
        ),
        "readyReplicas": sum(1 for p in pods if is_pod_ready(p)),
        "availableReplicas": sum(1 for p in pods if is_pod_available(p, min_ready)),
    }
    status.update({k: v for k, v in counts.items() if v})
    generation = (rs.get("metadata") or {}).get("generation")
    if generation:
        status["observedGeneration"] = generation
    old = [c for c in (rs.get("status") or {}).get("conditions") or [] if c.get("type") != "ReplicaFailure"]
    if failure is not None:
        current = next(
            (
                c
                for c in (rs.get("status") or {}).get("conditions") or []
                if c.get("type") == "ReplicaFailure"
            ),
            None,
        )
        if current and current.get("reason") == failure["reason"]:
            failure = current
        old.append(failure)
    if old:
        status["conditions"] = old
    return status


class ReplicaSetController(Reconciler):
    name = "replicaset-controller"

    def __init__(self, cluster, index) -> None:
        super().__init__(cluster)
        self.index = index
        self.pods = PodControl(cluster, self.name)
        self._pod_views: dict[tuple, tuple] = {}

    def resync_all(self) -> None:
        items, _ = self.store.list("replicasets")
        for rs in items:
            self.enqueue((rs["metadata"].get("namespace"), rs["metadata"]["name"]))

    def on_event(self, event_type: str, resource: str, obj: dict) -> None:
        if resource == "replicasets":
            if event_type != "DELETED" and not self.is_echo(resource, obj):
                self.enqueue((obj["metadata"].get("namespace"), obj["metadata"]["name"]))
        elif resource == "pods":
            ref = controller_of(obj)
            namespace = obj["metadata"].get("namespace")
            if not self._pod_changed(event_type, namespace, obj):
                return
            if ref is not None:
                if ref.get("kind") == "ReplicaSet":
                    self.enqueue((namespace, ref["name"]))
            elif event_type != "DELETED" and is_pod_active(obj):
                # An orphan: the ReplicaSets whose selector matches it may adopt it.
                labels = obj["metadata"].get("labels")
                for rs in self.store.list("replicasets", namespace)[0]:
                    if selector_matches(rs["spec"].get("selector"), labels):
                        self.enqueue((namespace, rs["metadata"]["name"]))

    def _pod_changed(self, event_type: str, namespace: str | None, pod: dict) -> bool:
        """Whether a pod event changes what the ReplicaSet sees (a node binding or a log line does not)."""
        key = (namespace, pod["metadata"]["name"])
        if event_type == "DELETED":
            self._pod_views.pop(key, None)
            return True
        meta, status = pod["metadata"], pod.get("status") or {}
        ready = ready_condition(pod) or {}
        view = (
            meta.get("uid"),
            meta.get("deletionTimestamp"),
            status.get("phase"),
            ready.get("status"),
            ready.get("lastTransitionTime"),
            tuple(sorted((meta.get("labels") or {}).items())),
            tuple(r.get("uid") for r in meta.get("ownerReferences") or []),
        )
        if self._pod_views.get(key) == view:
            return False
        self._pod_views[key] = view
        return True

    def sync(self, key) -> None:
        rs = self.store.get("replicasets", *key)
        if rs is None:
            return
        failure = None
        if not is_terminating(rs):
            failure = self._manage(rs)
        pods = [p for p in self.index.owned("pods", rs) if is_pod_active(p)]
        status = replica_set_status(rs, pods, failure)
        if status != (rs.get("status") or {}):
            self.write_own("replicasets", {**rs, "status": status}, subresource="status")
        self._requeue_for_availability(key, rs, pods)

    def claim_pods(self, rs: dict) -> None:
        """ClaimPods: release owned pods the selector no longer matches, adopt matching orphans."""
        selector = (rs.get("spec") or {}).get("selector")
        uid = rs["metadata"]["uid"]
        for pod in self.index.owned("pods", rs):
            if is_terminating(pod) or selector_matches(selector, pod["metadata"].get("labels")):
                continue
            refs = [r for r in pod["metadata"].get("ownerReferences") or [] if r.get("uid") != uid]
            self.store.update("pods", {**pod, "metadata": {**pod["metadata"], "ownerReferences": refs}})
        for pod in self.index.orphan_pods(rs["metadata"].get("namespace")):
            if not is_pod_active(pod) or not selector_matches(selector, pod["metadata"].get("labels")):
                continue
            refs = [*(pod["metadata"].get("ownerReferences") or []), owner_reference(rs, "ReplicaSet")]
            self.store.update("pods", {**pod, "metadata": {**pod["metadata"], "ownerReferences": refs}})

    def _manage(self, rs: dict) -> dict | None:
        self.claim_pods(rs)
        pods = [p for p in self.index.owned("pods", rs) if is_pod_active(p)]
        diff = len(pods) - specs.replicas(rs)
        template = (rs.get("spec") or {}).get("template") or {}
        if diff < 0:
            for _ in range(min(-diff, BURST_REPLICAS)):
                try:
                    self.pods.create_generated(template, rs, "ReplicaSet")
                except Exception as exc:
                    return self._failure("FailedCreate", exc)
        elif diff > 0:
            for pod in sorted(pods, key=_deletion_rank)[: min(diff, BURST_REPLICAS)]:
                try:
                    self.pods.delete(pod, rs)
                except Exception as exc:
                    return self._failure("FailedDelete", exc)
        return None

    @staticmethod
    def _failure(reason: str, exc: Exception) -> dict:
        return {
            "type": "ReplicaFailure",
            "status": "True",
            "lastTransitionTime": timestamp(),
            "reason": reason,
            "message": str(getattr(exc, "message", exc)),
        }

    def _requeue_for_availability(self, key, rs: dict, pods: list[dict]) -> None:
        waits = [
            w
            for w in (seconds_until_available(p, specs.min_ready_seconds(rs)) for p in pods)
            if w is not None
        ]
        if waits:
            self.enqueue_after(key, min(waits) + 0.05)
