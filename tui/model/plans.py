"""The steps an operator takes to change a setting, in the words the UI uses."""

from __future__ import annotations

from tui.model.layers import Layer
from tui.model.ownership import managed_warning
from tui.model.workload import Workload

KUBELET_DELAY = "60–90 s"


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


def source_plan(
    layer: Layer, workload: Workload, kind: str, name: str, auto_restart: str | None, manager: str | None
) -> tuple[str, ...]:
    """A setting held in a ConfigMap or Secret: what to edit, then what makes the pods see it."""
    if layer == Layer.IMMUTABLE:
        steps = [
            f"Create a new {kind} from {name} with the change",
            f"Repoint {workload.ref} to the new {kind}",
            rollout_step(workload),
        ]
    elif layer == Layer.HOT_RELOAD:
        if auto_restart == "reloader":
            steps = [edit_step(kind, name), restart_step(workload, auto_restart)]
        else:
            steps = [edit_step(kind, name), f"Wait for the reload event ({workload.pods_phrase()})"]
    elif layer == Layer.FILE_PROPAGATES:
        if auto_restart == "reloader":
            steps = [edit_step(kind, name), restart_step(workload, auto_restart)]
        else:
            steps = [
                edit_step(kind, name),
                f"Wait for the kubelet to update the file ({KUBELET_DELAY})",
                f"{restart_step(workload)} unless the app re-reads the file",
            ]
    else:
        steps = [edit_step(kind, name), restart_step(workload, auto_restart)]
    warning = managed_warning(manager, f"the {kind}")
    return tuple([*steps, warning] if warning else steps)
