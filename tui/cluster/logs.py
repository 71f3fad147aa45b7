"""Follow the logs of a set of pods: new pods join, deleted pods leave, restarts resume."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

from tui.cluster.api import close_stream, iter_lines
from tui.cluster.errors import ApiError, TransportError
from tui.cluster.informer import Batcher
from tui.cluster.port import LogLine
from tui.cluster.resources import RESOURCES
from tui.model.text import clean
from tui.model.times import parse_time

log = logging.getLogger("kubeknobs.cluster")


def clean_line(raw: bytes) -> str:
    """Log bytes as text without terminal control characters (escape sequences included)."""
    return clean(raw.decode("utf-8", "replace").rstrip("\r"))


def split_timestamp(text: str) -> tuple[str | None, str]:
    head, sep, rest = text.partition(" ")
    if sep and len(head) >= 20 and head[:4].isdigit() and head[4] == "-" and "T" in head:
        return head, rest
    return None, text


def containers_of(pod: dict) -> list[str]:
    spec = pod.get("spec") or {}
    return [c.get("name", "") for c in spec.get("containers") or []]


def restart_count(pod: dict, container: str) -> int:
    for cs in (pod.get("status") or {}).get("containerStatuses") or []:
        if cs.get("name") == container:
            return int(cs.get("restartCount") or 0)
    return 0


def _stamp(moment: datetime) -> str:
    """A moment as the API server writes log timestamps (RFC 3339, UTC)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class _Stream:
    def __init__(self, follower: LogFollower, pod: dict, container: str):
        self.follower = follower
        self.pod = pod["metadata"]["name"]
        self.container = container
        self.previous = restart_count(pod, container) > 0
        self.stop = threading.Event()
        self.resp = None
        self.last_time: str | None = None
        self.at_last: list[str] = []  # the texts seen at last_time: lines read in one go share a time
        self.thread = threading.Thread(
            target=self._run, daemon=True, name=f"kubeknobs-log-{self.pod}-{container}"
        )

    def close(self) -> None:
        self.stop.set()
        close_stream(self.resp)

    def _path(self) -> str:
        return RESOURCES["pods"].item(self.follower.namespace, self.pod) + "/log"

    def _run(self) -> None:
        f = self.follower
        if self.previous and f.include_previous:
            try:
                text = f.api.get_text(
                    self._path(), query={"container": self.container, "previous": True, "tailLines": f.tail}
                )
                f.emit(
                    [
                        LogLine(self.pod, self.container, clean_line(ln.encode()), None, True)
                        for ln in text.splitlines()
                    ]
                )
            except (ApiError, TransportError):
                pass
        first = True
        # where a reconnect resumes when no line came yet: else it would read the container's whole log again
        began = _stamp(f.since or datetime.now(UTC))
        while not self.stop.is_set() and not f.stopped.is_set():
            query: dict[str, object] = {"container": self.container, "follow": True, "timestamps": True}
            if first and f.since is not None:
                query["sinceSeconds"] = max(1, int((datetime.now(UTC) - f.since).total_seconds()) + 1)
            elif first:
                query["tailLines"] = f.tail
            else:
                query["sinceTime"] = self.last_time or began
                seen = parse_time(self.last_time or began)
                if seen is not None:  # servers without sinceTime still honour sinceSeconds
                    query["sinceSeconds"] = max(1, int((datetime.now(UTC) - seen).total_seconds()) + 1)
            try:
                self.resp = f.api.open_stream(self._path(), query, read_timeout=3600)
                first = False
                if self.stop.is_set():  # closed while connecting
                    return
                replay = Counter(self.at_last)  # what this connection reads again of the last moment seen
                for raw in iter_lines(self.resp, self.stop):
                    stamp, text = split_timestamp(clean_line(raw))
                    if stamp and self.last_time and stamp < self.last_time:
                        continue  # already seen before a reconnect
                    if stamp and stamp == self.last_time and replay[text] > 0:
                        replay[text] -= 1
                        continue
                    if stamp:
                        if stamp != self.last_time:
                            self.last_time, self.at_last = stamp, []
                        self.at_last.append(text)
                    f.emit([LogLine(self.pod, self.container, text, stamp)])
            except ApiError as exc:
                if exc.status in (401, 403, 404):
                    return
            except (TransportError, ValueError):
                pass
            except Exception:  # noqa: BLE001 - e.g. a credential plugin failing mid-follow: retry shortly
                log.exception("log follow of %s/%s failed", self.pod, self.container)
            finally:
                close_stream(self.resp)
                self.resp = None
            if not f.wants(self.pod):
                return
            self.stop.wait(0.5)  # the container restarted or the stream broke: resume shortly


class LogFollower:
    """Streams of every container of the given pods, delivered as batches of LogLine."""

    def __init__(
        self,
        api,
        namespace: str,
        on_lines: Callable[[list[LogLine]], None],
        *,
        tail: int = 100,
        since: datetime | None = None,
        include_previous: bool = True,
        interval: float = 0.05,
    ):
        self.api, self.namespace, self.tail = api, namespace, tail
        self.since = since  # read from this moment on (instead of a tail), however late the stream opens
        self.include_previous = include_previous
        self.stopped = threading.Event()
        self._streams: dict[tuple[str, str], _Stream] = {}
        self._lock = threading.Lock()
        self._batcher = Batcher(on_lines, interval=interval, name=f"kubeknobs-logs-{namespace}")
        self._batcher.start()

    def emit(self, lines: list[LogLine]) -> None:
        if not self.stopped.is_set():
            self._batcher.put(lines)

    def wants(self, pod: str) -> bool:
        with self._lock:
            return any(p == pod for p, _ in self._streams)

    def set_pods(self, pods: list[dict]) -> None:
        """Follow exactly these pods (running or not): start new ones, drop the ones gone."""
        if self.stopped.is_set():
            return
        wanted = {}
        for pod in pods:
            for container in containers_of(pod):
                wanted[(pod["metadata"]["name"], container)] = pod
        with self._lock:
            gone = [k for k in self._streams if k not in wanted]
            dropped = [self._streams.pop(k) for k in gone]
            started = []
            for k, pod in wanted.items():
                if k not in self._streams:
                    self._streams[k] = _Stream(self, pod, k[1])
                    started.append(self._streams[k])
        for s in dropped:
            s.close()
        for s in started:
            s.thread.start()

    def pods(self) -> set[str]:
        with self._lock:
            return {p for p, _ in self._streams}

    def stop(self, timeout: float = 2.0) -> None:
        self.stopped.set()
        with self._lock:
            streams = list(self._streams.values())
            self._streams.clear()
        for s in streams:
            s.close()
        for s in streams:
            if s.thread.is_alive():
                s.thread.join(timeout)
        self._batcher.stop(timeout)
