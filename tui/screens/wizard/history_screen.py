"""The change history: every change made with the wizard, newest first, from the state directory."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from tui.change.record import ChangeRecord
from tui.history import ChangeHistory
from tui.widgets.safe_text import clean

COLUMNS = ("WHEN", "BY", "WORKLOAD", "SETTING", "CHANGE", "OUTCOME", "IN FORCE AFTER")


def _short(value: str | None, width: int = 24) -> str:
    text = clean(value if value is not None else "-")
    return text if len(text) <= width else text[: width - 1] + "…"


class ChangeHistoryScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="history.back", tooltip="Back")]
    DEFAULT_CSS = """
    ChangeHistoryScreen #history-title { height: 1; padding: 0 1; background: $surface; }
    ChangeHistoryScreen #history { height: 1fr; }
    ChangeHistoryScreen #history-undo { height: auto; padding: 0 1; color: $foreground-muted; }
    """

    def __init__(self, history: ChangeHistory | None = None) -> None:
        super().__init__()
        self.history = history or ChangeHistory()
        self.records: list[ChangeRecord] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="history-title", markup=False)
        yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
        yield Static("", id="history-undo", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.records = self.history.records()
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        for record in self.records:
            change = f"{_short(record.old_value, 16)} → {_short(record.new_value, 16)}"
            after = "-" if record.in_force_after is None else f"{record.in_force_after:.1f}s"
            cells = (
                record.started,
                record.user,
                f"{record.namespace}/{record.workload}",
                record.setting,
                change,
                record.outcome,
                after,
            )
            table.add_row(*(Text(_short(c, 40), end="") for c in cells))
        self.query_one("#history-title", Static).update(
            Text(f"Change history · {len(self.records)} changes", end="")
        )
        if not self.records:
            self.query_one("#history-undo", Static).update("No change made with kubeknobs yet.")
        table.focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.records):
            record = self.records[event.cursor_row]
            self.query_one("#history-undo", Static).update(Text("Undo: " + clean(record.undo), end=""))
