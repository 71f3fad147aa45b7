"""The controllers table: a line-API view over thousands of workload rows.

Only the visible lines are rendered; a batch of changes re-sorts once and repaints once,
and moving the cursor repaints two lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
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
from tui.widgets.safe_text import clean


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int
    flex: bool = False
    right: bool = False


COLUMNS = (
    Column("namespace", "NAMESPACE", 18),
    Column("kind", "KIND", 11),
    Column("name", "NAME", 22, flex=True),
    Column("ready", "READY", 7, right=True),
    Column("age", "AGE", 6, right=True),
    Column("configmaps", "CONFIGMAPS", 26, flex=True),
    Column("summary", "LAYERS", 24),
)
SORTS = ("namespace", "kind", "name", "ready", "age")


def _sort_key(column: str) -> Callable:
    if column == "ready":
        return lambda r: (r.ready - r.desired, r.namespace, r.name)
    if column == "age":
        return lambda r: ((r.created or ""), r.namespace, r.name)
    if column == "kind":
        return lambda r: (r.kind, r.namespace, r.name)
    if column == "name":
        return lambda r: (r.name, r.namespace, r.kind)
    return lambda r: (r.namespace, r.kind, r.name)


def _search_text(row) -> str:
    return " ".join([row.namespace, row.kind, row.name, *row.configmaps, row.summary or ""]).lower()


class WorkloadTable(ScrollView, can_focus=True):
    """Deployments, StatefulSets and DaemonSets, one line each."""

    COMPONENT_CLASSES = {
        "workload-table--header",
        "workload-table--cursor",
        "workload-table--muted",
        "workload-table--warning",
        "workload-table--hot",
        "workload-table--restart",
    }
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
        by = _sort_key(self.sort_column)
        reorder = False
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
            self._rows[key] = row
            self._search[key] = search
            changed.append(key)
        if reorder:
            self._rebuild()
            return
        top, height = int(self.scroll_y), self.size.height
        for key in changed:
            index = self._index.get(key)
            if index is not None and top <= index < top + height:
                self._refresh_row(index)

    def replace(self, rows: Iterable) -> None:
        self._rows = {row.key: row for row in rows}
        self._search = {key: _search_text(row) for key, row in self._rows.items()}
        self._rebuild()

    def set_filter(self, text: str) -> None:
        self._filter = text.strip().lower()
        self._rebuild()

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
        by = _sort_key(self.sort_column)
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
    def _widths(self, total: int) -> list[int]:
        fixed = sum(c.width + 1 for c in COLUMNS if not c.flex)
        flex = [c for c in COLUMNS if c.flex]
        spare = max(0, total - fixed - sum(c.width + 1 for c in flex))
        widths = []
        for column in COLUMNS:
            widths.append(column.width + (spare // len(flex) if column.flex else 0))
        return widths

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y == 0:
            return self._render_header(width, base)
        index = int(self.scroll_y) + y - 1
        if index >= len(self._order):
            return Strip.blank(width, base)
        row = self._rows[self._order[index]]
        line_style = base
        if index == self.cursor:
            line_style = base + self.get_component_rich_style("workload-table--cursor")
        return self._render_row(row, width, line_style, index == self.cursor)

    def _render_header(self, width: int, base: Style) -> Strip:
        style = base + self.get_component_rich_style("workload-table--header")
        text = Text(no_wrap=True, end="")
        for column, cell in zip(COLUMNS, self._widths(width), strict=True):
            label = column.label
            if column.key == self.sort_column:
                label += "↓" if self.sort_reverse else "↑"
            text.append(self._fit(label, cell, column.right) + " ")
        return self._strip(text, width, style)

    def _render_row(self, row, width: int, style: Style, is_cursor: bool) -> Strip:
        now = self._clock()
        values = {
            "namespace": clean(row.namespace),
            "kind": clean(row.kind),
            "name": clean(row.name),
            "ready": f"{row.ready}/{row.desired}",
            "age": age(row.created, now),
            "configmaps": clean(",".join(row.configmaps)) or "-",
            "summary": clean(row.summary) or "-",
        }
        text = Text(no_wrap=True, end="")
        for column, cell in zip(COLUMNS, self._widths(width), strict=True):
            cell_style = ""
            if not is_cursor:
                if column.key == "ready" and row.ready < row.desired:
                    cell_style = self.get_component_rich_style("workload-table--warning")
                elif column.key in ("namespace", "age", "configmaps"):
                    cell_style = self.get_component_rich_style("workload-table--muted")
                elif column.key == "summary" and "hot" in values["summary"]:
                    cell_style = self.get_component_rich_style("workload-table--hot")
            text.append(self._fit(values[column.key], cell, column.right), cell_style)
            text.append(" ")
        return self._strip(text, width, style)

    @staticmethod
    def _fit(value: str, width: int, right: bool) -> str:
        if len(value) > width:
            value = value[: max(0, width - 1)] + "…"
        return value.rjust(width) if right else value.ljust(width)

    def _strip(self, text: Text, width: int, style: Style) -> Strip:
        segments = [
            Segment(s.text, style + s.style if s.style else style) for s in text.render(self.app.console)
        ]
        return Strip(segments).crop_extend(0, width, style)
