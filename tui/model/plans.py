"""The steps an operator takes to change a setting, in the words the UI uses."""

from __future__ import annotations

from tui.model.ownership import managed_warning
from tui.model.workload import Workload

KUBELET_DELAY = "60–90 s"
KUBELET_SYNC_S = (60.0, 90.0)  # when the kubelet has rewritten a projected file after an edit


def edit_step(kind: str, name: str) -> str:
    return f"Edit {kind} {name}"


def restart_step(workload: Workload, auto_restart: str | None = None) -> str:
    if auto_restart == "reloader":
        return f"Wait for Reloader to restart {workload.ref} ({workload.pods_phrase()})"
    return f"Restart {workload.ref} ({workload.pods_phrase()})"


def rollout_step(workload: Workload) -> str:
    if workload.update_strategy == "OnDelete":
        return f"Delete the pods of {workload.ref} to apply it (updateStrategy OnDelete)"
    if workload.paused:
        return f"Resume the rollout of {workload.ref} (it is paused)"
    return f"Wait for the rollout of {workload.ref} ({workload.pods_phrase()})"


def pod_template_plan(workload: Workload, manager: str | None) -> tuple[str, ...]:
    """A flag or a literal env value: edit the pod template, which rolls the pods."""
    steps = [f"Edit {workload.ref}", rollout_step(workload)]
    warning = managed_warning(manager, f"the {workload.kind}")
    return tuple([*steps, warning] if warning else steps)


def immutable_steps(workload: Workload, kind: str, name: str, auto_restart: str | None) -> list[str]:
    """Immutable data never changes: a copy with the change, and the workload pointed at it."""
    return [
        f"Create a new {kind} from {name} with the change",
        f"Repoint {workload.ref} to the new {kind}",
        rollout_step(workload),
    ]


def live_steps(workload: Workload, kind: str, name: str, auto_restart: str | None) -> list[str]:
    """The app re-reads the file by itself: edit, then wait for its reload line."""
    if auto_restart == "reloader":
        return [edit_step(kind, name), restart_step(workload, auto_restart)]
    return [edit_step(kind, name), f"Wait for the reload event ({workload.pods_phrase()})"]


def propagates_steps(workload: Workload, kind: str, name: str, auto_restart: str | None) -> list[str]:
    """The kubelet updates the file, but nothing says the app re-reads it."""
    if auto_restart == "reloader":
        return [edit_step(kind, name), restart_step(workload, auto_restart)]
    return [
        edit_step(kind, name),
        f"Wait for the kubelet to update the file ({KUBELET_DELAY})",
        f"{restart_step(workload)} unless the app re-reads the file",
    ]


def restart_steps(workload: Workload, kind: str, name: str, auto_restart: str | None) -> list[str]:
    """Read only at start: edit, then restart the pods."""
    return [edit_step(kind, name), restart_step(workload, auto_restart)]
