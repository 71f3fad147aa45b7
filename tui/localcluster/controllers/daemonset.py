"""The DaemonSet controller: one pod per fitting node, rolling update by maxUnavailable or maxSurge."""

from __future__ import annotations

import copy

from tui.localcluster.controllers import history, specs
from tui.localcluster.controllers.events import record
from tui.localcluster.controllers.hashing import template_hash
from tui.localcluster.controllers.objects import (
    controller_of,
    is_pod_available,
    is_pod_ready,
    is_terminating,
    scaled_value,
    seconds_until_available,
)
from tui.localcluster.controllers.pods import PodControl
from tui.localcluster.controllers.workqueue import Reconciler
from tui.localcluster.kubelet.node import required_node
from tui.model.times import parse_time

TEMPLATE_GENERATION_LABEL = "pod-template-generation"
DAEMON_TOLERATIONS = [
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/pid-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"},
]


def _oldest_first(pods: list[dict]) -> list[dict]:
    def key(pod: dict):
        created = parse_time(pod["metadata"].get("creationTimestamp"))
        return (created.timestamp() if created else 0.0, pod["metadata"]["name"])

    return sorted(pods, key=key)


class DaemonSetController(Reconciler):
    name = "daemonset-controller"

    def __init__(self, cluster, index, roster) -> None:
        super().__init__(cluster)
        self.index = index
        self.roster = roster
        self.pods = PodControl(cluster, self.name)
        roster.on_change.append(self.resync_all)

    def resync_all(self) -> None:
        items, _ = self.store.list("daemonsets")
        for ds in items:
            self.enqueue((ds["metadata"].get("namespace"), ds["metadata"]["name"]))

    def on_event(self, event_type: str, resource: str, obj: dict) -> None:
        if resource == "daemonsets":
            if event_type != "DELETED" and not self.is_echo(resource, obj):
                self.enqueue((obj["metadata"].get("namespace"), obj["metadata"]["name"]))
        elif resource in ("pods", "controllerrevisions"):
            ref = controller_of(obj)
            if ref is not None and ref.get("kind") == "DaemonSet":
                self.enqueue((obj["metadata"].get("namespace"), ref["name"]))

    # --- history ---------------------------------------------------------------------------
    def construct_history(self, ds: dict) -> tuple[dict, list[dict]]:
        data = history.revision_data(ds)
        current: list[dict] = []
        old: list[dict] = []
        for revision in self.index.owned("controllerrevisions", ds):
            (current if history.same_data(revision, data) else old).append(revision)
        number = history.next_number(old)
        if not current:
            return self._snapshot(ds, data, number), old
        cur = history.by_number(current)[-1]
        for duplicate in current:
            if duplicate is not cur:
                self.store.delete(
                    "controllerrevisions",
                    duplicate["metadata"].get("namespace"),
                    duplicate["metadata"]["name"],
                )
        if int(cur.get("revision") or 0) < number:
            cur = history.renumber(self.store, cur, number)
        return cur, old

    def _snapshot(self, ds: dict, data: dict, number: int) -> dict:
        collisions = (ds.get("status") or {}).get("collisionCount")
        pod_hash = template_hash(ds["spec"].get("template") or {}, collisions)
        labels = {
            **(((ds["spec"].get("template") or {}).get("metadata") or {}).get("labels") or {}),
            specs.REVISION_HASH_LABEL: pod_hash,
        }
        name = f"{ds['metadata']['name']}-{pod_hash}"
        revision = history.new_revision(ds, "DaemonSet", name, labels, data, number)
        try:
            return self.store.create("controllerrevisions", revision)
        except Exception as exc:
            if getattr(exc, "code", None) != 409:
                raise
            existing = self.store.get("controllerrevisions", ds["metadata"].get("namespace"), name)
            ref = controller_of(existing) if existing else None
            if (
                existing is not None
                and history.same_data(existing, data)
                and ref
                and ref.get("uid") == ds["metadata"]["uid"]
            ):
                return existing
            status = {**(ds.get("status") or {}), "collisionCount": int(collisions or 0) + 1}
            self.write_own("daemonsets", {**ds, "status": status}, subresource="status")
            raise

    # --- sync ------------------------------------------------------------------------------
    def sync(self, key) -> None:
        ds = self.store.get("daemonsets", *key)
        if ds is None:
            return
        cur, old = self.construct_history(ds)
        pod_hash = (cur["metadata"].get("labels") or {}).get(specs.REVISION_HASH_LABEL) or cur["metadata"][
            "name"
        ]
        if not is_terminating(ds):
            self.manage(ds, pod_hash)
            kind, _ = specs.update_strategy(ds)
            if kind == "RollingUpdate":
                self.rolling_update(ds, pod_hash)
        by_node = self.pods_by_node(ds)
        status = self.status(ds, by_node, pod_hash)
        if status != (ds.get("status") or {}):
            self.write_own("daemonsets", {**ds, "status": status}, subresource="status")
        live = {cur["metadata"]["name"]} | {
            f"{ds['metadata']['name']}-{h}"
            for pods in by_node.values()
            for p in pods
            if (h := (p["metadata"].get("labels") or {}).get(specs.REVISION_HASH_LABEL))
        }
        history.truncate(self.store, old + [cur], live, specs.revision_history_limit(ds))
        min_ready = specs.min_ready_seconds(ds)
        waits = [
            w
            for pods in by_node.values()
            for p in pods
            if (w := seconds_until_available(p, min_ready)) is not None
        ]
        if waits:
            self.enqueue_after(key, min(waits) + 0.05)

    def pods_by_node(self, ds: dict) -> dict[str, list[dict]]:
        by_node: dict[str, list[dict]] = {}
        for pod in self.index.owned("pods", ds):
            if is_terminating(pod):
                continue
            by_node.setdefault(required_node(pod) or "", []).append(pod)
        return by_node

    def _updated(self, ds: dict, pod: dict, pod_hash: str) -> bool:
        labels = pod["metadata"].get("labels") or {}
        generation = str(ds["metadata"].get("generation", ""))
        return (
            labels.get(specs.REVISION_HASH_LABEL) == pod_hash
            or labels.get(TEMPLATE_GENERATION_LABEL) == generation
        )

    def _max_surge_unavailable(self, ds: dict) -> tuple[int, int]:
        _, rolling = specs.update_strategy(ds)
        spec = ds["spec"].get("template", {}).get("spec") or {}
        desired = sum(1 for n in self.roster.names() if self.roster.should_run_daemon(n, spec))
        surge = scaled_value(rolling.get("maxSurge", 0), desired, True)
        unavailable = scaled_value(rolling.get("maxUnavailable", 1), desired, True)
        if surge == 0 and unavailable == 0:
            unavailable = 1
        return surge, unavailable

    def manage(self, ds: dict, pod_hash: str) -> None:
        spec = (ds["spec"].get("template") or {}).get("spec") or {}
        surge, _ = self._max_surge_unavailable(ds)
        by_node = self.pods_by_node(ds)
        for node in self.roster.names():
            pods = by_node.pop(node, [])
            if not self.roster.should_run_daemon(node, spec):
                for pod in pods:
                    self.pods.delete(pod, ds)
                continue
            running = []
            for pod in pods:
                if (pod.get("status") or {}).get("phase") == "Failed":
                    record(
                        self.store,
                        ds,
                        "FailedDaemonPod",
                        f"Found failed daemon pod {pod['metadata'].get('namespace')}"
                        f"/{pod['metadata']['name']} on node {node}, will try to kill it",
                        "Warning",
                        self.name,
                    )
                    self.pods.delete(pod, ds)
                else:
                    running.append(pod)
            if not running:
                self.create_on(ds, node, pod_hash)
                continue
            for pod in self._extra_pods(ds, running, pod_hash, surge > 0):
                self.pods.delete(pod, ds)
        for pods in by_node.values():
            for pod in pods:
                self.pods.delete(pod, ds)

    def _extra_pods(self, ds: dict, running: list[dict], pod_hash: str, surging: bool) -> list[dict]:
        """Pods beyond the one a node should run (one old and one new while surging)."""
        ordered = _oldest_first(running)
        if not surging:
            return ordered[1:]
        new = [p for p in ordered if self._updated(ds, p, pod_hash)]
        old = [p for p in ordered if not self._updated(ds, p, pod_hash)]
        return new[1:] + old[1:]

    def create_on(self, ds: dict, node: str, pod_hash: str) -> None:
        template = copy.deepcopy(ds["spec"].get("template") or {})
        spec = template.setdefault("spec", {})
        spec["affinity"] = {
            **(spec.get("affinity") or {}),
            "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [
                        {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}
                    ]
                }
            },
        }
        tolerations = list(spec.get("tolerations") or [])
        tolerations += [t for t in DAEMON_TOLERATIONS if t not in tolerations]
        spec["tolerations"] = tolerations
        self.pods.create_generated(
            template,
            ds,
            "DaemonSet",
            extra_labels={
                specs.REVISION_HASH_LABEL: pod_hash,
                TEMPLATE_GENERATION_LABEL: str(ds["metadata"].get("generation", 1)),
            },
        )

    def rolling_update(self, ds: dict, pod_hash: str) -> None:
        min_ready = specs.min_ready_seconds(ds)
        surge, max_unavailable = self._max_surge_unavailable(ds)
        spec = (ds["spec"].get("template") or {}).get("spec") or {}
        by_node = self.pods_by_node(ds)
        to_delete: list[dict] = []
        create_on: list[str] = []
        busy = 0
        allowed: list = []
        candidates: list = []
        for node in self.roster.names():
            if not self.roster.should_run_daemon(node, spec):
                continue
            pods = by_node.get(node, [])
            new = [p for p in pods if self._updated(ds, p, pod_hash)]
            old = [p for p in pods if not self._updated(ds, p, pod_hash)]
            if len(new) > 1 or len(old) > 1:
                busy += 1
                continue
            new_pod = new[0] if new else None
            old_pod = old[0] if old else None
            if surge == 0:
                if new_pod is not None:
                    # a swap under way, or a new pod not yet available, keeps the node busy
                    if old_pod is not None or not is_pod_available(new_pod, min_ready):
                        busy += 1
                elif old_pod is None:
                    busy += 1
                elif not is_pod_available(old_pod, min_ready):
                    allowed.append(old_pod)
                elif busy < max_unavailable:
                    candidates.append(old_pod)
            else:
                if old_pod is None:
                    continue
                if new_pod is None:
                    if not is_pod_available(old_pod, min_ready):
                        allowed.append(node)
                    elif busy < surge:
                        candidates.append(node)
                elif is_pod_available(new_pod, min_ready):
                    to_delete.append(old_pod)
                else:
                    busy += 1
        budget = max((max_unavailable if surge == 0 else surge) - busy, 0)
        if surge == 0:
            to_delete += allowed + candidates[:budget]
        else:
            create_on = allowed + candidates[:budget]
        for pod in to_delete:
            self.pods.delete(pod, ds)
        for node in create_on:
            self.create_on(ds, node, pod_hash)

    def status(self, ds: dict, by_node: dict[str, list[dict]], pod_hash: str) -> dict:
        min_ready = specs.min_ready_seconds(ds)
        spec = (ds["spec"].get("template") or {}).get("spec") or {}
        desired = current = misscheduled = ready = available = updated = 0
        for node in self.roster.names():
            pods = by_node.get(node, [])
            if not self.roster.should_run_daemon(node, spec):
                misscheduled += 1 if pods else 0
                continue
            desired += 1
            if not pods:
                continue
            current += 1
            pod = _oldest_first(pods)[0]
            if is_pod_ready(pod):
                ready += 1
                if is_pod_available(pod, min_ready):
                    available += 1
            if self._updated(ds, pod, pod_hash):
                updated += 1
        status = {
            "currentNumberScheduled": current,
            "numberMisscheduled": misscheduled,
            "desiredNumberScheduled": desired,
            "numberReady": ready,
            "observedGeneration": ds["metadata"].get("generation", 1),
        }
        optional = {
            "updatedNumberScheduled": updated,
            "numberAvailable": available,
            "numberUnavailable": desired - available,
        }
        status.update({k: v for k, v in optional.items() if v})
        collisions = (ds.get("status") or {}).get("collisionCount")
        if collisions is not None:
            status["collisionCount"] = collisions
        return status
