"""The controllers table: a line-API view over thousands of workload rows.

Only the visible lines are rendered; a batch of changes re-sorts once and repaints once,
and moving the cursor repaints two lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.widgets.age import age
from tui.widgets.columns import cut_end, cut_middle
from tui.widgets.safe_text import clean
from tui.widgets.workload_columns import (
    COLUMNS,
    SHORT_KINDS,
    SORTS,
    column_widths,
    natural_widths,
    ready_text,
    sort_key,
)


def _search_text(row) -> str:
    return " ".join([row.namespace, row.kind, row.name, *row.configmaps, row.summary or ""]).lower()


class WorkloadTable(ScrollView, can_focus=True):
    """Deployments, StatefulSets and DaemonSets, one line each."""

    COMPONENT_CLASSES = {
        "workload-table--header",
        "workload-table--cursor",
        "workload-table--muted",
        "workload-table--warning",
        "workload-table--error",
        "workload-table--hot",
        "workload-table--restart",
    }
    DEFAULT_CSS = """
    WorkloadTable > .workload-table--error {
        color: $error;
        text-style: bold;
    }
    """
    BINDINGS = [
        Binding("j,down", "cursor(1)", "Down", show=False, id="table.down"),
        Binding("k,up", "cursor(-1)", "Up", show=False, id="table.up"),
        Binding("pagedown,ctrl+f", "page(1)", "Page down", show=False, id="table.page_down"),
        Binding("pageup,ctrl+b", "page(-1)", "Page up", show=False, id="table.page_up"),
        Binding("g,home", "edge(0)", "Top", show=False, id="table.top"),
        Binding("G,end", "edge(1)", "Bottom", show=False, id="table.bottom"),
        Binding(
            "enter", "select", "Detail", id="table.select", tooltip="Show the settings of this controller"
        ),
        Binding("s", "sort", "Sort", id="table.sort", tooltip="Cycle the sort column"),
        Binding("S", "reverse", "Reverse", show=False, id="table.reverse", tooltip="Reverse the sort order"),
    ]

    class Highlighted(Message):
        def __init__(self, key: tuple | None) -> None:
            super().__init__()
            self.key = key

    class Selected(Message):
        def __init__(self, key: tuple) -> None:
            super().__init__()
            self.key = key

    cursor: reactive[int] = reactive(0, repaint=False)

    def __init__(self, *, clock: Callable[[], datetime] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._clock = clock or (lambda: datetime.now(UTC))
        self._rows: dict[tuple, object] = {}
        self._search: dict[tuple, str] = {}
        self._order: list[tuple] = []
        self._index: dict[tuple, int] = {}  # position of each shown key in _order
        self._filter = ""
        self._natural: dict[str, int] = {}  # the widest value of each column over every row
        self.sort_column = "namespace"
        self.sort_reverse = False
        self._at_top = True  # until the operator moves, the cursor stays on the first row as rows arrive

    # -- data ------------------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self._order)

    @property
    def total_count(self) -> int:
        return len(self._rows)

    @property
    def cursor_key(self) -> tuple | None:
        return self._order[self.cursor] if 0 <= self.cursor < len(self._order) else None

    def row(self, key: tuple):
        return self._rows.get(key)

    def visible_keys(self) -> list[tuple]:
        return list(self._order)

    def apply(self, upserts: Iterable, deletes: Iterable[tuple] = ()) -> None:
        """Apply one batch of changes: one re-sort, one repaint.

        A batch that only updates shown rows in place (status, layers: no sort key, no filter match
        changed) keeps the order and repaints just those of its rows that are on screen.
        """
        by = sort_key(self.sort_column)
        reorder = remeasure = False
        changed: list[tuple] = []
        for key in deletes:
            key = tuple(key)
            if self._rows.pop(key, None) is not None:
                reorder = True
            self._search.pop(key, None)
        for row in upserts:
            key = row.key
            old = self._rows.get(key)
            search = _search_text(row)
            if old is None or by(old) != by(row) or (self._filter and search != self._search.get(key)):
                reorder = True
            elif not remeasure:
                remeasure = self._narrowed_widest(old, row)
            self._rows[key] = row
            self._search[key] = search
            changed.append(key)
        if reorder:
            self._measure()
            self._rebuild()
            return
        if remeasure:
            self._measure()  # the widest value of a column got narrower (a crash mark cleared)
            self.refresh()
            return
        if self._measure(self._rows[key] for key in changed):
            self.refresh()  # a column grew: every line is laid out again
            return
        top, height = int(self.scroll_y), self.size.height
        for key in changed:
            index = self._index.get(key)
            if index is not None and top <= index < top + height:
                self._refresh_row(index)

    def replace(self, rows: Iterable) -> None:
        self._rows = {row.key: row for row in rows}
        self._search = {key: _search_text(row) for key, row in self._rows.items()}
        self._measure()
        self._rebuild()

    def set_filter(self, text: str) -> None:
        """Show the rows that match; the cursor stays on its row if it still matches, else on the first."""
        self._filter = text.strip().lower()
        current = self.cursor_key
        self._rebuild()
        if current is not None and current not in self._index and self._order and self.cursor != 0:
            self.cursor = 0
            self.post_message(self.Highlighted(self.cursor_key))

    def _measure(self, rows: Iterable | None = None) -> bool:
        """Widen the columns to the widest values; without `rows`, measure every row afresh.

        True when a column grew.
        """
        if rows is None:
            self._natural = {}
            rows = self._rows.values()
        grew = False
        natural = self._natural
        for row in rows:
            for key, width in natural_widths(row).items():
                if width > natural.get(key, 0):
                    natural[key] = width
                    grew = True
        return grew

    def _narrowed_widest(self, old, new) -> bool:
        """True when `old` held the widest value of a column and `new` is narrower there."""
        now = natural_widths(new)
        return any(
            width == self._natural.get(key) and now.get(key, 0) < width
            for key, width in natural_widths(old).items()
        )

    def sort_by(self, column: str, reverse: bool = False) -> None:
        self.sort_column, self.sort_reverse = column, reverse
        self._rebuild()

    def _rebuild(self) -> None:
        current = self.cursor_key
        keys: Iterable[tuple] = self._rows
        if self._filter:
            words = self._filter.split()
            keys = [k for k in keys if all(w in self._search[k] for w in words)]
        rows = self._rows
        by = sort_key(self.sort_column)
        self._order = sorted(keys, key=lambda k: by(rows[k]), reverse=self.sort_reverse)
        self._index = {k: i for i, k in enumerate(self._order)}
        self.virtual_size = Size(0, len(self._order) + 1)
        if self._at_top:
            self.cursor = 0
        elif current is not None and current in rows:
            index = self._index.get(current)
            self.cursor = index if index is not None else min(self.cursor, max(0, len(self._order) - 1))
        else:
            self.cursor = min(self.cursor, max(0, len(self._order) - 1))
        self.refresh()
        self.post_message(self.Highlighted(self.cursor_key))

    # -- cursor -----------------------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        self._refresh_row(old)
        self._refresh_row(new)
        self._scroll_to_cursor()

    def _refresh_row(self, index: int) -> None:
        y = index - int(self.scroll_y) + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _scroll_to_cursor(self) -> None:
        rows_visible = max(1, self.size.height - 1)
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + rows_visible:
            self.scroll_to(y=self.cursor - rows_visible + 1, animate=False, immediate=True)

    def _move(self, index: int) -> None:
        if not self._order:
            return
        self._at_top = False
        index = max(0, min(len(self._order) - 1, index))
        if index != self.cursor:
            self.cursor = index
            self.post_message(self.Highlighted(self.cursor_key))

    def action_cursor(self, delta: int) -> None:
        self._move(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self._move(self.cursor + direction * max(1, self.size.height - 2))

    def action_edge(self, end: int) -> None:
        self._move(len(self._order) - 1 if end else 0)

    def action_select(self) -> None:
        if self.cursor_key is not None:
            self.post_message(self.Selected(self.cursor_key))

    def action_sort(self) -> None:
        following = (
            SORTS[(SORTS.index(self.sort_column) + 1) % len(SORTS)] if self.sort_column in SORTS else SORTS[0]
        )
        self.sort_by(following, self.sort_reverse)

    def action_reverse(self) -> None:
        self.sort_by(self.sort_column, not self.sort_reverse)

    def move_to(self, key: tuple) -> None:
        if key in self._rows and key in self._index:
            self._move(self._index[key])

    def on_click(self, event) -> None:
        y = event.y
        if y >= 1:
            index = int(self.scroll_y) + y - 1
            if index == self.cursor:
                self.action_select()
            else:
                self._move(index)

    def on_resize(self) -> None:
        self.virtual_size = Size(0, len(self._order) + 1)

    # -- rendering --------------------------------------------------------------------------
    def _widths(self, total: int) -> dict[str, int]:
        return column_widths(self._natural, total, self.sort_column)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y == 0:
            return self._render_header(width, base)
        index = int(self.scroll_y) + y - 1
        if index >= len(self._order):
            if index == 0 and self._filter and self._rows:
                return self._render_no_match(width, base)
            return Strip.blank(width, base)
        row = self._rows[self._order[index]]
        line_style = base
        if index == self.cursor:
            line_style = base + self.get_component_rich_style("workload-table--cursor")
        return self._render_row(row, width, line_style, index == self.cursor)

    def _render_no_match(self, width: int, base: Style) -> Strip:
        text = Text(clean(f"no controller matches '{self._filter}'"), no_wrap=True, end="")
        return self._strip(text, width, base + self.get_component_rich_style("workload-table--muted"))

    def _render_header(self, width: int, base: Style) -> Strip:
        style = base + self.get_component_rich_style("workload-table--header")
        text = Text(no_wrap=True, end="")
        widths = self._widths(width)
        for column in COLUMNS:
            cell = widths[column.key]
            if not cell:
                continue
            label = column.label
            if column.key == self.sort_column:
                label += "↓" if self.sort_reverse else "↑"
            text.append(self._fit(label, cell, column.right) + " ")
        return self._strip(text, width, style)

    def _render_row(self, row, width: int, style: Style, is_cursor: bool) -> Strip:
        widths = self._widths(width)
        kind = clean(row.kind)
        if len(kind) > widths["kind"]:
            kind = SHORT_KINDS.get(kind, kind)
        summary = clean(row.summary) or "-"
        values = {
            "namespace": cut_middle(clean(row.namespace), widths["namespace"]),
            "kind": kind,
            "name": cut_middle(clean(row.name), widths["name"]),
            "ready": ready_text(row),
            "age": age(row.created, self._clock()),
            "configmaps": cut_middle(clean(",".join(row.configmaps)) or "-", widths["configmaps"]),
            "summary": summary,
        }
        text = Text(no_wrap=True, end="")
        for column in COLUMNS:
            cell = widths[column.key]
            if not cell:
                continue
            cell_style: Style | str = ""
            if not is_cursor:
                if column.key == "ready" and row.crash:
                    cell_style = self.get_component_rich_style("workload-table--error")
                elif column.key == "ready" and row.ready < row.desired:
                    cell_style = self.get_component_rich_style("workload-table--warning")
                elif column.key in ("namespace", "age", "configmaps"):
                    cell_style = self.get_component_rich_style("workload-table--muted")
                elif column.key == "summary" and "hot" in summary:
                    cell_style = self.get_component_rich_style("workload-table--hot")
            text.append(self._fit(values[column.key], cell, column.right), cell_style)
            text.append(" ")
        return self._strip(text, width, style)

    @staticmethod
    def _fit(value: str, width: int, right: bool) -> str:
        value = cut_end(value, width)
        return value.rjust(width) if right else value.ljust(width)

    def _strip(self, text: Text, width: int, style: Style) -> Strip:
        segments = [
            Segment(s.text, style + s.style if s.style else style) for s in text.render(self.app.console)
        ]
        return Strip(segments).crop_extend(0, width, style)
