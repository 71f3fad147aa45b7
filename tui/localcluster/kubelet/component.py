"""The kubelet component: schedules pods onto nodes, runs them, keeps their status, cleans up."""

from __future__ import annotations

import asyncio
import copy
import logging
import random

from tui.localcluster.api.errors import ApiError
from tui.localcluster.api.events import record_event

from .container import now_iso
from .node import pick_node
from .pod import PodWorker
from .process import _kill_live_groups, live_groups

PHANTOM_ANNOTATION = "kubeknobs.io/phantom"
MAX_PROCESS_PODS = 200
SYNC_JITTER = 0.3  # each pod sees a ConfigMap change after 70-100 % of the sync delay

log = logging.getLogger(__name__)


def _pod_key(meta: dict) -> tuple[str, str]:
    return meta.get("namespace", ""), meta.get("name", "")


class Kubelet:
    def __init__(self, cluster):
        self.cluster = cluster
        self.store = cluster.store
        options = cluster.options
        self.workdir = str(options.workdir)
        self.time_scale = float(getattr(options, "time_scale", 1.0))
        self.sync_delay = float(getattr(options, "sync_delay", 60.0))
        self.run_processes = bool(getattr(options, "run_processes", True))
        rng = getattr(cluster, "rng", None)
        # Its own generator, seeded once: jitter never shifts the cluster's generated names.
        self._jitter = random.Random(rng.getrandbits(32) if rng is not None else None)
        self._addresses: dict[str, int] = {}
        self.workers: dict[tuple[str, str], PodWorker] = {}
        self._tasks: dict[tuple[str, str], asyncio.Task] = {}
        self._finishing: dict[tuple[str, str], asyncio.Task] = {}
        self._phantoms: set[str] = set()
        self._queued: set[tuple[str, str]] = set()
        self._queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
        self._pump: asyncio.Task | None = None
        self._load: dict[str, int] = {}
        self._closed = False
        self.schedules = True

    # component

    async def start(self) -> None:
        # Bind pods ourselves only when no scheduler runs beside us.
        self.schedules = not any(
            "Scheduler" in type(c).__name__ for c in getattr(self.cluster, "components", [])
        )
        self._queue = asyncio.Queue()
        self.store.add_listener(self._on_change)
        pods, _ = self.store.list("pods")
        for pod in pods:
            self._enqueue(_pod_key(pod["metadata"]))
        self._pump = asyncio.create_task(self._admit_loop())

    async def stop(self) -> None:
        self._closed = True
        self.store.remove_listener(self._on_change)
        if self._pump is not None:
            self._pump.cancel()
        workers = list(self.workers.values())
        # On shutdown nobody waits 30 s per pod: the demo programs exit on SIGTERM at once.
        await asyncio.gather(*(w.stop(min(w.grace, 5.0)) for w in workers), return_exceptions=True)
        tasks = list(self._tasks.values()) + list(self._finishing.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for worker in workers:
            worker.remove_files()
        self.workers.clear()
        self._tasks.clear()
        if live_groups():
            _kill_live_groups()

    # helpers for pods

    def container(self, namespace: str, pod: str, name: str):
        """The runner of a container that runs here as a process, or None (phantom pods have none)."""
        worker = self.workers.get((namespace, pod))
        if worker is None:
            return None
        return next((r for r in worker.containers + worker.init_containers if r.name == name), None)

    def addresses(self, pod: dict) -> tuple[str, str]:
        """(hostIP, podIP) for a pod: its node's InternalIP and the next address of the node's pod CIDR."""
        node_name = (pod.get("spec") or {}).get("nodeName") or ""
        node = self.store.get("nodes", None, node_name) or {}
        host = next(
            (
                a["address"]
                for a in (node.get("status") or {}).get("addresses") or []
                if a.get("type") == "InternalIP"
            ),
            "172.18.0.2",
        )
        cidr = (node.get("spec") or {}).get("podCIDR") or "10.244.0.0/24"
        used = self._addresses.get(node_name, 0) + 1
        self._addresses[node_name] = used
        prefix = cidr.split("/", 1)[0].rsplit(".", 1)[0]
        return host, f"{prefix}.{used % 250 + 2}"

    def event(
        self, pod: dict, reason: str, message: str, type: str = "Normal", component: str = "kubelet"
    ) -> None:
        if self._closed:
            return
        try:
            record_event(self.store, pod, reason, message, type, component=component)
        except ApiError as exc:
            log.debug("event %s not recorded: %s", reason, exc.message)

    def write_status(self, pod: dict) -> None:
        try:
            self.store.update("pods", pod, subresource="status")
        except ApiError as exc:
            log.debug("status of %s not written: %s", pod["metadata"]["name"], exc.message)

    # store events

    def _on_change(self, type_: str, resource: str, obj: dict) -> None:
        if self._closed:
            return
        meta = obj.get("metadata") or {}
        if resource == "pods":
            key = _pod_key(meta)
            worker = self.workers.get(key)
            if type_ == "DELETED":
                self._phantoms.discard(meta.get("uid"))
                if worker is not None and worker.uid == meta.get("uid"):
                    self._release(key)
                self._load_remove(obj)
            elif worker is None:
                if meta.get("uid") not in self._phantoms:
                    self._enqueue(key)
            elif worker.uid == meta.get("uid"):
                worker.pod_updated(obj)
        elif resource in ("configmaps", "secrets"):
            kind = "configmap" if resource == "configmaps" else "secret"
            for (namespace, _), worker in list(self.workers.items()):
                if namespace == meta.get("namespace"):
                    worker.object_changed(kind, meta.get("name", ""), self._sync_delay())

    def _sync_delay(self) -> float:
        jitter = self._jitter.random()
        return self.sync_delay * (1 - SYNC_JITTER * jitter)

    def _load_remove(self, pod: dict) -> None:
        node = (pod.get("spec") or {}).get("nodeName")
        if node and self._load.get(node):
            self._load[node] -= 1

    # admission

    def _enqueue(self, key: tuple[str, str]) -> None:
        if key not in self._queued:
            self._queued.add(key)
            self._queue.put_nowait(key)

    async def _admit_loop(self) -> None:
        while True:
            key = await self._queue.get()
            try:
                self._admit(key)
            except ApiError as exc:
                log.debug("pod %s/%s not admitted: %s", *key, exc.message)
            finally:
                # Our own writes during admission do not queue the pod again.
                self._queued.discard(key)
            # Yield now and then so that a burst of thousands of pods never starves the API.
            if self._queue.qsize() % 64 == 0:
                await asyncio.sleep(0)

    def _admit(self, key: tuple[str, str]) -> None:
        if key in self.workers:
            return
        finishing = self._finishing.get(key)
        if finishing is not None:
            # A pod of the same name is still stopping: its directory and logs go first.
            finishing.add_done_callback(lambda _: self._enqueue(key))
            return
        pod = self.store.get("pods", *key)
        if pod is None or pod["metadata"].get("uid") in self._phantoms:
            return
        spec = pod.get("spec") or {}
        if not spec.get("nodeName"):
            if not self.schedules:
                return  # the scheduler binds it; the MODIFIED event brings it back
            node = pick_node(self.store, pod, self._load)
            bound = copy.deepcopy(pod)
            bound["spec"]["nodeName"] = node
            pod = self.store.update("pods", bound)
            self._load[node] = self._load.get(node, 0) + 1
        annotations = (pod.get("metadata") or {}).get("annotations") or {}
        phantom = not self.run_processes or annotations.get(PHANTOM_ANNOTATION) == "true"
        if not phantom and len(self.workers) >= MAX_PROCESS_PODS:
            # A manifest with thousands of replicas must not fork thousands of processes on this machine.
            phantom = True
            self.event(
                pod,
                "ProcessLimit",
                f"the embedded kubelet runs at most {MAX_PROCESS_PODS} pods as "
                "processes; this pod is simulated without one",
                type="Warning",
            )
        if not spec.get("nodeName") and not phantom:
            # Phantom pods skip events: thousands of them would only fill the store.
            self.event(
                pod,
                "Scheduled",
                f"Successfully assigned {key[0]}/{key[1]} to {pod['spec']['nodeName']}",
                component="default-scheduler",
            )
        if phantom:
            self._phantoms.add(pod["metadata"].get("uid"))
            self._write_phantom_status(pod)
            return
        worker = PodWorker(self, pod)
        self.workers[key] = worker
        self._tasks[key] = asyncio.create_task(self._run(worker))

    async def _run(self, worker: PodWorker) -> None:
        try:
            await worker.run()
        except Exception:
            log.exception("pod %s/%s failed in the kubelet", worker.namespace, worker.name)

    def _release(self, key: tuple[str, str]) -> None:
        worker = self.workers.pop(key)
        task = self._tasks.pop(key, None)

        async def finish() -> None:
            await worker.stop()
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
            worker.remove_files()
            self.cluster.logs.remove(worker.namespace, worker.name)

        stopper = asyncio.get_running_loop().create_task(finish())
        self._finishing[key] = stopper
        stopper.add_done_callback(lambda _: self._finishing.pop(key, None))

    def _write_phantom_status(self, pod: dict) -> None:
        """Status only, no process: how scale scenarios hold thousands of pods."""
        now = now_iso()
        host_ip, pod_ip = self.addresses(pod)
        containers = (pod.get("spec") or {}).get("containers") or []
        status = {
            "phase": "Running",
            "conditions": [
                {"type": t, "status": "True", "lastProbeTime": None, "lastTransitionTime": now}
                for t in (
                    "PodReadyToStartContainers",
                    "Initialized",
                    "Ready",
                    "ContainersReady",
                    "PodScheduled",
                )
            ],
            "hostIP": host_ip,
            "podIP": pod_ip,
            "startTime": now,
            "containerStatuses": [
                {
                    "name": c.get("name"),
                    "image": c.get("image"),
                    "imageID": "",
                    "ready": True,
                    "started": True,
                    "restartCount": 0,
                    "state": {"running": {"startedAt": now}},
                    "lastState": {},
                }
                for c in containers
            ],
            "qosClass": "BestEffort",
        }
        updated = copy.deepcopy(pod)
        updated["status"] = status
        self.write_status(updated)
