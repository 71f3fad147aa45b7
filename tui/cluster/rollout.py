"""Rollout status with `kubectl rollout status` semantics, and a tracker that follows one rollout."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from tui.cluster.errors import ApiError, TransportError, describe
from tui.cluster.resources import BY_KIND, RESOURCES
from tui.model.events import CrashLoop, RolloutProgress

FAILING_WAIT_REASONS = (
    "CrashLoopBackOff",
    "ImagePullBackOff",
    "ErrImagePull",
    "CreateContainerConfigError",
    "CreateContainerError",
    "InvalidImageName",
)


@dataclass(frozen=True)
class RolloutStatus:
    done: bool
    message: str
    updated: int = 0
    ready: int = 0
    available: int = 0
    desired: int = 0
    failed_reason: str | None = None


def _condition(obj: dict, kind: str) -> dict | None:
    for cond in (obj.get("status") or {}).get("conditions") or []:
        if cond.get("type") == kind:
            return cond
    return None


def rollout_status(obj: dict) -> RolloutStatus:
    """What `kubectl rollout status` would print for this object, as data."""
    kind = obj.get("kind")
    meta, spec, status = obj.get("metadata") or {}, obj.get("spec") or {}, obj.get("status") or {}
    name = meta.get("name", "")
    generation, observed = int(meta.get("generation") or 0), int(status.get("observedGeneration") or 0)
    if kind == "Deployment":
        desired = int(spec.get("replicas", 1) if spec.get("replicas") is not None else 1)
        updated, replicas = int(status.get("updatedReplicas") or 0), int(status.get("replicas") or 0)
        ready, available = int(status.get("readyReplicas") or 0), int(status.get("availableReplicas") or 0)
        counts = {"updated": updated, "ready": ready, "available": available, "desired": desired}
        if generation > observed:
            return RolloutStatus(False, "Waiting for deployment spec update to be observed...", **counts)
        progressing = _condition(obj, "Progressing")
        if progressing and progressing.get("reason") == "ProgressDeadlineExceeded":
            return RolloutStatus(
                False,
                f'deployment "{name}" exceeded its progress deadline',
                **counts,
                failed_reason="ProgressDeadlineExceeded",
            )
        if updated < desired:
            return RolloutStatus(
                False,
                f'Waiting for deployment "{name}" rollout to finish: {updated} out of '
                f"{desired} new replicas have been updated...",
                **counts,
            )
        if replicas > updated:
            return RolloutStatus(
                False,
                f'Waiting for deployment "{name}" rollout to finish: {replicas - updated} '
                "old replicas are pending termination...",
                **counts,
            )
        if available < updated:
            return RolloutStatus(
                False,
                f'Waiting for deployment "{name}" rollout to finish: {available} of '
                f"{updated} updated replicas are available...",
                **counts,
            )
        return RolloutStatus(True, f'deployment "{name}" successfully rolled out', **counts)
    if kind == "StatefulSet":
        desired = int(spec.get("replicas", 1) if spec.get("replicas") is not None else 1)
        ready, updated = int(status.get("readyReplicas") or 0), int(status.get("updatedReplicas") or 0)
        available = int(status.get("availableReplicas") or ready)
        counts = {"updated": updated, "ready": ready, "available": available, "desired": desired}
        strategy = (spec.get("updateStrategy") or {}).get("type", "RollingUpdate")
        if strategy != "RollingUpdate":
            return RolloutStatus(
                True,
                f"rollout status is only available for RollingUpdate strategy type (this one is {strategy})",
                **counts,
            )
        if observed == 0 or generation > observed:
            return RolloutStatus(False, "Waiting for statefulset spec update to be observed...", **counts)
        if ready < desired:
            return RolloutStatus(False, f"Waiting for {desired - ready} pods to be ready...", **counts)
        partition = int(((spec.get("updateStrategy") or {}).get("rollingUpdate") or {}).get("partition") or 0)
        if partition > 0:
            if updated < desired - partition:
                return RolloutStatus(
                    False,
                    f"Waiting for partitioned roll out to finish: {updated} out of "
                    f"{desired - partition} new pods have been updated...",
                    **counts,
                )
            return RolloutStatus(
                True, f"partitioned roll out complete: {updated} new pods have been updated...", **counts
            )
        if status.get("updateRevision") != status.get("currentRevision"):
            return RolloutStatus(
                False,
                f"waiting for statefulset rolling update to complete {updated} pods at "
                f"revision {status.get('updateRevision')}...",
                **counts,
            )
        return RolloutStatus(
            True,
            f"statefulset rolling update complete {ready} pods at revision "
            f"{status.get('currentRevision')}...",
            **counts,
        )
    if kind == "DaemonSet":
        desired = int(status.get("desiredNumberScheduled") or 0)
        updated = int(status.get("updatedNumberScheduled") or 0)
        available = int(status.get("numberAvailable") or 0)
        ready = int(status.get("numberReady") or 0)
        counts = {"updated": updated, "ready": ready, "available": available, "desired": desired}
        if generation > observed:
            return RolloutStatus(False, "Waiting for daemon set spec update to be observed...", **counts)
        if updated < desired:
            return RolloutStatus(
                False,
                f'Waiting for daemon set "{name}" rollout to finish: {updated} out of '
                f"{desired} new pods have been updated...",
                **counts,
            )
        if available < desired:
            return RolloutStatus(
                False,
                f'Waiting for daemon set "{name}" rollout to finish: {available} of '
                f"{desired} updated pods are available...",
                **counts,
            )
        return RolloutStatus(True, f'daemon set "{name}" successfully rolled out', **counts)
    return RolloutStatus(True, f"{kind} has no rollout")


def selector_string(obj: dict) -> str:
    """The workload's label selector in query form."""
    sel = (obj.get("spec") or {}).get("selector") or {}
    parts = [f"{k}={v}" for k, v in sorted((sel.get("matchLabels") or {}).items())]
    for expr in sel.get("matchExpressions") or []:
        op, key, values = expr.get("operator"), expr.get("key"), expr.get("values") or []
        if op == "In":
            parts.append(f"{key} in ({','.join(values)})")
        elif op == "NotIn":
            parts.append(f"{key} notin ({','.join(values)})")
        elif op == "Exists":
            parts.append(key)
        elif op == "DoesNotExist":
            parts.append(f"!{key}")
    return ",".join(parts)


