"""Rollback of one controller to its previous revision, after the operator has seen what that revision holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.widgets import Static

from tui.cluster.revisions import Revision, template_differences
from tui.screens.confirm import ConfirmDialog
from tui.widgets.safe_text import clean

if TYPE_CHECKING:
    from tui.change.results import ActionResult
    from tui.cluster.port import ClusterPort


class RollbackScreen(ConfirmDialog):
    BINDINGS = [
        Binding("escape,n", "cancel", "Cancel", id="rollback.cancel"),
        Binding("y", "confirm", "Roll back", id="rollback.confirm"),
    ]

    dialog_id = "rollback"
    about_id = "revision"
    heading = "Roll back to the previous revision"
    confirm_label = "Roll back"
    notice_title = "Rollback"
    doing = "Rolling back…"
    not_done = "Not rolled back"
    readonly_notice = "kubeknobs runs read-only: nothing will be changed."
    ready_at_start = False  # confirmed only once the previous revision is shown

    def about(self) -> Text:
        kind, namespace, name = self.workload_key
        return Text(f"{kind} {clean(namespace)}/{clean(name)}: reading its revisions…", end="")

    def act(self, session: ClusterPort) -> ActionResult:
        return session.actions.rollback(self.workload_key)

    def on_mount(self) -> None:
        super().on_mount()
        self.read_revision()

    @work(thread=True, exclusive=True, group="rollback")
    def read_revision(self) -> None:
        session = self.app.session
        try:
            if session is None:
                raise RuntimeError("not connected to a cluster")
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
        self.ready()

    def _say_problem(self, message: str) -> None:
        self.query_one("#rollback-revision", Static).update(
            Text("Cannot roll back: " + clean(message), end="")
        )
