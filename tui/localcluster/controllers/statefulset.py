"""The StatefulSet controller: ordinal pods, ordered start, reverse-ordinal rolling update, partition."""

from __future__ import annotations

import re

from tui.localcluster.controllers import history, specs
from tui.localcluster.controllers.hashing import revision_hash
from tui.localcluster.controllers.objects import (
    controller_of,
    is_pod_available,
    is_pod_ready,
    is_terminating,
    seconds_until_available,
)
from tui.localcluster.controllers.pods import PodControl, pod_from_template
from tui.localcluster.controllers.workqueue import Reconciler

REVISION_HASH_LABEL = "controller.kubernetes.io/hash"
POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"


def _revision_of(pod: dict) -> str | None:
    return (pod["metadata"].get("labels") or {}).get(specs.REVISION_HASH_LABEL)


def _running_and_ready(pod: dict) -> bool:
    return (pod.get("status") or {}).get("phase") == "Running" and is_pod_ready(pod)


def _failed(pod: dict) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Failed", "Succeeded")


class StatefulSetController(Reconciler):
    name = "statefulset-controller"

    def __init__(self, cluster, index) -> None:
        super().__init__(cluster)
        self.index = index
        self.pods = PodControl(cluster, self.name)

    def resync_all(self) -> None:
        items, _ = self.store.list("statefulsets")
        for sts in items:
            self.enqueue((sts["metadata"].get("namespace"), sts["metadata"]["name"]))

    def on_event(self, event_type: str, resource: str, obj: dict) -> None:
        if resource == "statefulsets":
            if event_type != "DELETED" and not self.is_echo(resource, obj):
                self.enqueue((obj["metadata"].get("namespace"), obj["metadata"]["name"]))
        elif resource in ("pods", "controllerrevisions"):
            ref = controller_of(obj)
            if ref is not None and ref.get("kind") == "StatefulSet":
                self.enqueue((obj["metadata"].get("namespace"), ref["name"]))

    # --- revisions -------------------------------------------------------------------------
    def revisions(self, sts: dict, revisions: list[dict]) -> tuple[dict, dict, int]:
        """getStatefulSetRevisions: (current, update, collisionCount), creating the update revision."""
        revisions = history.by_number(revisions)
        collisions = int((sts.get("status") or {}).get("collisionCount") or 0)
        data = history.revision_data(sts)
        equal = [r for r in revisions if history.same_data(r, data)]
        if equal and revisions[-1] is equal[-1]:
            update = revisions[-1]
        elif equal:
            update = history.renumber(self.store, equal[-1], history.next_number(revisions))
        else:
            update, collisions = self._create_revision(sts, data, history.next_number(revisions), collisions)
        current_name = (sts.get("status") or {}).get("currentRevision")
        current = next((r for r in revisions if r["metadata"]["name"] == current_name), None)
        return current or update, update, collisions

    def _create_revision(self, sts: dict, data: dict, number: int, collisions: int) -> tuple[dict, int]:
        labels = dict(((sts["spec"].get("template") or {}).get("metadata") or {}).get("labels") or {})
        while True:
            suffix = revision_hash(data, collisions)
            name = f"{sts['metadata']['name']}-{suffix}"
            revision = history.new_revision(
                sts, "StatefulSet", name, {**labels, REVISION_HASH_LABEL: suffix}, data, number
            )
            try:
                return self.store.create("controllerrevisions", revision), collisions
            except Exception as exc:
                if getattr(exc, "code", None) != 409:
                    raise
                existing = self.store.get("controllerrevisions", sts["metadata"].get("namespace"), name)
                if existing is not None and history.same_data(existing, data):
                    return existing, collisions
                collisions += 1

    # --- pods ------------------------------------------------------------------------------
    def new_pod(self, sts: dict, revision: dict, ordinal: int) -> dict:
        name = f"{sts['metadata']['name']}-{ordinal}"
        pod = pod_from_template(
            history.template_of(revision),
            sts,
            "StatefulSet",
            name,
            extra_labels={
                specs.REVISION_HASH_LABEL: revision["metadata"]["name"],
                POD_NAME_LABEL: name,
                POD_INDEX_LABEL: str(ordinal),
            },
        )
        pod["spec"]["hostname"] = name
        if sts["spec"].get("serviceName"):
            pod["spec"]["subdomain"] = sts["spec"]["serviceName"]
        return pod

    def _revision_for(self, sts: dict, ordinal: int, current: dict, update: dict) -> dict:
        kind, rolling = specs.update_strategy(sts)
        if kind == "RollingUpdate":
            partition = rolling.get("partition")
            if partition is None:
                below = ordinal < int((sts.get("status") or {}).get("currentReplicas") or 0)
            else:
                below = ordinal < int(partition)
            if below:
                return current
        return update

    def sync(self, key) -> None:
        sts = self.store.get("statefulsets", *key)
        if sts is None:
            return
        revisions = self.index.owned("controllerrevisions", sts)
        current, update, collisions = self.revisions(sts, revisions)
        if not is_terminating(sts):
            self.update_pods(sts, current, update)
        pods = self.index.owned("pods", sts)
        status = self.status(sts, pods, current, update, collisions)
        if status != (sts.get("status") or {}):
            self.write_own("statefulsets", {**sts, "status": status}, subresource="status")
        live = {
            current["metadata"]["name"],
            update["metadata"]["name"],
            *filter(None, map(_revision_of, pods)),
        }
        history.truncate(
            self.store, self.index.owned("controllerrevisions", sts), live, specs.revision_history_limit(sts)
        )
        waits = [
            w
            for w in (seconds_until_available(p, specs.min_ready_seconds(sts)) for p in pods)
            if w is not None
        ]
        if waits:
            self.enqueue_after(key, min(waits) + 0.05)

    def update_pods(self, sts: dict, current: dict, update: dict) -> None:
        """updateStatefulSet: one step of ordered creation, scale-down and rolling update."""
        name = sts["metadata"]["name"]
        want = specs.replicas(sts)
        min_ready = specs.min_ready_seconds(sts)
        monotonic = sts["spec"].get("podManagementPolicy", "OrderedReady") != "Parallel"
        replicas: list[dict | None] = [None] * want
        condemned: list[tuple[int, dict]] = []
        pattern = re.compile(re.escape(name) + r"-(\d+)$")
        for pod in self.index.owned("pods", sts):
            match = pattern.match(pod["metadata"]["name"])
            if match is None:
                continue
            ordinal = int(match.group(1))
            if ordinal < want:
                replicas[ordinal] = pod
            else:
                condemned.append((ordinal, pod))
        condemned.sort(key=lambda item: item[0])

        def healthy(pod: dict) -> bool:
            return _running_and_ready(pod) and is_pod_available(pod, min_ready)

        first_unhealthy = next(
            (p for p in [*replicas, *(p for _, p in condemned)] if p and not healthy(p)), None
        )

        for ordinal, pod in enumerate(replicas):
            if pod is not None and _failed(pod):
                self.pods.delete(
                    pod, sts, f"delete Pod {pod['metadata']['name']} in StatefulSet {name} successful"
                )
                pod = replicas[ordinal] = None
            if pod is None:
                revision = self._revision_for(sts, ordinal, current, update)
                new = self.new_pod(sts, revision, ordinal)
                self.pods.create_named(
                    new, sts, f"create Pod {new['metadata']['name']} in StatefulSet {name}"
                )
                if monotonic:
                    return
                continue
            if monotonic and (is_terminating(pod) or not healthy(pod)):
                return

        for _ordinal, pod in reversed(condemned):
            if is_terminating(pod):
                if monotonic:
                    return
                continue
            if monotonic and not healthy(pod) and pod is not first_unhealthy:
                return
            self.pods.delete(
                pod, sts, f"delete Pod {pod['metadata']['name']} in StatefulSet {name} successful"
            )
            if monotonic:
                return

        kind, rolling = specs.update_strategy(sts)
        if kind != "RollingUpdate":
            return
        partition = int(rolling.get("partition") or 0)
        for target in range(want - 1, partition - 1, -1):
            pod = replicas[target]
            if pod is None:
                return
            if _revision_of(pod) != update["metadata"]["name"] and not is_terminating(pod):
                self.pods.delete(
                    pod, sts, f"delete Pod {pod['metadata']['name']} in StatefulSet {name} successful"
                )
                return
            if not healthy(pod):
                return

    def status(self, sts: dict, pods: list[dict], current: dict, update: dict, collisions: int) -> dict:
        min_ready = specs.min_ready_seconds(sts)
        counts = dict.fromkeys(
            ("replicas", "readyReplicas", "availableReplicas", "currentReplicas", "updatedReplicas"), 0
        )
        for pod in pods:
            counts["replicas"] += 1
            if _running_and_ready(pod):
                counts["readyReplicas"] += 1
                if is_pod_available(pod, min_ready):
                    counts["availableReplicas"] += 1
            if not is_terminating(pod):
                revision = _revision_of(pod)
                counts["currentReplicas"] += revision == current["metadata"]["name"]
                counts["updatedReplicas"] += revision == update["metadata"]["name"]
        status = {"observedGeneration": sts["metadata"].get("generation", 1), "replicas": counts["replicas"]}
        status.update(
            {k: counts[k] for k in ("readyReplicas", "currentReplicas", "updatedReplicas") if counts[k]}
        )
        status["currentRevision"] = current["metadata"]["name"]
        status["updateRevision"] = update["metadata"]["name"]
        status["collisionCount"] = collisions
        status["availableReplicas"] = counts["availableReplicas"]
        want = specs.replicas(sts)
        if (
            specs.update_strategy(sts)[0] == "RollingUpdate"
            and counts["updatedReplicas"] == want
            and counts["readyReplicas"] == want
            and counts["replicas"] == want
        ):
            status["currentReplicas"] = counts["updatedReplicas"]
            status["currentRevision"] = status["updateRevision"]
        if not status.get("currentReplicas"):
            status.pop("currentReplicas", None)
        return status
