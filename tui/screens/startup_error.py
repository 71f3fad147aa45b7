"""What is wrong with the connection, how to fix it, and the demo cluster as a way out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

from tui.widgets.safe_text import clean
from tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from tui.app import KubeknobsApp


class StartupErrorScreen(Screen):
    if TYPE_CHECKING:
        app = getters.app(KubeknobsApp)

    AUTO_FOCUS = "#demo"
    BINDINGS = [
        Binding("d", "demo", "Demo cluster", id="startup.demo", tooltip="Start the embedded demo cluster"),
        Binding("R", "retry", "Retry", id="startup.retry", tooltip="Try to connect again"),
    ]

    def __init__(self, error) -> None:
        super().__init__()
        self.error = error
        self.workload_key = None

    def compose(self) -> ComposeResult:
        error = self.error
        yield StatusBar(id="status")
        box = Vertical(id="startup-box")
        box.border_title = f"cannot connect: {getattr(error, 'kind', 'error')}"
        with Vertical(id="startup"), box:
            yield Static(
                Text(clean(getattr(error, "title", "Cannot connect")), end=""), classes="title", markup=False
            )
            yield Static(
                Text(clean(getattr(error, "detail", str(error)), keep_newlines=True), end=""),
                classes="detail",
                markup=False,
            )
            yield Static(
                Text("How to fix it: " + clean(getattr(error, "hint", ""), keep_newlines=True), end=""),
                classes="hint",
                markup=False,
            )
            with Horizontal(classes="buttons"):
                yield Button("Start the demo cluster (d)", id="demo", variant="primary")
                yield Button("Retry (R)", id="retry")
                yield Button("Quit (ctrl+q)", id="quit", variant="error")
        yield Footer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        {"demo": self.action_demo, "retry": self.action_retry, "quit": self.app.exit}[str(event.button.id)]()

    def action_demo(self) -> None:
        self.app.pop_screen()
        self.app.demo = True
        self.app.start_demo()

    def action_retry(self) -> None:
        self.app.pop_screen()
        self.app.connect(self.app.kubeconfig, self.app.context_name)
