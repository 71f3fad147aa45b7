"""Faults a test can inject: dropped watches, failing requests, latency, a compacted history."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter, deque


class Faults:
    def __init__(self, cluster) -> None:
        self._cluster = cluster
        self.fail_remaining = 0
        self.fail_status = 500
        self.retry_after: int | None = None
        self.latency = 0.0
        self.open_watches: set = set()
        self.requests: Counter = (
            Counter()
        )  # (method, path, kind) -> how many arrived; kind: watch, dry-run or ""
        self.log: deque = deque(maxlen=20000)  # (monotonic time, method, path, kind, injected status or None)
        self.held: Counter = (
            Counter()
        )  # requests held by the latency now, by path and by (method, path, kind)
        self.offline = False

    def _on_loop(self, fn) -> None:
        loop = self._cluster.loop
        if threading.current_thread() is getattr(self._cluster, "thread", None):
            fn()
        else:
            done = threading.Event()

            def run():
                try:
                    fn()
                finally:
                    done.set()

            loop.call_soon_threadsafe(run)
            done.wait(10)

    def drop_watches(self) -> int:
        """Close every open watch connection (clients see the stream end and must resume)."""
        dropped = len(self.open_watches)
        self._on_loop(lambda: [w.drop() for w in list(self.open_watches)])
        return dropped

    def fail_next(self, n: int, status: int = 500, retry_after: int | None = None) -> None:
        def apply():
            self.fail_remaining, self.fail_status, self.retry_after = n, status, retry_after

        self._on_loop(apply)

    def go_away(self) -> None:
        """Stop answering: the port closes and open connections are cut, until `come_back`."""
        self.offline = True
        asyncio.run_coroutine_threadsafe(self._cluster._go_offline(), self._cluster.loop).result(timeout=10)

    def come_back(self) -> None:
        """Answer again on the same port; the store kept everything."""
        asyncio.run_coroutine_threadsafe(self._cluster._come_back(), self._cluster.loop).result(timeout=10)
        self.offline = False

    def set_latency(self, seconds: float) -> None:
        self.latency = max(0.0, float(seconds))

    def compact(self) -> None:
        """Forget history so the next watch resuming from an older resourceVersion gets 410 Gone."""
        self._on_loop(self._cluster.store.compact)

    async def before_request(
        self, method: str = "GET", path: str = "", query=None
    ) -> tuple[int, int | None] | None:
        """Count the request, apply latency, and say whether it should fail (status, retry-after)."""
        query = query or {}
        kind = "watch" if query.get("watch") in ("true", "1") else "dry-run" if query.get("dryRun") else ""
        self.requests[(method, path, kind)] += 1
        arrived = time.monotonic()
        if self.latency:
            self.held[path] += 1
            self.held[(method, path, kind)] += 1
            try:
                await asyncio.sleep(self.latency)
            finally:
                self.held[path] -= 1
                self.held[(method, path, kind)] -= 1
        fault = None
        if self.fail_remaining > 0:
            self.fail_remaining -= 1
            fault = self.fail_status, self.retry_after
        self.log.append((arrived, method, path, kind, fault[0] if fault else None))
        return fault

    def handle_admin(self, body: dict) -> dict:
        action = body.get("action")
        if action == "drop_watches":
            return {"dropped": self.drop_watches_now()}
        if action == "fail_next":
            self.fail_remaining = int(body.get("count", 1))
            self.fail_status = int(body.get("status", 500))
            self.retry_after = body.get("retryAfter")
        elif action == "latency":
            self.set_latency(float(body.get("seconds", 0)))
        elif action == "compact":
            self._cluster.store.compact()
        else:
            raise ValueError(
                f"unknown fault action {action!r}: use drop_watches, fail_next, latency or compact"
            )
        return {"ok": True}

    def drop_watches_now(self) -> int:
        watches = list(self.open_watches)
        for watcher in watches:
            watcher.drop()
        return len(watches)
