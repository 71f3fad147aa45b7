"""From the session's threads into the UI loop: buffer what arrives, wake the app once per burst."""

from __future__ import annotations

import threading
from collections import deque
from typing import Protocol

from textual.message import Message

from tui.cluster.port import ConnectionState, WorkloadRow

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
