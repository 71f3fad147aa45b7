"""Watch streams: one bounded queue per connection, fed synchronously by the store on each write."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable

from aiohttp import web

from tui.localcluster.api.selectors import Matcher
from tui.localcluster.api.store import Change, Store, dumps

MAX_PENDING = 2000  # a watcher this far behind is dropped instead of growing memory


class Watcher:
    """Collects the changes one watch connection has yet to send."""

    def __init__(self, resource: str, namespace: str | None, matcher: Matcher | None):
        self.resource = resource
        self.namespace = namespace
        self.matcher = matcher
        self.pending: deque[tuple[str, Change]] = deque()
        self.wakeup = asyncio.Event()
        self.closed = False
        self.overflowed = False
        self.abort: Callable[[], None] | None = None  # cuts the connection even while a write is blocked

    def offer(self, change: Change) -> None:
        if self.closed or self.overflowed:
            return
        obj = change.entry.obj
        if self.namespace and obj["metadata"].get("namespace") != self.namespace:
            return
        kind = change.type
        if self.matcher is not None:
            now = self.matcher(obj)
            before = change.old is not None and self.matcher(change.old)
            if kind == "MODIFIED":
                kind = "MODIFIED" if now and before else "ADDED" if now else "DELETED" if before else ""
            elif kind == "DELETED":
                kind = "DELETED" if now or before else ""
            elif not now:
                kind = ""
            if not kind:
                return
        self.pending.append((kind, change))
        if len(self.pending) > MAX_PENDING:
            self.overflowed = True
            self.pending.clear()
            self.drop(graceful=False)
        self.wakeup.set()

    def close(self) -> None:
        self.closed = True
        self.wakeup.set()

    def drop(self, graceful: bool = True) -> None:
        """End the watch; the client sees its stream end and must resume.

        Graceful: the stream ends cleanly, and the connection is cut only if a blocked write keeps it open.
        """
        self.close()
        if not graceful:
            self._abort()
        else:
            asyncio.get_running_loop().call_later(1.0, self._abort)

    def _abort(self) -> None:
        if self.abort is not None:
            self.abort()


def event_line(kind: str, change: Change, render: Callable | None) -> bytes:
    if render is not None:
        return b'{"type":"' + kind.encode() + b'","object":' + dumps(render(change.entry.obj)) + b"}\n"
    if kind == change.type:
        if change.wire is None:
            change.wire = b'{"type":"' + kind.encode() + b'","object":' + change.entry.raw + b"}\n"
        return change.wire
    return b'{"type":"' + kind.encode() + b'","object":' + change.entry.raw + b"}\n"


def expired_line(rv: int, floor: int) -> bytes:
    status = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": f"too old resource version: {rv} ({floor + 1})",
        "reason": "Expired",
        "code": 410,
    }
    return dumps({"type": "ERROR", "object": status}) + b"\n"


class WatchStream:
    """Serves one watch request until timeout, client disconnect, overflow or a dropped-watch fault."""

    def __init__(
        self,
        store: Store,
        registry: set,
        *,
        resource: str,
        kind: str,
        api_version: str,
        namespace: str | None,
        matcher: Matcher | None,
        render: Callable | None,
        bookmarks: bool,
        bookmark_interval: float,
        timeout: float,
    ):
        self.store = store
        self.registry = registry
        self.kind = kind
        self.api_version = api_version
        self.render = render
        self.bookmarks = bookmarks
        self.bookmark_interval = bookmark_interval
        self.timeout = timeout
        self.watcher = Watcher(resource, namespace, matcher)

    def _bookmark(self, extra_annotations: dict | None = None) -> bytes:
        meta: dict = {"resourceVersion": self.store.resource_version}
        if extra_annotations:
            meta["annotations"] = extra_annotations
        return (
            dumps(
                {
                    "type": "BOOKMARK",
                    "object": {"kind": self.kind, "apiVersion": self.api_version, "metadata": meta},
                }
            )
            + b"\n"
        )

    async def serve(
        self,
        request: web.Request,
        resource_version: str | None,
        send_initial: bool | None,
        initial_entries: Callable[[], list],
    ) -> web.StreamResponse:
        watcher = self.watcher
        store = self.store
        lines: list[bytes] = []
        expired = False
        # Registration and the initial snapshot happen in one loop step, so no write falls between them.
        if resource_version in (None, "", "0") or send_initial:
            for entry in initial_entries():
                change = Change(
                    int(entry.obj["metadata"]["resourceVersion"]), "ADDED", watcher.resource, entry, None
                )
                lines.append(event_line("ADDED", change, self.render))
            if send_initial and self.bookmarks:
                lines.append(self._bookmark({"k8s.io/initial-events-end": "true"}))
        else:
            try:
                rv = int(resource_version)
            except ValueError:
                rv = -1
            if rv < store.floor:
                lines.append(expired_line(rv, store.floor))
                expired = True
            else:
                for change in store.changes_since(rv, watcher.resource):
                    watcher.offer(change)
        if not expired:
            store.watchers[watcher.resource].add(watcher)
            self.registry.add(watcher)
            transport = request.transport
            watcher.abort = transport.abort if transport is not None else None
        response = web.StreamResponse(
            status=200, headers={"Content-Type": "application/json", "Cache-Control": "no-cache, private"}
        )
        response.enable_chunked_encoding()
        try:
            await response.prepare(request)
            if lines:
                await response.write(b"".join(lines))
            if not expired:
                await self._pump(response)
        except (ConnectionResetError, asyncio.CancelledError, RuntimeError):
            pass
        finally:
            watcher.abort = None
            watcher.close()
            store.watchers[watcher.resource].discard(watcher)
            self.registry.discard(watcher)
        with contextlib.suppress(ConnectionResetError, RuntimeError):
            await response.write_eof()
        return response

    async def _pump(self, response: web.StreamResponse) -> None:
        watcher = self.watcher
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        next_bookmark = time.monotonic() + self.bookmark_interval
        while not watcher.closed and not watcher.overflowed:
            if watcher.pending:
                batch: list[bytes] = []
                while watcher.pending and len(batch) < 500:
                    kind, change = watcher.pending.popleft()
                    batch.append(event_line(kind, change, self.render))
                await response.write(b"".join(batch))
                continue
            remaining = deadline - loop.time()
            if remaining <= 0:
                if self.bookmarks:
                    await response.write(self._bookmark())
                return
            wait = remaining
            if self.bookmarks:
                wait = min(wait, max(0.0, next_bookmark - time.monotonic()))
            watcher.wakeup.clear()
            if watcher.pending or watcher.closed:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(watcher.wakeup.wait(), timeout=wait)
            if self.bookmarks and time.monotonic() >= next_bookmark and not watcher.pending:
                await response.write(self._bookmark())
                next_bookmark = time.monotonic() + self.bookmark_interval
