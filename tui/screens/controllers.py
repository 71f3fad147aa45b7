"""The first screen: every controller with its readiness, ConfigMaps and layer summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Input

from tui.screens.change_keys import ChangeKeysScreen
from tui.widgets.event_log import EventLog
from tui.widgets.status_bar import StatusBar
from tui.widgets.workload_table import WorkloadTable

if TYPE_CHECKING:
    from tui.app import KubeknobsApp


class ControllersScreen(ChangeKeysScreen):
    if TYPE_CHECKING:
        app = getters.app(KubeknobsApp)

    BINDINGS = [
        # priority: handled as the key arrives, before the keys typed after it are routed to the table
        Binding(
            "slash",
            "filter",
            "Filter",
            id="controllers.filter",
            tooltip="Filter controllers by any column",
            priority=True,
        ),
        Binding(
            "escape",
            "clear_filter",
            "Clear",
            show=False,
            id="controllers.clear_filter",
            tooltip="Clear the filter",
        ),
        Binding(
            "l",
            "app.logs",
            "Logs",
            id="controllers.logs",
            tooltip="Follow the logs of this controller's pods",
        ),
        Binding("y", "app.yaml", "YAML", id="controllers.yaml", tooltip="Show this controller's YAML"),
        Binding("e", "change_setting", "Change", id="controllers.change", tooltip="Change a setting"),
        Binding(
            "r",
            "restart",
            "Restart",
            id="controllers.restart",
            tooltip="Rollout restart, after a confirmation",
        ),
        Binding(
            "b",
            "app.rollback",
            "Rollback",
            show=False,  # listed in help and the palette; the footer keeps its keys for every row
            id="controllers.rollback",
            tooltip="Back to the previous revision, after showing what it holds",
        ),
        Binding(
            "v", "app.events", "Events", id="controllers.events", tooltip="Live events of every controller"
        ),
    ]

    _title = ""

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        with Vertical(id="controllers-body"):
            yield Input(
                placeholder="filter: words that must all appear (namespace, name, ConfigMap, layer)",
                id="filter",
                classes="hidden",
            )
            table = WorkloadTable(id="workloads", clock=self.app.clock)
            table.border_title = "Controllers"
            yield table
            events = EventLog(id="recent-events", cap=2000)
            events.border_title = "Live events"
            yield events
        yield Footer()

    @property
    def table(self) -> WorkloadTable:
        return self.query_one(WorkloadTable)

    def on_resize(self, event) -> None:
        # on a short terminal the events give up lines to the table above them
        self.query_one("#recent-events").styles.height = 9 if event.size.height >= 32 else 6

    def on_mount(self) -> None:
        self.app.workloads_signal.subscribe(self, lambda change: self.apply(*change), immediate=True)
        self.table.focus()
        self.table.replace(self.app.rows.values())
        self._update_title()
        self.set_interval(5, self.table.refresh)  # ages move on; only the visible lines are drawn again

    def apply(self, upserts: list, deletes: list) -> None:
        """A batch from the session; before the table is mounted, on_mount catches up from app.rows."""
        if self.table_ready:
            self.table.apply(upserts, deletes)
            self._update_title()

    def reset(self) -> None:
        if self.table_ready:
            self.table.replace([])
            self._update_title()

    @property
    def table_ready(self) -> bool:
        return bool(self.query(WorkloadTable)) and self.table.is_mounted

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.remove_class("hidden")
        # At once, not after the queued keys (Widget.focus waits its turn): typed or pasted fast, the
        # filter's letters would otherwise reach the table as commands ("e" starts a change).
        self.set_focus(box)

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = ""
        box.add_class("hidden")
        self.table.set_filter("")
        self.table.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.table.set_filter(event.value)
            self._update_title()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            if not event.value.strip():
                event.input.add_class("hidden")
            self.table.focus()

    def on_workload_table_selected(self, event: WorkloadTable.Selected) -> None:
        self.app.open_detail(event.key)

    def _update_title(self) -> None:
        table = self.table
        shown, total = table.row_count, table.total_count
        title = f"Controllers ({total})" if shown == total else f"Controllers ({shown} of {total})"
        if title != self._title:  # setting a border title repaints every line of the table
            self._title = title
            table.border_title = title
