"""Rollout restart of one controller, after the operator confirms it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.cluster.port import WorkloadKey
from tui.widgets.safe_text import clean

if TYPE_CHECKING:
    from tui.app import KubeknobsApp


class RestartScreen(ModalScreen[bool]):
    if TYPE_CHECKING:
        app = getters.app(KubeknobsApp)

    BINDINGS = [
        Binding("escape,n", "cancel", "Cancel", id="restart.cancel"),
        Binding("y", "confirm", "Restart", id="restart.confirm"),
    ]

    def __init__(self, workload_key: tuple) -> None:
        super().__init__()
        self.workload_key = WorkloadKey(*workload_key)
        self.result = None

    def compose(self) -> ComposeResult:
        kind, namespace, name = self.workload_key
        readonly = self.app.readonly
        with Vertical(classes="dialog", id="restart"):
            yield Static("Rollout restart", classes="title")
            yield Static(
                Text(
                    f"Restart every pod of {kind} {clean(namespace)}/{clean(name)}? New pods start "
                    "with the current pod template, ConfigMaps and env; the old ones stop as the "
                    "new ones become ready.",
                    end="",
                ),
                markup=False,
            )
            if readonly:
                yield Static(
                    "kubeknobs runs read-only (--readonly): nothing will be changed.",
                    classes="problem",
                    markup=False,
                )
            yield Static("", id="restart-result", classes="hint", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Cancel (n)", id="cancel")
                yield Button("Restart (y)", id="confirm", variant="warning", disabled=readonly)

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "confirm":
            self.action_confirm()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_confirm(self) -> None:
        if self.app.readonly or self.query_one("#confirm", Button).disabled:
            return
        self.query_one("#confirm", Button).disabled = True
        self.query_one("#restart-result", Static).update("Restarting…")
        self.restart()

    @work(thread=True, exclusive=True)
    def restart(self) -> None:
        session = self.app.session
        try:
            if session is None:
                raise RuntimeError("not connected to a cluster")
            result = session.actions.rollout_restart(self.workload_key)
        except Exception as exc:  # the action layer maps API errors; anything else is still shown, not raised
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._done, result)

    def _failed(self, message: str) -> None:
        self.query_one("#restart-result", Static).update(Text("Not restarted: " + clean(message), end=""))
        self.query_one("#confirm", Button).disabled = False

    def _done(self, result) -> None:
        self.result = result
        if result.ok:
            self.app.notify(clean(result.message), title="Rollout restart", markup=False)
            self.dismiss(True)
            return
        detail = clean(result.message)
        if getattr(result, "denied", None):
            detail += f" (missing permission: {clean(result.denied)})"
        self.query_one("#restart-result", Static).update(
            Text(f"Not restarted ({result.status}): {detail}", end="")
        )
        self.query_one("#confirm", Button).disabled = False
