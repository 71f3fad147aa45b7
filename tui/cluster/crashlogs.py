"""The last log lines of crash-looping containers, fetched off the session's delta thread.

A crash loop is handed on once its lines are in (or could not be read): one GET can take the
API's whole timeout, and the delta thread delivers every table update.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import replace

from tui.model.events import CrashLoop

LINES = 10


class CrashLogs:
    def __init__(self, api: Callable[[], object | None], emit: Callable[[list], None]) -> None:
        self._api, self._emit = api, emit
        self._queue: queue.Queue[CrashLoop | None] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stopped = False

    def take(self, events: list) -> list:
        """The events to hand on now; crash loops follow with their lines."""
        crashes = [e for e in events if isinstance(e, CrashLoop)]
        if not crashes or self._api() is None:
            return events
        with self._lock:
            if self._stopped:
                return events
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, daemon=True, name="kubeknobs-crash-logs")
                self._thread.start()
        for crash in crashes:
            self._queue.put(crash)
        return [e for e in events if not isinstance(e, CrashLoop)]

    def _run(self) -> None:
        while (crash := self._queue.get()) is not None:
            crash = self._with_lines(crash)
            if not self._stopped:  # a stopped session reports nothing more
                self._emit([crash])

    def _with_lines(self, crash: CrashLoop) -> CrashLoop:
        """The container's last lines, of its previous run when there is one."""
        from tui.cluster.rollout import last_log_lines

        lines = last_log_lines(
            self._api(),
            crash.namespace,
            crash.pod,
            crash.container,
            LINES,
            previous=crash.reason == "CrashLoopBackOff",
        )
        return replace(crash, last_lines=tuple(lines)) if lines else crash

    def stop(self, timeout: float) -> None:
        with self._lock:
            self._stopped = True
            thread = self._thread
        self._queue.put(None)
        if thread is not None:
            thread.join(timeout)
