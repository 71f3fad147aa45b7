"""Every key of the dashboard, as currently mapped (config keymap included)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from tui.config import config_path


def _screen_classes():
    from tui.screens.controllers import ControllersScreen
    from tui.screens.detail import DetailScreen
    from tui.screens.events import EventsScreen
    from tui.screens.logs import LogsScreen
    from tui.screens.pickers import NamespacePicker
    from tui.screens.restart import RestartScreen
    from tui.screens.wizard.confirm import ConfirmRestart
    from tui.screens.wizard.history_screen import ChangeHistoryScreen
    from tui.screens.wizard.screen import WizardScreen
    from tui.screens.yaml_view import YamlScreen
    from tui.widgets.event_log import EventLog
    from tui.widgets.setting_panel import SettingPanel
    from tui.widgets.settings_table import SettingsTable
    from tui.widgets.stream_view import StreamView
    from tui.widgets.workload_table import WorkloadTable

    return [
        ("Everywhere", None),
        ("Controllers", ControllersScreen),
        ("Controllers table", WorkloadTable),
        ("Detail", DetailScreen),
        ("Settings table", SettingsTable),
        ("Evidence panel", SettingPanel),
        ("Change wizard", WizardScreen),
        ("Confirmation", ConfirmRestart),
        ("Change history", ChangeHistoryScreen),
        ("Restart", RestartScreen),
        ("Pickers", NamespacePicker),
        ("Events", EventsScreen),
        ("Event stream", EventLog),
        ("Logs", LogsScreen),
        ("Logs and events", StreamView),
        ("YAML", YamlScreen),
        ("Help", HelpScreen),
        ("Help table", KeyTable),
    ]


def all_bindings(app) -> list[tuple[str, Binding]]:
    """(where, binding) for every binding with an id, with keys as remapped by the keymap."""
    keymap = dict(getattr(app, "_keymap", {}) or {})
    rows = []
    for where, cls in _screen_classes():
        bindings = app.BINDINGS if cls is None else cls.__dict__.get("BINDINGS", [])
        for binding in bindings:
            if isinstance(binding, Binding) and binding.id:
                keys = keymap.get(binding.id, binding.key)
                rows.append(
                    (
                        where,
                        Binding(
                            keys, binding.action, binding.description, id=binding.id, tooltip=binding.tooltip
                        ),
                    )
                )
    return rows


def key_label(app, keys: str) -> str:
    return ", ".join(app.get_key_display(Binding(k.strip(), "")) for k in keys.split(","))


class KeyTable(DataTable):
    """The list of keys, moved through like every list of the app."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="help.down"),
        Binding("k", "cursor_up", "Up", show=False, id="help.up"),
        Binding("g", "scroll_top", "Top", show=False, id="help.top"),
        Binding("G", "scroll_bottom", "Bottom", show=False, id="help.bottom"),
    ]


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,question_mark,q", "app.pop_screen", "Close", id="help.close")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="help"):
            yield Static("Keys", classes="title")
            yield KeyTable(id="help-table", cursor_type="row", zebra_stripes=True)
            yield Static(
                Text(
                    f"Remap any key by its id in {config_path()} under `keymap:`; "
                    "ctrl+p opens the command palette.",
                    end="",
                ),
                classes="hint",
                markup=False,
            )

    def on_mount(self) -> None:
        table = self.query_one(KeyTable)
        table.add_columns("where", "key", "does", "id")
        for where, binding in all_bindings(self.app):
            table.add_row(
                where, key_label(self.app, binding.key), binding.tooltip or binding.description, binding.id
            )
        table.add_row(
            "Everywhere",
            "ctrl+p",
            "Command palette: namespaces, contexts, themes, logs, YAML",
            "app.command_palette",
        )
        table.focus()
