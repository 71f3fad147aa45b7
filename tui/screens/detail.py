"""One controller: per container its flags, env, files and file keys, and the focused setting's plan."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Static

from tui.cluster.port import WorkloadKey
from tui.screens.change_keys import ChangeKeysScreen
from tui.widgets.event_log import EventLog
from tui.widgets.safe_text import clean, cluster_text
from tui.widgets.setting_panel import SettingPanel, warning_lines
from tui.widgets.settings_table import SettingsTable
from tui.widgets.status_bar import StatusBar
from tui.widgets.theme_styles import style
from tui.widgets.workload_columns import ready_text

if TYPE_CHECKING:
    from tui.app import KubeknobsApp


class DetailScreen(ChangeKeysScreen):
    if TYPE_CHECKING:
        app = getters.app(KubeknobsApp)

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="detail.back", tooltip="Back to the controllers"),
        Binding(
            "l", "app.logs", "Logs", id="detail.logs", tooltip="Follow the logs of this controller's pods"
        ),
        Binding("y", "app.yaml", "YAML", id="detail.yaml", tooltip="Show this controller's YAML"),
        Binding("e", "change_setting", "Change", id="detail.change", tooltip="Change the focused setting"),
        Binding(
            "r",
            "restart",
            "Restart",
            id="detail.restart",
            tooltip="Rollout restart, after a confirmation",
        ),
        Binding(
            "b",
            "app.rollback",
            "Rollback",
            show=False,  # listed in help and the palette; the footer keeps its keys for every row
            id="detail.rollback",
            tooltip="Back to the previous revision, after showing what it holds",
        ),
        Binding(
            "v", "app.events", "Events", id="detail.events", tooltip="Full-screen events of this controller"
        ),
        Binding("p", "pause_events", "Pause", id="detail.pause", tooltip="Pause or resume the events below"),
    ]

    def __init__(self, workload_key: tuple) -> None:
        super().__init__()
        self.workload_key = WorkloadKey(*workload_key)

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield Static("", id="detail-header", markup=False)
        yield Static("", id="detail-warnings", markup=False)
        with Horizontal(id="detail-body"):
            table = SettingsTable(id="settings")
            table.border_title = "Settings"
            yield table
            panel = SettingPanel(id="setting-panel")
            panel.border_title = "Evidence and plan"
            yield panel
        events = EventLog(id="detail-events", workload=self.workload_key, cap=2000)
        events.border_title = "Events of this controller"
        yield events
        yield Footer()

    @property
    def focused_setting(self):
        return self.query_one(SettingsTable).focused_setting

    def on_resize(self, event) -> None:
        # on a short terminal the events give up lines to the table above them
        self.query_one("#detail-events").styles.height = 8 if event.size.height >= 32 else 5

    def on_mount(self) -> None:
        self.app.workloads_signal.subscribe(
            self, lambda change: self.workloads_changed(*change), immediate=True
        )
        self.query_one(SettingsTable).focus()
        self.query_one("#detail-events", EventLog).add_events(list(self.app.event_history))
        self._show_header()
        self.load_settings()

    def _row(self):
        return self.app.rows.get(self.workload_key)

    def _show_header(self) -> None:
        kind, namespace, name = self.workload_key
        row = self._row()
        app = self.app
        text = Text(end="")
        text.append(f"{kind} ", style(app, "accent", bold=True))
        text.append(clean(f"{namespace}/{name}"), style(app, "foreground", bold=True))
        if row is not None:
            ready_style = "error" if row.crash else "success" if row.ready >= row.desired else "warning"
            text.append("  ready ", style(app, "foreground-muted"))
            text.append(ready_text(row), style(app, ready_style, bold=True))
            text.append("  configmaps ", style(app, "foreground-muted"))
            text.append(clean(", ".join(row.configmaps) or "-"))
            text.append("  layers ", style(app, "foreground-muted"))
            text.append(clean(row.summary or "-"))
        self.query_one("#detail-header", Static).update(text)
        warnings = warning_lines(app, getattr(row, "auto_restart", None), getattr(row, "managed_by", None))
        box = self.query_one("#detail-warnings", Static)
        box.update(warnings)
        box.display = bool(warnings.plain)

    @work(thread=True, exclusive=True, group="settings")
    def load_settings(self) -> None:
        session = self.app.session
        if session is None:
            return
        try:
            settings = session.settings(self.workload_key)
        except Exception as exc:  # a workload the model cannot read: say so, keep the screen
            self.app.call_from_thread(
                self.app.notify, f"Cannot read the settings: {exc}", severity="error", markup=False
            )
            return
        self.app.call_from_thread(self._show_settings, settings)

    def _show_settings(self, settings: list) -> None:
        table = self.query_one(SettingsTable)
        table.show(settings)
        if len(table.containers) == 1:
            title = f"Settings of container {table.containers[0]} ({len(settings)})"
        else:
            title = f"Settings ({len(settings)} in {len(table.containers)} containers)"
        table.border_title = cluster_text(title)

    def on_settings_table_focused(self, event: SettingsTable.Focused) -> None:
        self.query_one(SettingPanel).show(event.setting)

    def workloads_changed(self, upserts: list, deletes: list) -> None:
        if any(row.key == self.workload_key for row in upserts):
            self._show_header()
            self.load_settings()
        elif self.workload_key in {tuple(k) for k in deletes}:
            self.query_one("#detail-header", Static).update(
                Text(f"{self.workload_key.kind} {clean(self.workload_key.name)} was deleted.", end="")
            )

    def action_pause_events(self) -> None:
        self.query_one("#detail-events", EventLog).action_toggle_pause()
