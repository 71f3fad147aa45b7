"""From the session's threads into the UI loop: buffer what arrives, wake the app once per burst."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol, overload

from textual.message import Message

from tui.cluster.port import ConnectionState, WorkloadRow
from tui.model.events import ClusterEvent, KubeEvent

EVENT_HISTORY = 10_000  # events the app keeps; older ones can never be shown


class ClusterUpdate(Message):
    """Something arrived from the session; the app drains the buffer in one go."""

    def __init__(self, bridge: SessionBridge) -> None:
        super().__init__()
        self.bridge = bridge


class _Poster(Protocol):
    def post_message(self, message: Message) -> bool: ...


class SessionBridge:
    """The session's sink: called from its threads, it buffers and wakes the UI once per burst."""

    def __init__(self, app: _Poster) -> None:
        self._app = app
        self._lock = threading.Lock()
        self._upserts: dict[tuple, WorkloadRow] = {}
        self._deletes: set[tuple] = set()
        # Only the newest events can ever be shown: a first sync of 50,000 Events keeps its last EVENT_HISTORY.
        self._events: deque = deque(maxlen=EVENT_HISTORY)
        self._state: ConnectionState | None = None
        self._synced = False
        self._posted = False

    def _wake(self) -> None:
        if not self._posted:
            self._posted = True
            self._app.post_message(ClusterUpdate(self))

    def workloads_changed(self, upserts, deletes) -> None:
        with self._lock:
            for row in upserts:
                self._upserts[row.key] = row
                self._deletes.discard(row.key)
            for key in deletes:
                self._upserts.pop(tuple(key), None)
                self._deletes.add(tuple(key))
            self._wake()

    def state_changed(self, state) -> None:
        with self._lock:
            self._state = state
            self._wake()

    def events(self, events) -> None:
        with self._lock:
            self._events.extend(events)
            self._wake()

    def synced(self) -> None:
        with self._lock:
            self._synced = True
            self._wake()

    def drain(self) -> tuple[list[WorkloadRow], list[tuple], list, ConnectionState | None, bool]:
        with self._lock:
            batch = (
                list(self._upserts.values()),
                list(self._deletes),
                list(self._events),
                self._state,
                self._synced,
            )
            self._upserts, self._deletes = {}, set()
            self._events.clear()
            self._state, self._synced, self._posted = None, False, False
        return batch


class EventHistory(Sequence[ClusterEvent]):
    """The events the app keeps, oldest first. A session started for other namespaces lists the
    Kubernetes Events again: one already kept is not kept (nor shown) twice."""

    def __init__(self, cap: int = EVENT_HISTORY) -> None:
        self._events: deque[ClusterEvent] = deque(maxlen=cap)
        self._listed: set[tuple] = set()  # the identities of the Kubernetes Events kept

    def add(self, events: Iterable[ClusterEvent]) -> list[ClusterEvent]:
        """Keep `events`; the ones not kept before, in their order."""
        fresh = []
        for event in events:
            identity = _identity(event)
            if identity is not None:
                if identity in self._listed:
                    continue
                self._listed.add(identity)
            if len(self._events) == self._events.maxlen:
                self._listed.discard(_identity(self._events[0]))
            self._events.append(event)
            fresh.append(event)
        return fresh

    def __len__(self) -> int:
        return len(self._events)

    def __iter__(self) -> Iterator[ClusterEvent]:
        return iter(self._events)

    def __reversed__(self) -> Iterator[ClusterEvent]:
        return reversed(self._events)

    @overload
    def __getitem__(self, index: int) -> ClusterEvent: ...
    @overload
    def __getitem__(self, index: slice) -> list[ClusterEvent]: ...
    def __getitem__(self, index: int | slice) -> ClusterEvent | list[ClusterEvent]:
        if isinstance(index, slice):
            return list(self._events)[index]
        return self._events[index]


def _identity(event: ClusterEvent) -> tuple | None:
    """What tells one Kubernetes Event from another; a count that went up is news."""
    if type(event) is not KubeEvent:
        return None
    return (event.namespace, event.involved, event.type, event.reason, event.message, event.count, event.time)
