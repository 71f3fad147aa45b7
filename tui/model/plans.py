"""The steps an operator takes to change a setting, in the words the UI uses."""

from __future__ import annotations

from dataclasses import dataclass

from tui.model.ownership import managed_warning
from tui.model.workload import Workload

KUBELET_DELAY = "60–90 s"
KUBELET_SYNC_S = (60.0, 90.0)  # when the kubelet has rewritten a projected file after an edit

SIGNAL_NUMBERS = {"SIGHUP": "HUP", "SIGUSR1": "USR1", "SIGUSR2": "USR2"}


@dataclass(frozen=True)
class Trigger:
    """What makes the app apply a change: a signal or an HTTP request it is sent, or a sidecar that sends it."""

    container: str  # the container that receives it (the sidecar's own name for a sidecar)
    signal: str | None = None  # e.g. SIGHUP
    request: str | None = None  # e.g. "POST /-/reload"
    port: int | None = None
    target: str | None = None  # a sidecar: what it calls or signals, e.g. http://127.0.0.1:9090/-/reload
    through_api: bool = False  # a sidecar that reads the objects through the API and writes the files itself

    @property
    def text(self) -> str:
        if self.signal:
            return self.signal
        if self.request:
            method, _, path = self.request.partition(" ")
            return f"{method} :{self.port}{path}" if self.port else self.request
        return self.container


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


def immutable_steps(
    workload: Workload, kind: str, name: str, auto_restart: str | None, trigger: Trigger | None = None
) -> list[str]:
    """Immutable data never changes: a copy with the change, and the workload pointed at it."""
    return [
        f"Create a new {kind} from {name} with the change",
        f"Repoint {workload.ref} to the new {kind}",
        rollout_step(workload),
    ]


def live_steps(
    workload: Workload, kind: str, name: str, auto_restart: str | None, trigger: Trigger | None = None
) -> list[str]:
    """The app re-reads the file by itself: edit, then wait for its reload line."""
    if auto_restart == "reloader":
        return [edit_step(kind, name), restart_step(workload, auto_restart)]
    return [edit_step(kind, name), f"Wait for the reload event ({workload.pods_phrase()})"]


def propagates_steps(
    workload: Workload, kind: str, name: str, auto_restart: str | None, trigger: Trigger | None = None
) -> list[str]:
    """The kubelet updates the file, but nothing says the app re-reads it."""
    if auto_restart == "reloader":
        return [edit_step(kind, name), restart_step(workload, auto_restart)]
    return [
        edit_step(kind, name),
        f"Wait for the kubelet to update the file ({KUBELET_DELAY})",
        f"{restart_step(workload)} unless the app re-reads the file",
    ]


def restart_steps(
    workload: Workload, kind: str, name: str, auto_restart: str | None, trigger: Trigger | None = None
) -> list[str]:
    """Read only at start: edit, then restart the pods."""
    return [edit_step(kind, name), restart_step(workload, auto_restart)]


def api_watch_steps(
    workload: Workload, kind: str, name: str, auto_restart: str | None, trigger: Trigger | None = None
) -> list[str]:
    """The app watches the object through the API: no file, no kubelet delay."""
    if auto_restart == "reloader":
        return [edit_step(kind, name), restart_step(workload, auto_restart)]
    return [
        edit_step(kind, name),
        f"Wait a few seconds for the app to apply it: it watches the {kind} through the API"
        f" ({workload.pods_phrase()})",
    ]


def sidecar_steps(
    workload: Workload, kind: str, name: str, auto_restart: str | None, trigger: Trigger | None = None
) -> list[str]:
    """A sidecar sees the new file after the kubelet's sync and tells the app."""
    if auto_restart == "reloader":
        return [edit_step(kind, name), restart_step(workload, auto_restart)]
    sidecar = f"sidecar {trigger.container}" if trigger else "the reload sidecar"
    if trigger is not None and trigger.through_api:
        return [
            edit_step(kind, name),
            f"Wait a few seconds: {sidecar} reads it through the API, writes the file and tells the app",
            f"Wait for the reload event ({workload.pods_phrase()})",
        ]
    return [
        edit_step(kind, name),
        f"Wait for the kubelet to update the file ({KUBELET_DELAY}): {sidecar} then tells the app",
        f"Wait for the reload event ({workload.pods_phrase()})",
    ]


def request_steps(
    workload: Workload, kind: str, name: str, auto_restart: str | None, trigger: Trigger | None = None
) -> list[str]:
    """The app re-reads its file only when asked: the operator sends the signal or the request."""
    if auto_restart == "reloader":
        return [edit_step(kind, name), restart_step(workload, auto_restart)]
    return [
        edit_step(kind, name),
        f"Wait for the kubelet to update the file ({KUBELET_DELAY})",
        ask_step(workload, trigger),
        f"Wait for the reload event ({workload.pods_phrase()})",
    ]


def ask_step(workload: Workload, trigger: Trigger | None) -> str:
    """What the operator runs in each pod; kubeknobs names it and does not send it."""
    ns, pods = workload.namespace, workload.pods_phrase()
    if trigger is None:
        return f"Ask the app to re-read its file ({pods})"
    if trigger.signal:
        short = SIGNAL_NUMBERS.get(trigger.signal, trigger.signal.removeprefix("SIG"))
        if workload.shared_pids:
            return (
                f"In each pod ({pods}), send {trigger.signal} to the app's process:"
                f" kubectl exec -n {ns} <pod> -c {trigger.container} -- kill -{short} <PID>"
                " (the pod shares one process namespace, so PID 1 is its pause process: `ps` shows the app's)"
            )
        return (
            f"In each pod ({pods}), send {trigger.signal} to the main process:"
            f" kubectl exec -n {ns} <pod> -c {trigger.container} -- kill -{short} 1"
        )
    method, _, path = (trigger.request or "POST /").partition(" ")
    port = f":{trigger.port}" if trigger.port else ""
    verb = "create" if method == "POST" else "get"
    return (
        f"In each pod ({pods}), send {method} {path} through the API server's pod proxy:"
        f" kubectl {verb} --raw /api/v1/namespaces/{ns}/pods/<pod>{port}/proxy{path}"
        + (" -f /dev/null" if verb == "create" else "")
    )
