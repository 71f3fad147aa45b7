"""The change history: every change made with the wizard on this cluster, newest first; `u` reverts one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from tui.change.record import ChangeRecord, reverted_record
from tui.history import ChangeHistory
from tui.screens.wizard.confirm import ConfirmRestart
from tui.widgets.safe_text import clean

if TYPE_CHECKING:
    from tui.app import KubeknobsApp
    from tui.cluster.port import ClusterPort

COLUMNS = ("WHEN", "BY", "WORKLOAD", "SETTING", "CHANGE", "OUTCOME", "IN FORCE AFTER")
SUCCEEDED = ("in-force", "applied")  # outcomes whose ConfigMap value is still the one the change wrote


def session_history(session: ClusterPort | None) -> ChangeHistory:
    """The history of the cluster the session talks to; unconnected, every change made from here."""
    if session is None:
        return ChangeHistory()
    try:
        cluster = session.cluster_identity()
    except Exception:  # noqa: BLE001 - an unreachable cluster: its address still tells clusters apart
        cluster = session.connection.server
    return ChangeHistory(cluster=cluster)


def undo_refused(record: ChangeRecord, records: list[ChangeRecord]) -> str | None:
    """Why this change cannot be reverted from its backup, or None when it can."""
    if not (record.configmap and record.key):
        return f"Only a ConfigMap edit is reverted here; to undo this one: {record.undo or 'change it back'}"
    if record.outcome not in SUCCEEDED:
        return f"This change ended {record.outcome}: there is no value of it to revert"
    if not record.backup:
        return "No backup was saved before this change"
    for newer in records[: records.index(record)]:
        if (newer.namespace, newer.configmap, newer.key) == (record.namespace, record.configmap, record.key):
            return f"A later change of {record.configmap}/{record.key} is listed above: revert that one first"
    return None


def _short(value: str | None, width: int = 24) -> str:
    text = clean(value if value is not None else "-")
    return text if len(text) <= width else text[: width - 1] + "…"


class ChangeHistoryScreen(Screen):
    if TYPE_CHECKING:
        app = getters.app(KubeknobsApp)

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="history.back", tooltip="Back"),
        Binding(
            "u", "undo", "Revert", id="history.undo", tooltip="Revert this ConfigMap change from its backup"
        ),
    ]
    DEFAULT_CSS = """
    ChangeHistoryScreen #history-title { height: 1; padding: 0 1; background: $surface; }
    ChangeHistoryScreen #history { height: 1fr; }
    ChangeHistoryScreen #history-undo { height: auto; padding: 0 1; color: $foreground-muted; }
    """

    def __init__(self, history: ChangeHistory | None = None) -> None:
        super().__init__()
        self.history = history
        self.records: list[ChangeRecord] = []
        self._result: str | None = None  # the outcome of the last revert, shown over the row's undo line

    def compose(self) -> ComposeResult:
        yield Static("", id="history-title", markup=False)
        yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
        yield Static("", id="history-undo", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        if self.history is None:
            self.history = session_history(self.app.session)
        self.query_one(DataTable).add_columns(*COLUMNS)
        self._fill()
        self.query_one(DataTable).focus()

    def _fill(self) -> None:
        assert self.history is not None
        self.records = self.history.records()
        table = self.query_one(DataTable)
        table.clear()
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
            self._say("No change made with kubeknobs yet.")

    def _say(self, text: str) -> None:
        self.query_one("#history-undo", Static).update(Text(clean(text), end=""))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self._result is not None:  # the table refilled after a revert: its result stays in view
            self._say(self._result)
            self._result = None
        elif 0 <= event.cursor_row < len(self.records):
            self._say("Undo: " + self.records[event.cursor_row].undo)

    def action_undo(self) -> None:
        row = self.query_one(DataTable).cursor_row
        if not 0 <= row < len(self.records):
            return
        record = self.records[row]
        session = self.app.session
        refused = undo_refused(record, self.records)
        if refused is None and session is None:
            refused = "Not connected to a cluster"
        elif refused is None and session is not None:
            if session.readonly:
                refused = "This session is read-only (--readonly): nothing is changed"
            elif not session.can("update", "configmaps", record.namespace):
                refused = (
                    f"The context is read-only here: you may not update configmaps in {record.namespace}"
                )
        if refused:
            self._say(f"Refused: {refused}.")
            return
        question = (
            f"Put back the value of ConfigMap {record.configmap} key {record.key} saved before the change of "
            f"{record.setting} at {record.started} ({_short(record.new_value)} → {_short(record.old_value)})?"
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._say(f"Reverting {record.configmap}/{record.key}…")
                self._revert(record)

        self.app.push_screen(ConfirmRestart("Revert this change?", clean(question)), answered)

    @work(thread=True, exclusive=True, group="history-undo")
    def _revert(self, record: ChangeRecord) -> None:
        session = self.app.session
        assert session is not None and record.configmap and record.key
        result = session.actions.revert(
            record.namespace, record.configmap, record.key, backup_path=record.backup
        )
        if result.ok and self.history is not None:
            self.history.append(reverted_record(record, result.message))
        self.app.call_from_thread(self._reverted, result.ok, result.message)

    def _reverted(self, ok: bool, message: str) -> None:
        shown = message if ok else f"Refused: {message}"
        if ok:
            self._result = shown
            self._fill()
        self._say(shown)
        self.notify(message, severity="information" if ok else "error", markup=False)
