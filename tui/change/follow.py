"""Step 4, as data: what each pod did with the change, and how the rollout goes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from tui.change.rollout import rolled_out
from tui.model.events import CrashLoop, KubeEvent, ReloadEvent, ReloadPending, ReloadStale, RolloutProgress


class PodState(StrEnum):
    WAITING = "waiting for kubelet"
    APPLIED = "applied"
    NEEDS_RESTART = "reloaded, needs restart"
    REJECTED = "rejected"
    STALE = "no event yet"
    UNPROVEN = "applied, not provable from logs"  # the change hides the app's reload line


@dataclass
class PodCheck:
    pod: str
    state: PodState = PodState.WAITING
    hash: str | None = None
    delay: float | None = None
    message: str = ""


@dataclass
class ReloadChecklist:
    """One ConfigMap version and the pods expected to load it."""

    configmap: str
    key: str
    version: str
    pods: list[PodCheck]
    quiet: str = ""  # why no pod will log its reload line for this change (empty: they will)

    def feed(self, event) -> bool:
        check = next((p for p in self.pods if p.pod == getattr(event, "pod", None)), None)
        if check is None:
            return False
        if (
            isinstance(event, ReloadEvent)
            and event.version == self.version
            and event.configmap == self.configmap
        ):
            check.state = {"applied": PodState.APPLIED, "rejected": PodState.REJECTED}.get(
                event.outcome, PodState.NEEDS_RESTART
            )
            check.hash, check.delay, check.message = event.hash, event.delay, event.message
            return True
        mine = getattr(event, "configmap", None) == self.configmap and getattr(event, "key", None) == self.key
        if isinstance(event, ReloadStale) and mine and check.state == PodState.WAITING:
            check.state = PodState.UNPROVEN if self.quiet else PodState.STALE
            return True
        if isinstance(event, ReloadPending) and mine and check.state == PodState.STALE:
            check.state = PodState.WAITING
            return True
        return False

    def expire(self) -> bool:
        """The window passed: every pod still waiting has sent no event (none was to come when quiet)."""
        changed = False
        for check in self.pods:
            if check.state == PodState.WAITING or (self.quiet and check.state == PodState.STALE):
                check.state, changed = PodState.UNPROVEN if self.quiet else PodState.STALE, True
        return changed

    def count(self, state: PodState) -> int:
        return sum(1 for p in self.pods if p.state == state)

    @property
    def answered(self) -> bool:
        return all(p.state not in (PodState.WAITING, PodState.STALE) for p in self.pods)

    @property
    def all_applied(self) -> bool:
        return bool(self.pods) and all(p.state == PodState.APPLIED for p in self.pods)

    @property
    def unproven(self) -> bool:
        """Every pod has the file, as far as anything tells, and some could not prove their reload."""
        settled = (PodState.APPLIED, PodState.UNPROVEN)
        return bool(self.pods) and all(p.state in settled for p in self.pods) and not self.all_applied

    @property
    def rejected(self) -> list[PodCheck]:
        return [p for p in self.pods if p.state == PodState.REJECTED]

    @property
    def slowest(self) -> float | None:
        delays = [p.delay for p in self.pods if p.delay is not None]
        return max(delays) if delays else None


@dataclass
class RolloutWatch:
    """The rollout of one workload, with `kubectl rollout status` counts and the failures seen."""

    workload: tuple[str, str, str]
    progress: RolloutProgress | None = None
    crashes: list[CrashLoop] = field(default_factory=list)
    events: list[KubeEvent] = field(default_factory=list)
    crashes_fail: bool = True  # after a rollback, the old pods' crashes are the past, not a failure

    def feed(self, event) -> bool:
        if getattr(event, "workload", None) != self.workload:
            return False
        if isinstance(event, RolloutProgress):
            self.progress = event
            return True
        if isinstance(event, CrashLoop):
            # The session reports the waiting message; the follow fetches the log lines: keep the richer one.
            same = [c for c in self.crashes if (c.pod, c.container) == (event.pod, event.container)]
            if not same:
                self.crashes.append(event)
            elif len(event.last_lines) > len(same[0].last_lines):
                self.crashes[self.crashes.index(same[0])] = event
            return True
        if isinstance(event, KubeEvent):
            self.events = [*self.events[-4:], event]
            return True
        return False

    @property
    def done(self) -> bool:
        return self.progress is not None and self.progress.done

    @property
    def bar(self) -> tuple[int, int]:
        """(done, total) for the rollout bar: short of full while a pod of the workload crash-loops."""
        if self.progress is None:
            return 0, 1
        crashing = len({crash.pod for crash in self.crashes})
        return rolled_out(self.progress, crashing), max(self.progress.desired, 1)

    @property
    def failed(self) -> str | None:
        if self.progress is not None and self.progress.failed_reason:
            return self.progress.failed_reason
        return self.crashes[0].reason if self.crashes and self.crashes_fail else None
