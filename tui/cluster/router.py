"""From watch deltas to what changed: one handler per resource, with no network I/O.

The session's delta thread delivers every table update; anything that would wait on the API server
(a crash-looping container's log lines, a log follow) is left to the session, which runs it elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tui.cluster.cache import ClusterCache
from tui.cluster.feed import (
    WORKLOAD_PLURALS,
    kube_event,
    owner_workload,
    pod_crash,
    pod_events,
    rollout_event,
)
from tui.cluster.informer import Delta
from tui.cluster.port import WorkloadKey
from tui.cluster.reload import ReloadCorrelator
from tui.cluster.reloadwatch import ReloadWatch
from tui.cluster.rows import RowBuilder

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet")


@dataclass
class Routed:
    """What one batch of deltas changed."""

    dirty: set[WorkloadKey] = field(default_factory=set)  # workloads whose rows are built anew
    deleted: list[WorkloadKey] = field(default_factory=list)
    events: list = field(default_factory=list)
    pods_moved: set[WorkloadKey] = field(default_factory=set)  # workloads whose log follows need their pods


class DeltaRouter:
    def __init__(
        self,
        cache: ClusterCache,
        rows: RowBuilder,
        reloads: ReloadWatch,
        correlator: ReloadCorrelator,
        synced: Callable[[], bool],
    ) -> None:
        self._cache, self._rows, self._reloads, self._correlator = cache, rows, reloads, correlator
        self._synced = synced
        self._handlers: dict[str, Callable[[Delta, Routed], None]] = {
            **dict.fromkeys(WORKLOAD_PLURALS, self.workload),
            "configmaps": self.configmap,
            "pods": self.pod,
            "events": self.event,
        }

    def route(self, d: Delta, out: Routed) -> None:
        handler = self._handlers.get(d.resource)
        if handler is not None:
            handler(d, out)

    def workload(self, d: Delta, out: Routed) -> None:
        key = WorkloadKey(WORKLOAD_PLURALS[d.resource], *d.key)
        if d.type == "deleted":
            self._rows.forget(key)
            out.deleted.append(key)
            out.dirty.discard(key)
            return
        out.dirty.add(key)
        if not self._synced():
            return
        crashing = sum(bool(pod_crash(pod)) for pod in self._cache.pods_of(key))
        progress = rollout_event(key, d.old, d.obj, crashing=crashing)
        if progress is not None:
            out.events.append(progress)

    def configmap(self, d: Delta, out: Routed) -> None:
        d.obj.setdefault("kind", "ConfigMap")
        users = self._cache.users_of(*d.key)
        if d.type == "deleted":
            self._cache.objects.remove("ConfigMap", *d.key)
        else:
            self._cache.objects.add(d.obj)
        out.dirty.update(users)
        if d.type == "updated" and self._synced():
            out.events.extend(self._reloads.configmap_changed(d, users))

    def pod(self, d: Delta, out: Routed) -> None:
        owner = self._cache.pod_changed(*d.key, None if d.type == "deleted" else d.obj)
        if d.type == "deleted":
            self._correlator.pod_gone(*d.key)
        elif self._synced() or d.type == "updated":
            out.events.extend(pod_events(d.old, d.obj, owner_workload(d.obj)))
        if owner is not None:
            out.pods_moved.add(owner)
            # the row's crash mark follows its pods: built anew when a pod starts or stops failing
            if pod_crash(d.obj) if d.type == "deleted" else pod_crash(d.old) != pod_crash(d.obj):
                out.dirty.add(owner)

    def event(self, d: Delta, out: Routed) -> None:
        if d.type == "deleted":
            return
        involved = d.obj.get("involvedObject") or {}
        workload = None
        if involved.get("kind") in WORKLOAD_KINDS:
            workload = (involved["kind"], involved.get("namespace") or d.key[0], involved.get("name", ""))
        elif involved.get("kind") == "Pod":
            pod = self._cache.get("pods", d.key[0], involved.get("name", ""))
            workload = owner_workload(pod) if pod else None
        out.events.append(kube_event(d.obj, workload))
