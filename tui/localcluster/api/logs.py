"""Container logs kept per pod and container (current and previous run), served by `/log`."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

MAX_LINES = 20000  # per container run; older lines are dropped as a node's log rotation would


class ContainerLog:
    def __init__(self) -> None:
        self.lines: deque[tuple[datetime, str]] = deque(maxlen=MAX_LINES)
        self.total = 0  # lines ever appended, so followers keep their place when old lines drop
        self.changed = asyncio.Event()
        self.ended = False

    def append(self, line: str, at: datetime | None = None) -> None:
        self.lines.append((at or datetime.now(UTC), line))
        self.total += 1
        self.changed.set()

    def end(self) -> None:
        self.ended = True
        self.changed.set()


class PodLogs:
    """Touched only from the cluster loop (other threads use cluster.call)."""

    def __init__(self) -> None:
        self._current: dict[tuple[str, str, str], ContainerLog] = {}
        self._previous: dict[tuple[str, str, str], ContainerLog] = {}

    def _log(self, namespace: str, pod: str, container: str) -> ContainerLog:
        key = (namespace, pod, container)
        log = self._current.get(key)
        if log is None:
            log = self._current[key] = ContainerLog()
        return log

    def append(self, namespace: str, pod: str, container: str, line: str, at: datetime | None = None) -> None:
        """One line; `at` stamps it (a kubelet gives lines read in one go the same time)."""
        self._log(namespace, pod, container).append(line.rstrip("\n"), at)

    def rotate(self, namespace: str, pod: str, container: str) -> None:
        """The container restarted: its current log becomes the previous one."""
        key = (namespace, pod, container)
        old = self._current.pop(key, None)
        if old is not None:
            old.end()
            self._previous[key] = old

    def remove(self, namespace: str, pod: str) -> None:
        for store in (self._current, self._previous):
            for key in [k for k in store if k[0] == namespace and k[1] == pod]:
                store.pop(key).end()

    def has(self, namespace: str, pod: str, container: str, *, previous: bool = False) -> bool:
        return (namespace, pod, container) in (self._previous if previous else self._current)

    def read(
        self,
        namespace: str,
        pod: str,
        container: str,
        *,
        previous: bool = False,
        tail_lines: int | None = None,
        since_seconds: float | None = None,
    ) -> list[tuple[datetime, str]]:
        log = (self._previous if previous else self._current).get((namespace, pod, container))
        if log is None:
            return []
        lines = list(log.lines)
        if since_seconds is not None:
            cutoff = datetime.now(UTC) - timedelta(seconds=since_seconds)
            lines = [item for item in lines if item[0] >= cutoff]
        if tail_lines is not None:
            lines = lines[-tail_lines:] if tail_lines > 0 else []
        return lines

    def position(self, namespace: str, pod: str, container: str) -> int:
        return self._log(namespace, pod, container).total

    def close(self) -> None:
        """End every follow (the cluster is stopping)."""
        for log in list(self._current.values()):
            log.end()

    async def follow(
        self, namespace: str, pod: str, container: str, start: int | None = None
    ) -> AsyncIterator[tuple[datetime, str]]:
        """Yield lines appended after `start` (default: now), until the container run ends or the pod goes."""
        log = self._log(namespace, pod, container)
        seen = log.total if start is None else start
        while True:
            if log.total > seen:
                fresh = min(log.total - seen, len(log.lines))
                items = list(log.lines)[-fresh:]
                seen = log.total
                for item in items:
                    yield item
                continue
            if log.ended:
                return
            log.changed.clear()
            await log.changed.wait()
