"""Rollback of one controller to its previous revision, after the operator has seen what that revision holds."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.cluster.port import WorkloadKey
from tui.cluster.revisions import Revision, template_differences
from tui.widgets.safe_text import clean


class RollbackScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("escape,n", "cancel", "Cancel", id="rollback.cancel"),
        Binding("y", "confirm", "Roll back", id="rollback.confirm"),
    ]

    def __init__(self, workload_key: tuple) -> None:
        super().__init__()
        self.workload_key = WorkloadKey(*workload_key)
        self.result = None

    def compose(self) -> ComposeResult:
        kind, namespace, name = self.workload_key
        with Vertical(classes="dialog", id="rollback"):
            yield Static("Roll back to the previous revision", classes="title")
            yield Static(
                Text(f"{kind} {clean(namespace)}/{clean(name)}: reading its revisions…", end=""),
                id="rollback-revision",
                markup=False,
            )
            if self.app.readonly:
                yield Static(
                    "kubeknobs runs read-only: nothing will be changed.", classes="problem", markup=False
                )
            yield Static("", id="rollback-result", classes="hint", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Cancel (n)", id="cancel")
                yield Button("Roll back (y)", id="confirm", variant="warning", disabled=True)

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()
        self.read_revision()

    @work(thread=True, exclusive=True, group="rollback")
    def read_revision(self) -> None:
        session = self.app.session
        try:
            previous = session.actions.previous_revision(self.workload_key)
            current = (session.workload_object(self.workload_key) or {}).get("spec", {}).get("template") or {}
        except Exception as exc:  # shown in the dialog, never raised into the UI loop
            self.app.call_from_thread(self._say_problem, str(exc))
            return
        if isinstance(previous, Revision):
            self.app.call_from_thread(self._show, previous, template_differences(current, previous.template))
        else:
            self.app.call_from_thread(self._say_problem, previous.message)

    def _show(self, previous: Revision, differences: list[str]) -> None:
        kind, namespace, name = self.workload_key
        text = Text(end="")
        text.append(f"{kind} {clean(namespace)}/{clean(name)} goes back to revision {previous.number}:\n")
        text.append("\n".join(clean(line) for line in differences) or "the same pod template")
        text.append("\nIts pods are replaced with pods of that template, as `kubectl rollout undo` does.")
        self.query_one("#rollback-revision", Static).update(text)
        self.query_one("#confirm", Button).disabled = bool(self.app.readonly)

    def _say_problem(self, message: str) -> None:
        self.query_one("#rollback-revision", Static).update(
            Text("Cannot roll back: " + clean(message), end="")
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "confirm":
            self.action_confirm()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_confirm(self) -> None:
        confirm = self.query_one("#confirm", Button)
        if self.app.readonly or confirm.disabled:
            return
        confirm.disabled = True
        self.query_one("#rollback-result", Static).update("Rolling back…")
        self.roll_back()

    @work(thread=True, exclusive=True, group="rollback")
    def roll_back(self) -> None:
        try:
            result = self.app.session.actions.rollback(self.workload_key)
        except Exception as exc:  # the action layer maps API errors; anything else is still shown
            self.app.call_from_thread(self._not_done, str(exc))
            return
        self.app.call_from_thread(self._done, result)

    def _not_done(self, message: str) -> None:
        self.query_one("#rollback-result", Static).update(Text("Not rolled back: " + clean(message), end=""))
        self.query_one("#confirm", Button).disabled = False

    def _done(self, result) -> None:
        self.result = result
        if result.ok:
            self.app.notify(clean(result.message), title="Rollback", markup=False)
            self.dismiss(True)
            return
        detail = clean(result.message)
        if getattr(result, "denied", None):
            detail += f" (missing permission: {clean(result.denied)})"
        self._not_done(f"({result.status}) {detail}")
