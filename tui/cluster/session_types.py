"""Plain data the session hands to the dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


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
