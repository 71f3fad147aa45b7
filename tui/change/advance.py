"""How a followed change moves on: from what the pods and the rollout reported, and from the clock."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.change.follow import PodState
from tui.change.phases import Phase
from tui.change.plan import Follow

if TYPE_CHECKING:
    from tui.change.flow import ChangeFlow


def window_passed(flow: ChangeFlow, now: float) -> bool:
    """Pods silent past the reload window are flagged, and a restart is offered; True when that changed."""
    late = flow.applied_at is not None and now - flow.applied_at > flow.window
    if flow.phase == Phase.ROLLING and flow.awaiting_generation is not None and late:
        flow.awaiting_generation, flow.auto_missing = None, True
        flow.phase = Phase.CONFIRM_RESTART
        return True
    if flow.phase == Phase.RELOADING and flow.reload is not None and late:
        flow.reload.expire()
        advance(flow)
        return True
    return False


def advance(flow: ChangeFlow) -> None:
    """The next phase, from the reload checklist or the rollout the flow follows."""
    if flow.phase in (Phase.RELOADING, Phase.STALE) and flow.reload is not None:
        watch = flow.reload
        restart_too = flow.planned.follow == Follow.RELOAD_THEN_RESTART
        if watch.rejected and watch.answered:
            flow.phase = Phase.REJECTED
        elif watch.all_applied and not restart_too:
            flow.put_in_force(watch.slowest)
        elif watch.unproven and not restart_too:
            flow.phase = Phase.PROVING  # the runner reads the file in each pod, then calls prove()
        elif watch.answered:
            flow.phase = Phase.CONFIRM_RESTART
        elif any(p.state == PodState.STALE for p in watch.pods):
            flow.phase = Phase.STALE
    elif flow.phase == Phase.ROLLING and flow.rollout is not None:
        if flow.rollout.failed:
            flow.phase = Phase.FAILED
        elif flow.rollout.done:
            if flow.undo_done:
                flow.finish(Phase.UNDONE)
            else:
                flow.phase = Phase.PROVING  # the runner reads the new pods, then calls prove()
