"""The typed event stream the dashboard subscribes to: one line of news per event.

Every event carries when it happened, the namespace, the workload it concerns as a
key `(kind, namespace, name)` (or None), and a one-line `summary` for the operator.
Pure data: built by `tui.cluster`, shown by the UI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

WorkloadKey = tuple[str, str, str]

OUTCOMES = ("applied", "rejected", "needs-restart")


def _now() -> datetime:
    return datetime.now(UTC)


def short_hash(value: str | None) -> str:
    return (value or "")[:12]


@dataclass(frozen=True, kw_only=True)
class ClusterEvent:
    namespace: str
    workload: WorkloadKey | None = None
    time: datetime = field(default_factory=_now)

    @property
    def summary(self) -> str:
        return type(self).__name__

    @property
    def severity(self) -> str:
        """`info`, `good`, `warning` or `error`: how the UI colours the line."""
        return "info"


@dataclass(frozen=True, kw_only=True)
class ConfigMapChanged(ClusterEvent):
    name: str
    changed_keys: dict[str, str]  # key -> SHA-256 hex of the new content ("" when the key was removed)
    resource_version: str

    @property
    def summary(self) -> str:
        keys = ", ".join(f"{k} ({short_hash(h) or 'removed'})" for k, h in sorted(self.changed_keys.items()))
        return f"ConfigMap {self.name} changed: {keys or 'no data keys'}"


@dataclass(frozen=True, kw_only=True)
class ReloadEvent(ClusterEvent):
    pod: str
    container: str
    outcome: str  # applied | rejected | needs-restart
    hash: str | None = None
    message: str = ""
    delay: float | None = None  # seconds from the ConfigMap change to this event, when matched
    version: str | None = None  # resourceVersion of the ConfigMap change this event was matched to
    configmap: str | None = None
    key: str | None = None

    @property
    def summary(self) -> str:
        where = f"{self.pod}/{self.container}"
        matched = ""
        if self.version is not None:
            matched = f" (ConfigMap {self.configmap} v{self.version}"
            matched += f", after {self.delay:.1f}s)" if self.delay is not None else ")"
        if self.outcome == "applied":
            return f"{where} reloaded {short_hash(self.hash) or 'new content'}{matched}"
        if self.outcome == "rejected":
            return f"{where} rejected the new content{matched}: {self.message}"
        return f"{where} needs a restart for the change to apply{matched}: {self.message}"

    @property
    def severity(self) -> str:
        return {"applied": "good", "rejected": "error"}.get(self.outcome, "warning")


@dataclass(frozen=True, kw_only=True)
class ReloadPending(ClusterEvent):
    pod: str
    configmap: str
    key: str
    since: datetime
    hash: str = ""

    @property
    def summary(self) -> str:
        return f"{self.pod}: waiting for {self.configmap}/{self.key} {short_hash(self.hash)} to reach the pod"


@dataclass(frozen=True, kw_only=True)
class ReloadStale(ClusterEvent):
    pod: str
    configmap: str
    key: str
    since: datetime
    hash: str = ""
    reason: str = ""  # why no reload line could come (e.g. the change raised the log level), when known

    @property
    def summary(self) -> str:
        waited = (self.time - self.since).total_seconds()
        if self.reason:
            return (
                f"{self.pod}: no reload line for {self.configmap}/{self.key} {short_hash(self.hash)} "
                f"after {waited:.0f}s: {self.reason}"
            )
        return (
            f"{self.pod}: no reload of {self.configmap}/{self.key} {short_hash(self.hash)} "
            f"after {waited:.0f}s; the pod still runs the old content"
        )

    @property
    def severity(self) -> str:
        return "warning"


@dataclass(frozen=True, kw_only=True)
class ReloadSuperseded(ClusterEvent):
    """A pod loaded a newer version of the key before reporting this one: nothing is owed for it."""

    pod: str
    configmap: str
    key: str
    since: datetime
    hash: str = ""
    version: str = ""
    by_version: str = ""

    @property
    def summary(self) -> str:
        return (
            f"{self.pod}: {self.configmap}/{self.key} v{self.version} ({short_hash(self.hash)}) "
            f"superseded by v{self.by_version}, which the pod loaded"
        )

    @property
    def severity(self) -> str:
        return "info"


@dataclass(frozen=True, kw_only=True)
class RolloutProgress(ClusterEvent):
    updated: int
    ready: int
    available: int
    desired: int
    done: bool = False
    failed_reason: str | None = None
    message: str = ""

    @property
    def summary(self) -> str:
        kind, _, name = self.workload or ("", "", "")
        head = f"{kind} {name}".strip() or "rollout"
        if self.failed_reason:
            return f"{head} rollout failed ({self.failed_reason}): {self.message}"
        if self.done:
            return f"{head} successfully rolled out ({self.ready}/{self.desired} ready)"
        return (
            f"{head} rolling out: {self.updated} of {self.desired} updated, "
            f"{self.ready} ready, {self.available} available"
        )

    @property
    def severity(self) -> str:
        return "error" if self.failed_reason else ("good" if self.done else "info")


@dataclass(frozen=True, kw_only=True)
class ContainerRestarted(ClusterEvent):
    pod: str
    container: str
    restart_count: int
    reason: str = ""

    @property
    def summary(self) -> str:
        why = f" ({self.reason})" if self.reason else ""
        return f"{self.pod}/{self.container} restarted{why}, {self.restart_count} restarts so far"

    @property
    def severity(self) -> str:
        return "warning"


@dataclass(frozen=True, kw_only=True)
class CrashLoop(ClusterEvent):
    pod: str
    container: str
    reason: str = "CrashLoopBackOff"
    last_lines: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        tail = f": {self.last_lines[-1]}" if self.last_lines else ""
        return f"{self.pod}/{self.container} is in {self.reason}{tail}"

    @property
    def severity(self) -> str:
        return "error"


@dataclass(frozen=True, kw_only=True)
class KubeEvent(ClusterEvent):
    type: str
    reason: str
    message: str
    involved: str  # "Kind/name"
    count: int = 1

    @property
    def summary(self) -> str:
        times = f" (x{self.count})" if self.count > 1 else ""
        return f"{self.involved} {self.reason}: {self.message}{times}"

    @property
    def severity(self) -> str:
        return "warning" if self.type == "Warning" else "info"
