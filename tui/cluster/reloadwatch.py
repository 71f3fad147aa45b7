"""Following the logs of pods that should reload a changed ConfigMap, for as long as they owe an answer."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from tui.cluster.informer import Delta
from tui.cluster.port import LogLine
from tui.cluster.reload import ReloadTarget, changed_keys, changed_paths, quiet_reason
from tui.model.layers import Setting
from tui.model.mechanisms import after_sync_s, expects_reload
from tui.model.reloadlog import match_reload_line
from tui.model.times import parse_time

if TYPE_CHECKING:
    from tui.cluster.api import KubeApi
    from tui.cluster.logs import LogFollower
    from tui.cluster.reload import ReloadCorrelator
    from tui.model.profiles import ProfileSet


def written_at(obj: dict) -> datetime | None:
    """When the API server stored the latest write (managedFields; whole seconds)."""
    parsed = [parse_time(m.get("time")) for m in (obj.get("metadata") or {}).get("managedFields") or []]
    times = [t for t in parsed if t is not None]
    return max(times) if times else None


def expected_reload(settings: list[Setting], configmap: str, key: str):
    """(the settings of that key, its key paths read only at start, seconds past the kubelet's sync)
    when a change of `configmap`/`key` should be reloaded by the app; None when no mechanism says so."""
    mine = [s for s in settings if s.configmap == configmap and s.key == key]
    followed = [s for s in mine if expects_reload(s)]
    if not followed:
        return None
    restart_only = tuple(s.key_path for s in mine if s.key_path and not expects_reload(s))
    return mine, restart_only, max(after_sync_s(s) for s in followed)


class WatchedSession(Protocol):
    """What the reload watch needs of the session that owns it."""

    correlator: ReloadCorrelator

    @property
    def profiles(self) -> ProfileSet: ...

    @property
    def stopped(self) -> bool: ...

    def workload_object(self, key: tuple) -> dict | None: ...

    def settings_of(self, key: tuple, obj: dict) -> list: ...

    def pods_of(self, key: tuple) -> list[dict]: ...

    def open_api(self) -> KubeApi: ...

    def refresh_follows(self, key: tuple) -> None: ...

    def emit(self, events: list) -> None: ...


class ReloadWatch:
    def __init__(self, session: WatchedSession):
        self.session = session
        self._followers: dict[tuple, LogFollower] = {}  # by workload key
        self._lock = threading.Lock()
        self._seen: set[tuple] = set()
        self._seen_order: deque[tuple] = deque()

    def follower(self, key: tuple) -> LogFollower | None:
        with self._lock:
            return self._followers.get(key)

    def take_all(self) -> list[LogFollower]:
        with self._lock:
            followers = list(self._followers.values())
            self._followers.clear()
        return followers

    def configmap_changed(self, d: Delta, users: Sequence[tuple]) -> list:
        ns, name = d.key
        changes = changed_keys(d.old, d.obj)
        if not changes:
            return []
        version = str(d.obj["metadata"].get("resourceVersion") or "")
        old_data, new_data = (d.old or {}).get("data") or {}, d.obj.get("data") or {}
        targets, watching = [], []
        for key in users:
            obj = self.session.workload_object(key)
            settings = self.session.settings_of(key, obj) if obj else []
            for cm_key in changes:
                expected = expected_reload(settings, name, cm_key)
                if expected is None:
                    continue
                mine, restart_only, after_sync = expected
                paths = changed_paths(old_data.get(cm_key), new_data.get(cm_key)) or set()
                quiet = quiet_reason(new_data.get(cm_key), paths)
                for pod in self.session.pods_of(key):
                    if (pod.get("metadata") or {}).get("deletionTimestamp"):
                        continue
                    files = tuple(sorted({s.mount_path for s in mine if s.mount_path}))
                    targets.append(
                        ReloadTarget(
                            key,
                            pod["metadata"]["name"],
                            cm_key,
                            restart_only,
                            tuple(sorted(paths)),
                            files,
                            quiet,
                            after_sync,
                        )
                    )
                if key not in watching:
                    watching.append(key)
        changed_at = written_at(d.obj) or datetime.now(UTC)
        events = self.session.correlator.config_changed(
            ns, name, version, changes, targets, workload=users[0] if len(users) == 1 else None
        )
        for key in watching:
            self.follow(key, changed_at)
        return events

    def follow(self, key: tuple, since: datetime) -> None:
        from tui.cluster.logs import LogFollower

        with self._lock:
            if key in self._followers or self.session.stopped:
                return
            follower = LogFollower(
                self.session.open_api(),
                key[1],
                lambda lines: self.on_lines(key, lines),
                since=since - timedelta(seconds=10),
                include_previous=False,
            )
            self._followers[key] = follower
        self.session.refresh_follows(key)

    def on_lines(self, key: tuple, lines: list[LogLine]) -> None:
        from tui.model.workload import Workload

        obj = self.session.workload_object(key)
        try:
            workload = Workload.from_api(obj) if obj else None
        except ValueError:
            workload = None
        events = []
        for line in lines:
            container = next(
                (c for c in (workload.all_containers if workload else ()) if c.name == line.container), None
            )
            profile = (
                self.session.profiles.for_container(workload, container)
                if workload is not None and container is not None
                else None
            )
            match = match_reload_line(line.text, profile.reload_rules if profile is not None else ())
            if match is not None and self._first_time(line):
                events.extend(
                    self.session.correlator.reload_seen(
                        key[1],
                        key,
                        line.pod,
                        line.container,
                        match,
                        at=parse_time(line.time) or datetime.now(UTC),
                    )
                )
        self.session.emit(events)

    def _first_time(self, line: LogLine) -> bool:
        """A follow that starts early re-reads lines an earlier follow already reported."""
        mark = (line.pod, line.container, line.time, line.text)
        with self._lock:
            if mark in self._seen:
                return False
            self._seen.add(mark)
            self._seen_order.append(mark)
            if len(self._seen_order) > 5000:
                self._seen.discard(self._seen_order.popleft())
        return True

    def retire(self) -> None:
        with self._lock:
            idle = [
                k
                for k, f in self._followers.items()
                if not any(self.session.correlator.open_for(k[1], p) for p in f.pods())
            ]
            retired = [self._followers.pop(k) for k in idle]
        for follower in retired:
            follower.stop()
