"""Live events full screen: of one controller, or of all of them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer

from tui.widgets.event_log import EventLog
from tui.widgets.safe_text import cluster_text
from tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from tui.app import KubeknobsApp


class EventsScreen(Screen):
    if TYPE_CHECKING:
        app = getters.app(KubeknobsApp)

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="events.back", tooltip="Back"),
        Binding(
            "a", "toggle_scope", "All/one", id="events.scope", tooltip="Events of every controller or of one"
        ),
    ]

    def __init__(self, workload_key: tuple | None = None) -> None:
        super().__init__()
        self.selected = tuple(workload_key) if workload_key else None
        self.workload_key = None  # this screen acts on no single controller

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield EventLog(id="events-all", workload=self.selected)
        yield Footer()

    def on_mount(self) -> None:
        log = self.query_one(EventLog)
        self._title(log)
        log.add_events(list(self.app.event_history))
        log.focus()

    def _title(self, log: EventLog) -> None:
        if log.workload:
            kind, namespace, name = log.workload
            log.border_title = cluster_text(f"Events · {kind} {namespace}/{name}")
        else:
            log.border_title = "Events · all controllers"
        log.border_subtitle = "live · p pauses"

    def action_toggle_scope(self) -> None:
        if self.selected is None:
            return
        log = self.query_one(EventLog)
        log.workload = None if log.workload else self.selected
        log.clear()
        self._title(log)
        log.add_events(list(self.app.event_history))
