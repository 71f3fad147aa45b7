"""A live view of one cluster for the dashboard: workloads, their settings, the event stream."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from tui.cluster.connect import Connection


@dataclass(frozen=True)
class ConnectionState:
    status: str  # connecting | connected | reconnecting | failed | offline
    reason: str | None = None


@dataclass(frozen=True)
class WorkloadRow:
    key: tuple[str, str, str]  # (kind, namespace, name)
    kind: str
    namespace: str
    name: str
    ready: int
    desired: int
    created: str | None  # RFC 3339
    configmaps: tuple[str, ...]
    summary: str  # layer summary, e.g. "2 hot · 6 restart"
    auto_restart: str | None = None  # reloader | helm-checksum
    managed_by: str | None = None  # helm | argocd | flux
    updated: int = 0
    available: int = 0
    generation: int = 0
    observed_generation: int = 0
    resource_version: str = ""
    paused: bool = False
    images: tuple[str, ...] = ()


@dataclass(frozen=True)
class LogLine:
    pod: str
    container: str
    text: str
    time: str | None = None  # RFC 3339 from the API server, when known
    previous: bool = False  # from the container's previous (crashed) run


class SessionSink(Protocol):
    """Called from background threads; the UI bridges each call to its own loop."""

    def workloads_changed(self, upserts: list[WorkloadRow], deletes: list[tuple]) -> None: ...

    def state_changed(self, state: ConnectionState) -> None: ...

    def events(self, events: list) -> None: ...

    def synced(self) -> None: ...


class ClusterSession:
    def __init__(self, connection: Connection, *, namespaces: list[str] | None = None, profiles=None,
                 readonly: bool = False, sync_delay: float = 90.0):
        self.connection = connection
        self.namespaces_filter = namespaces
        self.profiles = profiles
        self.readonly = readonly
        self.sync_delay = sync_delay

    def start(self, sink: SessionSink) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def workloads(self) -> dict[tuple, WorkloadRow]:
        raise NotImplementedError

    def settings(self, key) -> list:
        raise NotImplementedError

    def workload_object(self, key) -> dict | None:
        raise NotImplementedError

    def pods_of(self, key) -> list[dict]:
        raise NotImplementedError

    def object_yaml(self, kind: str, namespace: str | None, name: str) -> str:
        raise NotImplementedError

    def follow_logs(self, key, on_lines, *, tail: int = 100):
        raise NotImplementedError

    def namespaces(self) -> list[str]:
        raise NotImplementedError

    def can(self, verb: str, resource: str, namespace: str | None) -> bool:
        raise NotImplementedError

    @property
    def actions(self):
        raise NotImplementedError
