"""Taking a change back: the ConfigMap's saved value, the workload's previous revision, and how to by hand."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.change.follow import RolloutWatch
from tui.change.phases import Phase, Step
from tui.change.plan import Route
from tui.change.record import reverted_record
from tui.change.results import ActionResult

if TYPE_CHECKING:
    from tui.change.flow import ChangeFlow


def revert(flow: ChangeFlow, *, finish: bool = True) -> ActionResult:
    """Put back the ConfigMap value saved before the edit (that edit's backup: a later one is a change since).

    After the summary (the change was recorded as it ended), the revert is a history line of its own."""
    backup = flow.applied.backup if flow.applied is not None else None
    result = flow.session.actions.revert(flow.namespace, *flow.configmap_key(), backup_path=backup)
    if result.ok:
        flow.undo_done.append(result.message)
        if flow.recorded is not None:
            flow.append_record(reverted_record(flow.recorded, result.message))
        if finish and flow.phase != Phase.ROLLING:
            flow.finish(Phase.UNDONE)
    else:
        flow.problem = result.message
    return result


def rollback(flow: ChangeFlow) -> list[ActionResult]:
    """The previous revision of the workload, and the ConfigMap's old value when it was changed too."""
    results = []
    if flow.configmap_changed:
        reverted = revert(flow, finish=False)
        results.append(reverted)
        if not reverted.ok:
            return results
    result = flow.session.actions.rollback(flow.key)
    results.append(result)
    if result.ok:
        flow.undo_done.append(result.message)
        flow.rollout = RolloutWatch(flow.key, crashes_fail=False)
        flow.rollout_target = result.resource_version
        flow.phase = Phase.ROLLING
        flow.step = Step.FOLLOW
    else:
        flow.problem = result.message
    return results


def undo_hint(flow: ChangeFlow) -> str:
    """How to take the change back by hand, as the history keeps it."""
    kind, ns, name = flow.key
    if flow.undo_done:  # `kubectl rollout undo` now would bring the undone revision back
        return "nothing left to undo: " + "; ".join(flow.undo_done)
    if flow.route == Route.TEMPLATE:
        return f"kubectl rollout undo {kind.lower()}/{name} -n {ns} (or b in the wizard while it follows)"
    if flow.immutable:
        return (
            f"kubectl rollout undo {kind.lower()}/{name} -n {ns}: the pods use ConfigMap "
            f"{flow.setting.configmap} again, which was never changed"
        )
    backup = flow.applied.backup if flow.applied is not None else None
    where = f" saved in {backup}" if backup else ""
    return f"revert ConfigMap {flow.setting.configmap} key {flow.setting.key} to the value{where}"
