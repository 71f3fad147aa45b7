"""One pod on the node: its root directory, volumes, containers, and the status the API shows."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import os
import shutil

from .container import ContainerRunner, now_iso
from .volumes import MountError, referenced_objects, write_volume_mounts


class PodWorker:
    def __init__(self, kubelet, pod: dict):
        self.kubelet = kubelet
        meta = pod["metadata"]
        self.namespace, self.name, self.uid = (
            meta.get("namespace", "default"),
            meta["name"],
            meta.get("uid", ""),
        )
        self.object = pod
        self.root = os.path.join(kubelet.workdir, "pods", self.namespace, self.name)
        spec = pod.get("spec") or {}
        self.restart_policy = spec.get("restartPolicy", "Always")
        self.grace = float(spec.get("terminationGracePeriodSeconds", 30)) * kubelet.time_scale
        self.init_containers = [ContainerRunner(self, c, init=True) for c in spec.get("initContainers") or []]
        self.containers = [ContainerRunner(self, c) for c in spec.get("containers") or []]
        self.references = referenced_objects(pod)
        self.frozen: set[str] = set()
        self.initialized = not self.init_containers
        self.mounted = False
        self.stopping = False
        self.host_ip, self.pod_ip = kubelet.addresses(pod)
        self.start_time = now_iso()
        self._changed = asyncio.Event()
        self._stopped = asyncio.Event()
        self._publish_pending = False
        self._sync_handle: asyncio.TimerHandle | None = None
        self._conditions: dict[str, tuple[str, str]] = {}
        self._tasks: list[asyncio.Task] = []

    @property
    def time_scale(self) -> float:
        return self.kubelet.time_scale

    @property
    def logs(self):
        return self.kubelet.cluster.logs

    def lookup(self, kind: str, name: str) -> dict | None:
        return self.kubelet.store.get(
            "configmaps" if kind == "configmap" else "secrets", self.namespace, name
        )

    def event(self, reason: str, message: str, type: str = "Normal") -> None:
        self.kubelet.event(self.object, reason, message, type)

    async def sleep(self, seconds: float) -> None:
        """Sleep, cut short when the pod stops."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopped.wait(), seconds)

    async def wait_for_change(self, timeout: float) -> None:
        """Until a ConfigMap/Secret the pod reads changes, or `timeout` seconds."""
        self._changed.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout)

    # lifecycle

    async def run(self) -> None:
        os.makedirs(self.root, exist_ok=True)
        self.publish()
        while not self.stopping and not self.mounted:
            try:
                write_volume_mounts(self.root, self.object, self.lookup, self.frozen)
                self.mounted = True
            except (MountError, OSError) as exc:
                self.event("FailedMount", str(exc), "Warning")
                await self.wait_for_change(10.0)
        for runner in self.init_containers:
            if self.stopping:
                return
            code = await runner.run()
            if code != 0:
                return
        self.initialized = True
        self.publish()
        if self.stopping:
            return
        self._tasks = [asyncio.create_task(runner.run()) for runner in self.containers]
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def stop(self, grace: float | None = None) -> None:
        self.stopping = True
        self._changed.set()
        self._stopped.set()
        if self._sync_handle is not None:
            self._sync_handle.cancel()
        grace = self.grace if grace is None else grace
        await asyncio.gather(
            *(r.stop(grace) for r in self.init_containers + self.containers), return_exceptions=True
        )
        for task in self._tasks:
            task.cancel()

    def remove_files(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    # volume sync

    def object_changed(self, kind: str, name: str, delay: float) -> None:
        """A ConfigMap/Secret the pod reads changed: wake waiters, re-sync volumes after `delay`."""
        if (kind, name) not in self.references:
            return
        self._changed.set()
        if self.mounted and (self._sync_handle is None or self._sync_handle.cancelled()):
            self._sync_handle = asyncio.get_running_loop().call_later(delay, self.sync_volumes)

    def sync_volumes(self) -> None:
        self._sync_handle = None
        if self.stopping or not self.mounted:
            return
        try:
            write_volume_mounts(self.root, self.object, self.lookup, self.frozen)
        except (MountError, OSError) as exc:
            self.event("FailedMount", str(exc), "Warning")

    def pod_updated(self, pod: dict) -> None:
        """The pod object changed; an annotation change syncs volumes at once, as on a real node."""
        old = (self.object.get("metadata") or {}).get("annotations") or {}
        self.object = pod
        if ((pod.get("metadata") or {}).get("annotations") or {}) != old:
            if self._sync_handle is not None:
                self._sync_handle.cancel()
            self.sync_volumes()

    # status

    def publish(self) -> None:
        """Write the pod status soon; several changes in one loop turn make one write."""
        if not self._publish_pending:
            self._publish_pending = True
            asyncio.get_running_loop().call_soon(self._write_status)

    def _write_status(self) -> None:
        self._publish_pending = False
        if self.stopping:
            return
        current = self.kubelet.store.get("pods", self.namespace, self.name)
        if current is None or current["metadata"].get("uid") != self.uid:
            return
        updated = copy.deepcopy(current)
        updated["status"] = self.status(current.get("status") or {})
        if updated["status"] != current.get("status"):
            self.kubelet.write_status(updated)

    def _condition(self, kind: str, ok: bool) -> dict:
        value = "True" if ok else "False"
        previous = self._conditions.get(kind)
        if previous is None or previous[0] != value:
            self._conditions[kind] = (value, now_iso())
        return {
            "type": kind,
            "status": value,
            "lastProbeTime": None,
            "lastTransitionTime": self._conditions[kind][1],
        }

    def phase(self) -> str:
        if not self.initialized:
            return "Pending"
        states = [r.state for r in self.containers]
        if any("waiting" in s and not r.last_state for s, r in zip(states, self.containers, strict=True)):
            return "Pending"
        if any("running" in s for s in states) or self.restart_policy == "Always":
            return "Running"
        codes = [s["terminated"]["exitCode"] for s in states if "terminated" in s]
        if len(codes) == len(states):
            if all(c == 0 for c in codes):
                return "Succeeded"
            if self.restart_policy == "Never":
                return "Failed"
        return "Running"

    def status(self, previous: dict) -> dict:
        ready = self.initialized and all(r.ready for r in self.containers)
        status = {
            "phase": self.phase(),
            "conditions": [
                self._condition("PodReadyToStartContainers", self.mounted),
                self._condition("Initialized", self.initialized),
                self._condition("Ready", ready),
                self._condition("ContainersReady", ready),
                self._condition("PodScheduled", True),
            ],
            "hostIP": self.host_ip,
            "hostIPs": [{"ip": self.host_ip}],
            "podIP": self.pod_ip,
            "podIPs": [{"ip": self.pod_ip}],
            "startTime": self.start_time,
            "containerStatuses": [r.status() for r in self.containers],
            "qosClass": previous.get("qosClass") or "BestEffort",
        }
        if self.init_containers:
            status["initContainerStatuses"] = [r.status() for r in self.init_containers]
        return status
