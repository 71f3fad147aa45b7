"""One informer for every resource kind: list, watch, resume, relist; deltas in batches.

The informer keeps the last seen version of every object and delivers changes as
`Delta`s through a `Batcher`, so a burst of a thousand changes is one call.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from tui.cluster.api import backoff_delay, close_stream, iter_lines
from tui.cluster.errors import ApiError, TransportError, describe
from tui.cluster.resources import Resource

ObjKey = tuple[str, str]  # (namespace, name)
log = logging.getLogger("kubeknobs.cluster")


@dataclass(frozen=True)
class Delta:
    type: str  # added | updated | deleted
    resource: str  # plural, e.g. "configmaps"
    key: ObjKey
    obj: dict  # the new object (for deleted: the last known one)
    old: dict | None = None


@dataclass(frozen=True)
class InformerState:
    status: str  # connecting | connected | reconnecting | failed
    reason: str | None = None


def object_key(obj: dict) -> ObjKey:
    meta = obj.get("metadata") or {}
    return (meta.get("namespace") or "", meta.get("name") or "")


def rv_of(obj: dict | None) -> str:
    return str(((obj or {}).get("metadata") or {}).get("resourceVersion") or "")


def _version(held: dict | str) -> str:
    return held if isinstance(held, str) else rv_of(held)


def _as_object(key: ObjKey, held: dict | str) -> dict:
    """What the store holds as an object: itself, or for a version only, a stub with its name and version."""
    if isinstance(held, dict):
        return held
    return {"metadata": {"namespace": key[0], "name": key[1], "resourceVersion": held}}


def rv_newer(candidate: str, current: str) -> bool:
    """True unless both are numbers and the candidate is not newer (resourceVersions are opaque otherwise)."""
    if candidate.isdigit() and current.isdigit():
        return int(candidate) > int(current)
    return candidate != current


class Batcher:
    """Collects items (deltas, log lines) from many threads and hands them on every `interval` s, on one thread."""

    def __init__(
        self, deliver: Callable[[list], None], *, interval: float = 0.05, name: str = "kubeknobs-batch"
    ):
        self._deliver = deliver
        self._interval = interval
        self._pending: list[Delta] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._started = False

    def start(self) -> None:
        if not self._started:
            self._started = True
            self._thread.start()

    def put(self, items: list) -> None:
        if not items:
            return
        with self._lock:
            self._pending.extend(items)
        self._wake.set()

    def backlog(self) -> int:
        """Items put and not yet taken for delivery."""
        with self._lock:
            return len(self._pending)

    def flush(self) -> None:
        with self._lock:
            batch, self._pending = self._pending, []
        if batch:
            self._deliver(batch)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(0.5)
            if self._stop.is_set():
                break
            self._wake.clear()
            self._stop.wait(self._interval)  # let a burst accumulate into one batch
            try:
                self.flush()
            except Exception:  # noqa: BLE001 - a failing receiver must not end the stream
                log.exception("delivering a batch failed")

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._started:
            self._thread.join(timeout)
        self.flush()


EXPIRED_QUIET = 30.0  # seconds without a 410 after which a relist is immediate again


class Informer:
    """List then watch one resource (in one namespace or all), on its own thread."""

    def __init__(
        self,
        api,
        resource: Resource,
        *,
        namespace: str | None = None,
        batcher: Batcher,
        on_state: Callable[[Informer, InformerState], None] | None = None,
        on_synced: Callable[[Informer], None] | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        page_size: int = 500,
        watch_seconds: tuple[int, int] = (240, 300),
        max_backoff: float = 5.0,
        rng: random.Random | None = None,
        transform: Callable[[dict], dict] | None = None,
        keep_objects: bool = True,
    ):
        self.api = api
        self._transform = transform  # applied to every object before it is stored: keeps memory in check
        self._keep_objects = keep_objects  # False: objects are handed on, only their versions are kept
        self.resource = resource
        self.namespace = namespace
        self._batcher = batcher
        self._on_state = on_state
        self._on_synced = on_synced
        self._selectors = {"labelSelector": label_selector, "fieldSelector": field_selector}
        self._page_size = page_size
        self._watch_seconds = watch_seconds
        self._max_backoff = max_backoff
        self._rng = rng or random.Random()
        self._store: dict[ObjKey, dict | str] = {}  # the object, or only its resourceVersion
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._stream = None
        self._thread = threading.Thread(
            target=self._run, daemon=True, name=f"kubeknobs-informer-{resource.plural}-{namespace or 'all'}"
        )
        self.synced = threading.Event()
        self.state = InformerState("connecting")
        self.resource_version = ""
        self.relists = 0
        self.reconnects = 0

    # -- reading -------------------------------------------------------------------------
    def get(self, namespace: str, name: str) -> dict | None:
        """The object (for an informer that keeps only versions, its name and version)."""
        key = (namespace or "", name)
        with self._lock:
            held = self._store.get(key)
        return None if held is None else _as_object(key, held)

    def items(self) -> list[dict]:
        with self._lock:
            return [_as_object(key, held) for key, held in self._store.items()]

    def snapshot(self) -> dict[ObjKey, dict]:
        with self._lock:
            return {key: _as_object(key, held) for key, held in self._store.items()}

    def _held(self, obj: dict) -> dict | str:
        return obj if self._keep_objects else rv_of(obj)

    # -- life cycle ----------------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()

    def signal_stop(self) -> None:
        """Ask the thread to end and interrupt its open watch, without waiting."""
        self._stop.set()
        close_stream(self._stream)

    def stop(self, timeout: float = 2.0) -> None:
        self.signal_stop()
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _set_state(self, status: str, reason: str | None = None) -> None:
        new = InformerState(status, reason)
        if new != self.state:
            self.state = new
            if self._on_state:
                self._on_state(self, new)

    # -- the loop --------------------------------------------------------------------------
    def _run(self) -> None:
        attempt = 0
        need_list = True
        expired, last_expired = 0, float("-inf")  # 410s close together: the history keeps being compacted
        while not self._stop.is_set():
            try:
                if need_list:
                    self._relist()
                    need_list = False
                    attempt = 0
                    self._set_state("connected")
                began = time.monotonic()
                self._watch()
                if time.monotonic() - began < 1.0:
                    # a watch that ends at once (a proxy cutting streams) must not become a request storm
                    attempt += 1
                    self._stop.wait(backoff_delay(attempt, base=0.05, cap=self._max_backoff, rng=self._rng))
                else:
                    attempt = 0
            except ApiError as exc:
                if self._stop.is_set():
                    break
                if exc.status == 410:
                    need_list = True
                    now = time.monotonic()
                    expired = expired + 1 if now - last_expired < EXPIRED_QUIET else 0
                    last_expired = now
                    if expired:  # relist at once the first time, then back off as client-go's reflector does
                        self._stop.wait(
                            backoff_delay(expired, base=0.4, cap=self._max_backoff, rng=self._rng)
                        )
                    continue
                permanent = exc.status in (401, 403, 404)
                self._set_state("failed" if permanent else "reconnecting", describe(exc))
                wait = (
                    exc.retry_after
                    if exc.retry_after is not None
                    else backoff_delay(
                        attempt, cap=self._max_backoff * (6 if permanent else 1), rng=self._rng
                    )
                )
                attempt += 1
                self.reconnects += 1
                self._stop.wait(wait)
            except Exception as exc:  # noqa: BLE001 - network, bad JSON, a failing credential plugin: retry
                if self._stop.is_set():
                    break
                self._set_state("reconnecting", describe(exc))
                attempt += 1
                self.reconnects += 1
                self._stop.wait(backoff_delay(attempt, cap=self._max_backoff, rng=self._rng))

    def _list_all(self, on_page: Callable[[list[dict]], None]) -> str:
        """Every page in turn, handed to `on_page` before the next is read; returns the list's resourceVersion."""
        token = None
        while True:
            page = self.api.request(
                "GET",
                self.resource.collection(self.namespace),
                retries=0,
                query={"limit": self._page_size, "continue": token, **self._selectors},
            )
            items = page.pop("items", None) or []
            for i, item in enumerate(items):
                # list items carry no kind; the watch objects do, so keep both shapes alike
                item.setdefault("kind", self.resource.kind)
                item.setdefault("apiVersion", (page.get("apiVersion") or "v1"))
                if self._transform:
                    items[i] = self._transform(item)
            on_page(items)
            meta = page.get("metadata") or {}
            token = meta.get("continue")
            if not token:
                return str(meta.get("resourceVersion") or "")
            if self._stop.is_set():
                raise TransportError("unreachable", "stopped")

    def _relist(self) -> None:
        """List anew, updating the store page by page so that no second copy of a big list is ever held.

        The changes go out in one batch (one repaint of the table), except where objects are not kept
        whole: holding those until the end would hold the whole list, so each page goes out as it comes.
        """
        seen: set[ObjKey] = set()
        held: list[Delta] = []

        def on_page(items: list[dict]) -> None:
            deltas: list[Delta] = held if self._keep_objects else []
            with self._lock:
                for obj in items:
                    key = object_key(obj)
                    seen.add(key)
                    old = self._store.get(key)
                    if old is None:
                        deltas.append(Delta("added", self.resource.plural, key, obj))
                    elif _version(old) != rv_of(obj):
                        deltas.append(Delta("updated", self.resource.plural, key, obj, _as_object(key, old)))
                    else:
                        continue
                    self._store[key] = self._held(obj)
            if not self._keep_objects:
                self._batcher.put(deltas)
                self._wait_for_receiver()

        try:
            rv = self._list_all(on_page)
        except BaseException:
            self._batcher.put(held)  # the store already holds these pages: their changes must still go out
            raise
        with self._lock:
            gone = [(key, _as_object(key, old)) for key, old in self._store.items() if key not in seen]
            for key, _old in gone:
                del self._store[key]
            self.resource_version = rv
        self.relists += 1
        self._batcher.put(held + [Delta("deleted", self.resource.plural, key, old, old) for key, old in gone])
        if not self.synced.is_set():
            self.synced.set()
            if self._on_synced:
                self._on_synced(self)

    def _wait_for_receiver(self, timeout: float = 5.0) -> None:
        """A list handed on page by page is read no faster than it is taken: pages must not pile up unread."""
        deadline = time.monotonic() + timeout
        while (
            self._batcher.backlog() > 2 * self._page_size
            and time.monotonic() < deadline
            and not self._stop.wait(0.005)
        ):
            pass

    def _watch(self) -> None:
        lo, hi = self._watch_seconds
        seconds = self._rng.randint(lo, hi) if hi > lo else lo
        query = {
            "watch": "true",
            "resourceVersion": self.resource_version,
            "allowWatchBookmarks": "true",
            "timeoutSeconds": seconds,
            **self._selectors,
        }
        resp = self.api.open_stream(
            self.resource.collection(self.namespace), query, read_timeout=seconds + 30
        )
        self._stream = resp
        try:
            if self._stop.is_set():
                return
            self._set_state("connected")
            for line in iter_lines(resp, self._stop):
                if not line.strip():
                    continue
                event = json.loads(line)
                self._apply(event)
                if self._stop.is_set():
                    return
        finally:
            self._stream = None
            close_stream(resp)

    def _apply(self, event: dict) -> None:
        kind = event.get("type")
        obj = event.get("object") or {}
        if kind == "ERROR":
            code = int(obj.get("code") or 500)
            raise ApiError(code, str(obj.get("reason") or "Error"), str(obj.get("message") or ""))
        rv = rv_of(obj)
        if kind == "BOOKMARK":
            if rv:
                self.resource_version = rv
            return
        if self._transform is not None:
            obj = self._transform(obj)
        key = object_key(obj)
        delta = None
        with self._lock:
            held = self._store.get(key)
            old = None if held is None else _as_object(key, held)
            if kind == "DELETED":
                if old is not None:
                    del self._store[key]
                    delta = Delta("deleted", self.resource.plural, key, obj, old)
            elif kind in ("ADDED", "MODIFIED"):
                if old is None:
                    self._store[key] = self._held(obj)
                    delta = Delta("added", self.resource.plural, key, obj)
                elif held is not None and rv_newer(rv, _version(held)):
                    self._store[key] = self._held(obj)
                    delta = Delta("updated", self.resource.plural, key, obj, old)
            if rv:
                self.resource_version = rv
        if delta is not None:
            self._batcher.put([delta])
