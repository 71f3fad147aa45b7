"""Keeps a change followed on the app's loop, whether or not its wizard is on screen.

Events come from the app's event history (the session's stream, which the events pane
shows too); rollout progress is read from the session's cache with `kubectl rollout status`
semantics, so nothing here outlives the app: its one timer stops with it.
"""

from __future__ import annotations

from collections.abc import Callable

from tui.change.flow import TERMINAL, ChangeFlow, Phase
from tui.change.port import ChangeHost
from tui.change.rollout import failing_containers, progress_event, rollout_status
from tui.model.events import CrashLoop, RolloutProgress

POLL = 0.2
FOLLOW_LEFT = "follow-left"  # the outcome a change gets when the app ends before it did


def _newer_or_same(seen: str, target: str) -> bool:
    if seen == target:
        return True
    return seen.isdigit() and target.isdigit() and int(seen) >= int(target)


class ChangeRun:
    def __init__(self, app: ChangeHost, flow: ChangeFlow):
        self.app, self.flow = app, flow
        self.listeners: list[Callable[[], None]] = []
        self._mark = app.event_history[-1] if app.event_history else None
        self._timer = None
        self._last_progress: RolloutProgress | None = None
        self._crash_seen: set[tuple[str, str]] = set()
        self._announced = False
        self._proving = False

    def mark(self) -> None:
        """Events from now on concern this change (called just before the apply)."""
        history = self.app.event_history
        self._mark = history[-1] if history else None

    def start(self) -> None:
        if self._timer is None:
            self._timer = self.app.set_interval(POLL, self.poll, name="kubeknobs-change-follow")
            self.app.following.add(self)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.app.following.discard(self)

    def leave(self) -> None:
        """The app ends while this change is followed: the history says the follow was left."""
        self.stop()
        self.flow.record(FOLLOW_LEFT)

    def _new_events(self) -> list:
        history = self.app.event_history
        out = []
        for event in reversed(history):
            if event is self._mark:
                break
            out.append(event)
        if history:
            self._mark = history[-1]
        out.reverse()
        return out

    def poll(self) -> None:
        flow = self.flow
        changed = flow.feed(self._new_events())
        changed |= flow.tick()
        if flow.phase == Phase.ROLLING:
            changed |= self._follow_rollout()
        if flow.phase == Phase.PROVING and not self._proving:
            self._proving = True
            self._prove()
        if changed:
            self._changed()
        if flow.phase in TERMINAL:
            self.stop()
            self._announce()

    def _changed(self) -> None:
        for listener in list(self.listeners):
            listener()

    def _announce(self) -> None:
        """The outcome reaches the operator even when the wizard was left."""
        if self._announced or self.listeners:
            return
        self._announced = True
        word = {
            Phase.IN_FORCE: "is in force",
            Phase.UNPROVEN: "was applied; its reload is not provable from logs",
        }.get(self.flow.phase, "was undone")
        self.app.notify(f"{self.flow.name} of {self.flow.key[2]} {word}.", title="Change", markup=False)

    def _follow_rollout(self) -> bool:
        flow, session = self.flow, self.app.session
        if session is None:
            return False
        obj = session.workload_object(flow.key)
        if obj is None:
            return False
        meta = obj.get("metadata") or {}
        seen = str(meta.get("resourceVersion") or "")
        if flow.rollout_target and not _newer_or_same(seen, flow.rollout_target):
            return False  # the cache has not seen our own write yet
        if flow.awaiting_generation is not None:
            if int(meta.get("generation") or 0) <= flow.awaiting_generation:
                return False  # Reloader has not changed the pod template yet
            flow.awaiting_generation = None
        crashing = 0
        for pod in session.pods_of(flow.key):
            failing = failing_containers(pod)
            crashing += bool(failing)
            for container, reason, _message in failing:
                name = pod["metadata"]["name"]
                if (name, container) not in self._crash_seen:
                    self._crash_seen.add((name, container))
                    self._fetch_crash(name, container, reason)
        event = progress_event(flow.key, rollout_status(obj), crashing=crashing)
        events = []
        if self._last_progress is None or _counts(self._last_progress) != _counts(event):
            self._last_progress = event
            events.append(event)
        return flow.feed(events) if events else False

    def _prove(self) -> None:
        """The new pods' logs are read on a thread; the outcome reaches the listeners on the loop."""

        def prove() -> None:
            try:
                self.flow.prove()
            except Exception as exc:  # noqa: BLE001 - the change stays followed, with the reason
                self.flow.problem = f"What the new pods started with could not be read: {exc}"
            self.app.call_from_thread(self._changed)

        self.app.run_worker(prove, thread=True, group="kubeknobs-change-proof", exit_on_error=False)

    def _fetch_crash(self, pod: str, container: str, reason: str) -> None:
        flow = self.flow

        def fetch() -> None:
            try:
                session = self.app.session
                if session is None:
                    raise RuntimeError("the session is gone")
                actions = session.actions
                previous = reason == "CrashLoopBackOff"
                lines = tuple(actions.last_log_lines(flow.key[1], pod, container, 10, previous=previous))
            except Exception:  # noqa: BLE001 - the crash is reported without its lines
                lines = ()
            event = CrashLoop(
                namespace=flow.key[1],
                workload=flow.key,
                pod=pod,
                container=container,
                reason=reason,
                last_lines=lines,
            )
            self.app.call_from_thread(self._crash, event)

        self.app.run_worker(fetch, thread=True, group="kubeknobs-change-crash", exit_on_error=False)

    def _crash(self, event: CrashLoop) -> None:
        if self.flow.feed([event]):
            self._changed()


def _counts(event: RolloutProgress) -> tuple:
    return (event.updated, event.ready, event.available, event.desired, event.done, event.failed_reason)