def failing_containers(pod: dict) -> list[tuple[str, str, str]]:
    """(container, reason, message) of containers stuck waiting for a failure reason."""
    out = []
    status = pod.get("status") or {}
    for cs in (status.get("initContainerStatuses") or []) + (status.get("containerStatuses") or []):
        waiting = (cs.get("state") or {}).get("waiting") or {}
        if waiting.get("reason") in FAILING_WAIT_REASONS:
            out.append((cs.get("name", ""), waiting["reason"], waiting.get("message") or ""))
    return out


class RolloutTracker:
    """Polls one workload until its rollout is done, fails, times out, or `stop()` is called."""

    def __init__(
        self,
        api,
        key: tuple[str, str, str],
        on_progress: Callable[[list], None],
        *,
        timeout: float = 600.0,
        interval: float = 0.5,
        log_lines: int = 10,
    ):
        self.api, self.key, self.on_progress = api, key, on_progress
        self.timeout, self.interval, self.log_lines = timeout, interval, log_lines
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name=f"kubeknobs-rollout-{key[2]}")
        self.result: RolloutStatus | None = None
        self.finished = threading.Event()
        self._reported: set[tuple[str, str, str]] = set()

    def start(self) -> RolloutTracker:
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def wait(self, timeout: float | None = None) -> RolloutStatus | None:
        self.finished.wait(timeout)
        return self.result

    def _run(self) -> None:
        kind, ns, name = self.key
        res = BY_KIND[kind]
        waited = 0.0
        last = None
        try:
            while not self._stop.is_set():
                try:
                    obj = self.api.request("GET", res.item(ns, name))
                except (ApiError, TransportError) as exc:
                    self.result = RolloutStatus(False, describe(exc), failed_reason="Error")
                    self.on_progress([self._event(self.result)])
                    return
                obj.setdefault("kind", kind)
                status = rollout_status(obj)
                events = self._crashes(obj)
                if events and not status.failed_reason:
                    status = RolloutStatus(
                        False,
                        events[0].summary,
                        status.updated,
                        status.ready,
                        status.available,
                        status.desired,
                        failed_reason=events[0].reason,
                    )
                if status != last or events:
                    self.on_progress([*events, self._event(status)])
                    last = status
                if status.done or status.failed_reason:
                    self.result = status
                    return
                if waited >= self.timeout:
                    self.result = RolloutStatus(
                        False,
                        f"timed out after {self.timeout:g}s: {status.message}",
                        status.updated,
                        status.ready,
                        status.available,
                        status.desired,
                        failed_reason="Timeout",
                    )
                    self.on_progress([self._event(self.result)])
                    return
                self._stop.wait(self.interval)
                waited += self.interval
        finally:
            self.finished.set()

    def _event(self, status: RolloutStatus) -> RolloutProgress:
        return RolloutProgress(
            namespace=self.key[1],
            workload=self.key,
            updated=status.updated,
            ready=status.ready,
            available=status.available,
            desired=status.desired,
            done=status.done,
            failed_reason=status.failed_reason,
            message=status.message,
        )

    def _crashes(self, obj: dict) -> list:
        """New failures among the workload's pods, each once, with its last log lines."""
        ns = self.key[1]
        try:
            pods = (
                self.api.request(
                    "GET", RESOURCES["pods"].collection(ns), query={"labelSelector": selector_string(obj)}
                ).get("items")
                or []
            )
        except (ApiError, TransportError):
            return []
        out = []
        for pod in self._new_pods(obj, pods):
            pod_name = (pod.get("metadata") or {}).get("name", "")
            for container, reason, message in failing_containers(pod):
                if (pod_name, container, reason) in self._reported:
                    continue
                self._reported.add((pod_name, container, reason))
                lines = tuple(
                    last_log_lines(
                        self.api,
                        ns,
                        pod_name,
                        container,
                        self.log_lines,
                        previous=reason == "CrashLoopBackOff",
                    )
                ) or ((message,) if message else ())
                out.append(
                    CrashLoop(
                        namespace=ns,
                        workload=self.key,
                        pod=pod_name,
                        container=container,
                        reason=reason,
                        last_lines=lines,
                    )
                )
        return out

    def _new_pods(self, obj: dict, pods: list[dict]) -> list[dict]:
        """Only the pods of the template being rolled out: an old pod's trouble is not this rollout's."""
        kind = obj.get("kind") or self.key[0]
        labels = lambda p: (p.get("metadata") or {}).get("labels") or {}  # noqa: E731
        if kind == "StatefulSet" and (obj.get("status") or {}).get("updateRevision"):
            wanted = obj["status"]["updateRevision"]
            return [p for p in pods if labels(p).get("controller-revision-hash") == wanted]
        if kind == "DaemonSet":
            generation = str((obj.get("metadata") or {}).get("generation") or "")
            tagged = [p for p in pods if "pod-template-generation" in labels(p)]
            return (
                [p for p in tagged if labels(p)["pod-template-generation"] == generation] if tagged else pods
            )
        if kind == "Deployment":
            newest = self._newest_template_hash(obj)
            if newest:
                return [p for p in pods if labels(p).get("pod-template-hash") == newest]
        return pods

    def _newest_template_hash(self, obj: dict) -> str | None:
        meta = obj.get("metadata") or {}
        try:
            sets = (
                self.api.request(
                    "GET",
                    RESOURCES["replicasets"].collection(meta.get("namespace")),
                    query={"labelSelector": selector_string(obj)},
                ).get("items")
                or []
            )
        except (ApiError, TransportError):
            return None
        owned = [
            rs
            for rs in sets
            if any(
                o.get("uid") == meta.get("uid")
                for o in (rs.get("metadata") or {}).get("ownerReferences") or []
            )
        ]

        def revision(rs: dict) -> int:
            value = ((rs.get("metadata") or {}).get("annotations") or {}).get(
                "deployment.kubernetes.io/revision", ""
            )
            return int(value) if value.isdigit() else 0

        if not owned:
            return None
        newest = max(owned, key=revision)
        return ((newest.get("metadata") or {}).get("labels") or {}).get("pod-template-hash")


def last_log_lines(
    api, namespace: str, pod: str, container: str, count: int, *, previous: bool = False
) -> list[str]:
    path = RESOURCES["pods"].item(namespace, pod) + "/log"
    for prev in (True, False) if previous else (False,):
        try:
            text = api.get_text(
                path, query={"container": container, "tailLines": count, "previous": prev or None}
            )
        except (ApiError, TransportError):
            continue
        lines = [ln for ln in text.splitlines() if ln.strip()]
        if lines:
            return lines[-count:]
    return []
