"""A coalescing work queue and the reconcile loop every controller runs on the cluster loop."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging

log = logging.getLogger(__name__)

# Keys handled before the worker yields to the loop, so the API server stays responsive.
_BATCH = 64


class WorkQueue:
    """Keys waiting for a reconcile; a key queued twice before it is handled runs once."""

    def __init__(self) -> None:
        self._order: collections.deque = collections.deque()
        self._pending: set = set()
        self._timers: dict = {}
        self._wakeup = asyncio.Event()
        self._closed = False

    def __len__(self) -> int:
        return len(self._order)

    def add(self, key) -> None:
        if self._closed or key in self._pending:
            return
        self._pending.add(key)
        self._order.append(key)
        self._wakeup.set()

    def add_after(self, key, delay: float) -> None:
        """Queue `key` after `delay` seconds; an earlier timer for the same key wins."""
        if self._closed:
            return
        if delay <= 0:
            self.add(key)
            return
        loop = asyncio.get_running_loop()
        due = loop.time() + delay
        timer = self._timers.get(key)
        if timer is not None:
            if timer.when() <= due:
                return
            timer.cancel()
        self._timers[key] = loop.call_at(due, self._fire, key)

    def _fire(self, key) -> None:
        self._timers.pop(key, None)
        self.add(key)

    async def next_batch(self) -> list:
        while not self._order:
            self._wakeup.clear()
            await self._wakeup.wait()
        batch: list = []
        while self._order and len(batch) < _BATCH:
            key = self._order.popleft()
            self._pending.discard(key)
            batch.append(key)
        return batch

    def close(self) -> None:
        self._closed = True
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        self._order.clear()
        self._pending.clear()


class Reconciler:
    """Base of a controller: listens to the store, queues keys, reconciles them one by one."""

    name = "controller"
    # Seconds between periodic_resync() calls; None for none.
    resync_interval: float | None = None

    def __init__(self, cluster) -> None:
        self.cluster = cluster
        self.queue: WorkQueue | None = None
        self._task: asyncio.Task | None = None
        self._resync: asyncio.Task | None = None
        self._failures: dict = {}
        self._writing: tuple | None = None

    @property
    def store(self):
        return self.cluster.store

    @property
    def time_scale(self) -> float:
        return getattr(self.cluster.options, "time_scale", 1.0) or 1.0

    async def start(self) -> None:
        self.queue = WorkQueue()
        self._task = asyncio.create_task(self._run(self.queue), name=self.name)
        if self.resync_interval:
            self._resync = asyncio.create_task(
                self._resync_loop(self.resync_interval), name=f"{self.name}-resync"
            )
        self.store.add_listener(self.on_event)
        self.resync_all()

    async def stop(self) -> None:
        remove = getattr(self.store, "remove_listener", None)
        if remove is not None:
            remove(self.on_event)
        if self.queue is not None:
            self.queue.close()
        for task in (self._resync, self._task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._task = self._resync = None

    def enqueue(self, key) -> None:
        if self.queue is not None:
            self.queue.add(key)

    def enqueue_after(self, key, delay: float) -> None:
        if self.queue is not None:
            self.queue.add_after(key, delay)

    def on_event(self, event_type: str, resource: str, obj: dict) -> None:
        raise NotImplementedError

    def write_own(self, resource: str, obj: dict, **options) -> dict:
        """Update an object this controller reconciles; the echo of the write is not queued again."""
        meta = obj["metadata"]
        self._writing = (resource, meta.get("namespace"), meta["name"])
        try:
            return self.store.update(resource, obj, **options)
        finally:
            self._writing = None

    def is_echo(self, resource: str, obj: dict) -> bool:
        meta = obj["metadata"]
        return self._writing == (resource, meta.get("namespace"), meta["name"])

    def resync_all(self) -> None:
        """Queue every object this controller reconciles (at start)."""

    def periodic_resync(self) -> None:
        """Queue what needs another look every resync_interval seconds."""

    def sync(self, key) -> None:
        raise NotImplementedError

    async def _resync_loop(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                self.periodic_resync()
            except Exception:  # the next period tries again
                log.exception("%s: periodic resync failed", self.name)

    async def _run(self, queue: WorkQueue) -> None:
        while True:
            batch = await queue.next_batch()
            for key in batch:
                self._sync_one(key)
            await asyncio.sleep(0)

    def _sync_one(self, key) -> None:
        try:
            self.sync(key)
        except Exception as exc:  # a failed reconcile is retried with back-off, never fatal
            count = self._failures.get(key, 0) + 1
            self._failures[key] = count
            delay = min(0.005 * 2**count, 60.0) * self.time_scale
            level = logging.DEBUG if getattr(exc, "code", None) == 409 else logging.WARNING
            log.log(level, "%s: sync %s failed (%s), retrying in %.3fs", self.name, key, exc, delay)
            self.enqueue_after(key, delay)
        else:
            self._failures.pop(key, None)
