"""What the dashboard sees of a cluster: plain data, the sink it is handed, and the `ClusterPort` it reads."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple, Protocol

from tui.change.port import ClusterPort as ChangePort

if TYPE_CHECKING:
    from tui.cluster.actions import Actions
    from tui.cluster.connect import Connection
    from tui.model.profiles import ProfileSet
    from tui.model.reloadlog import ProfileError


class WorkloadKey(NamedTuple):
    """A controller by kind, namespace and name; still a tuple, so plain tuple keys compare equal."""

    kind: str
    namespace: str
    name: str


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
    crash: str = ""  # why its pods fail, e.g. CrashLoopBackOff; "" while none does


@dataclass(frozen=True)
class LogLine:
    pod: str
    container: str
    text: str
    time: str | None = None  # RFC 3339 from the API server, when known
    previous: bool = False  # from the container's previous (crashed) run


class SessionSink(Protocol):
    """Called from background threads; the UI bridges each call to its own loop."""

    def workloads_changed(self, upserts: Sequence[WorkloadRow], deletes: Sequence[tuple]) -> None: ...

    def state_changed(self, state: ConnectionState) -> None: ...

    def events(self, events: list) -> None: ...

    def synced(self) -> None: ...


class FollowHandle(Protocol):
    def stop(self) -> None: ...


class ClusterPort(ChangePort, Protocol):
    """The session as screens and the app use it: reads, permission checks, actions, log follows."""

    connection: Connection
    readonly: bool

    @property
    def state(self) -> ConnectionState: ...

    @property
    def profiles(self) -> ProfileSet: ...

    @property
    def profile_errors(self) -> Sequence[ProfileError]: ...

    @property
    def actions(self) -> Actions: ...

    def workloads(self) -> Mapping[WorkloadKey, WorkloadRow]: ...

    def settings(self, key: tuple) -> list: ...

    def pods_of(self, key: tuple) -> list[dict]: ...

    def workload_object(self, key: tuple) -> dict | None: ...

    def object_yaml(self, kind: str, namespace: str | None, name: str) -> str: ...

    def namespaces(self) -> list[str]: ...

    def can(self, verb: str, resource: str, namespace: str | None) -> bool: ...

    def cluster_identity(self) -> str: ...

    def follow_logs(
        self, key: tuple, on_lines: Callable[[list[LogLine]], None], *, tail: int = 100
    ) -> FollowHandle: ...
