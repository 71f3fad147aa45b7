"""What the change use-case needs of a cluster, as typed interfaces: the session implements them.

The change package reaches the cluster only through these, so it imports neither the client nor
`tui.cluster`; `Actions` (tui/cluster/actions.py) is the one writer behind `ChangeActions`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from tui.change.results import ActionResult
from tui.model.events import ClusterEvent
from tui.model.layers import Setting

WorkloadKey = tuple[str, str, str]  # (kind, namespace, name)


@dataclass(frozen=True)
class ReloaderSeen:
    """Whether Stakater Reloader runs in the cluster, as far as the session can see, and why it says so."""

    running: bool | None  # None: the session cannot see (it may not list Deployments everywhere)
    detail: str


class CommandResult(Protocol):
    """A command run in a pod: its exit code (None: it did not run, and `problem` says why) and output."""

    @property
    def exit_code(self) -> int | None: ...
    @property
    def stdout(self) -> str: ...
    @property
    def stderr(self) -> str: ...
    @property
    def problem(self) -> str: ...


class ChangeActions(Protocol):
    """The writes a change makes, each guarded and checked by the server first; and two reads."""

    def read_object(self, kind: str, namespace: str, name: str) -> dict:
        """The object as the server holds it now (raises the client's error when it cannot be read)."""
        ...

    def last_log_lines(
        self, namespace: str, pod: str, container: str, count: int, *, previous: bool = False
    ) -> list[str]: ...

    def run_in_pod(self, namespace: str, pod: str, container: str, argv: list[str]) -> CommandResult:
        """Blocking: a command in a pod through pods/exec, to read what it has."""
        ...

    def edit_container_value(
        self,
        workload: WorkloadKey,
        container: str,
        source: str,
        name: str,
        value: str,
        *,
        value_type: str = "string",
        positive: bool = False,
        choices: tuple[str, ...] = (),
        any_case: bool = False,
        dry_run: bool = False,
        resource_version: str | None = None,
    ) -> ActionResult: ...

    def edit_configmap_key(
        self,
        namespace: str,
        name: str,
        key: str,
        value: str,
        *,
        resource_version: str | None = None,
        dry_run: bool = False,
    ) -> ActionResult: ...

    def copy_and_repoint(
        self, workload: WorkloadKey, configmap: str, key: str, value: str, *, dry_run: bool = False
    ) -> ActionResult: ...

    def rollout_restart(self, workload: WorkloadKey) -> ActionResult: ...

    def revert(
        self, namespace: str, name: str, key: str, *, backup_path: str | None = None
    ) -> ActionResult: ...

    def rollback(self, workload: WorkloadKey) -> ActionResult: ...

    def propagate_now(self, workload: WorkloadKey) -> ActionResult: ...


class WorkloadSize(Protocol):
    """A workload's row, as far as a change reads it: how many pods it wants."""

    @property
    def desired(self) -> int: ...


class SyncWindow(Protocol):
    """The session's reload bookkeeping, as far as a change reads it."""

    @property
    def window(self) -> float:
        """Seconds the kubelet may take to bring a changed ConfigMap into the pods, plus a margin."""
        ...


class ClusterPort(Protocol):
    """What the change reads of the session's cache, and its actions."""

    readonly: bool

    @property
    def actions(self) -> ChangeActions: ...

    @property
    def correlator(self) -> SyncWindow: ...

    def workloads(self) -> Mapping[Any, WorkloadSize]: ...

    def settings(self, key: WorkloadKey) -> list[Setting]: ...

    def workload_object(self, key: WorkloadKey) -> dict | None: ...

    def pods_of(self, key: WorkloadKey) -> list[dict]: ...

    def can(self, verb: str, resource: str, namespace: str | None) -> bool: ...

    def reloader(self) -> ReloaderSeen:
        """Does a Deployment run Stakater Reloader's image, in any namespace?"""
        ...


class ChangeHost(Protocol):
    """The app loop a followed change runs on: its timer, its worker threads, the event history."""

    @property
    def session(self) -> ClusterPort | None: ...

    @property
    def event_history(self) -> Sequence[ClusterEvent]: ...

    @property
    def following(self) -> set[Any]:
        """The changes followed now (each a ChangeRun): a quit asks first while one is."""
        ...

    def set_interval(
        self, interval: float, callback: Callable[[], None], *, name: str | None = None
    ) -> Any: ...

    def run_worker(
        self, work: Callable[[], None], *, thread: bool, group: str, exit_on_error: bool
    ) -> Any: ...

    def call_from_thread(self, callback: Callable[..., Any], *args: Any) -> Any: ...

    def notify(self, message: str, *, title: str = "", markup: bool = True) -> None: ...
