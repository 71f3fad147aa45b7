"""Every setting of one controller: flags, env, files and file keys, with their layer."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable

from tui.model.layers import Setting
from tui.widgets.columns import cut_end, cut_middle, shrink
from tui.widgets.safe_text import clean
from tui.widgets.theme_styles import layer_badge, style

COLUMNS = ("SETTING", "LAYER", "SOURCE", "VALUE", "WHERE", "LINKS")
# On a narrow screen columns give up width in this order, each down to the width named; LAYER never.
# VALUE, WHERE and LINKS give up width together, the widest first.
SHRINK = (
    (("where", "value", "links"), 24),
    ("container", 12),
    (("where", "value", "links"), 14),
    ("links", 0),  # the panel names the linked file
    ("setting", 24),
    ("where", 0),  # and where the value comes from
    ("setting", 18),
    ("source", 0),
    ("container", 0),
    ("value", 8),
    ("setting", 12),
)
CUT_IN_THE_MIDDLE = {"setting", "links", "container"}  # names; the others are cut at the end


def setting_id(setting) -> str:
    parts = (setting.container, str(setting.source), setting.name, setting.key or "", setting.key_path or "")
    return "\x1f".join(str(p) for p in parts)


def where(setting) -> str:
    """Where the value comes from: `cm/key → /mount (subPath x), consumed as volume`."""
    pieces = []
    if setting.configmap:
        kind = "secret" if setting.secret else "cm"
        pieces.append(f"{kind}/{setting.configmap}" + (f":{setting.key}" if setting.key else ""))
    if setting.key_path:
        pieces.append(f"[{setting.key_path}]")
    if setting.mount_path:
        pieces.append(f"→ {setting.mount_path}")
    if setting.sub_path:
        pieces.append(f"(subPath {setting.sub_path})")
    if setting.consumed:
        pieces.append(f"via {setting.consumed}")
    return " ".join(pieces) or "-"


def short_name(setting) -> str:
    """The name an operator looks for: the key path inside a file, the file's key, the flag or variable."""
    source = str(setting.source)
    if source == "file-key" and setting.key_path:
        return setting.key_path
    if source == "file" and setting.key:
        return setting.key
    return setting.name


def value_text(setting) -> str:
    if setting.secret:
        return "<secret>"
    if setting.value is None:
        return "-"
    if "\n" in setting.value.strip():
        return f"<{len(setting.value.strip().splitlines())} lines>"
    return clean(setting.value)


class SettingsTable(DataTable):
    """One row per Setting; moving the cursor announces the focused setting."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="settings.down"),
        Binding("k", "cursor_up", "Up", show=False, id="settings.up"),
    ]

    class Focused(Message):
        def __init__(self, setting: Setting | None) -> None:
            super().__init__()
            self.setting = setting

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self._settings: dict[str, Setting] = {}
        self.containers: list[str] = []
        self._laid_out_for: tuple[int, ...] = (0, 0)  # the size the cells were cut for
        self.natural_widths: dict[str, int] = {}  # each column's widest cell, uncut
        self.column_widths: dict[str, int] = {}  # the widths the cells were cut to; 0 left the column out

    def on_resize(self) -> None:
        if self._settings and tuple(self.size) != self._laid_out_for:
            self.show(self.settings)

    def _room(self, rows: int) -> int:
        """Cells for the columns: the width, less the scrollbar when the rows are more than the lines."""
        scrolls = rows > self.size.height - 1  # one line is the header
        return self.size.width - (self.styles.scrollbar_size_vertical if scrolls else 0)

    def _columns(self, keys: list[str]) -> None:
        self.clear(columns=True)
        for key in keys:
            self.add_column(key.upper(), key=key)

    @property
    def settings(self) -> list[Setting]:
        return list(self._settings.values())

    @property
    def focused_setting(self) -> Setting | None:
        if not self._settings or self.cursor_row < 0:
            return None
        try:
            key = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0)).row_key.value
        except Exception:
            return None
        return self._settings.get(key) if key is not None else None

    def show(self, settings: list[Setting]) -> None:
        """Replace the rows, keeping the cursor on the same setting when it still exists."""
        current = self.focused_setting
        current_id = setting_id(current) if current is not None else None
        containers = {s.container for s in settings}
        self.containers = sorted(containers)
        self._settings = {}
        for setting in settings:
            self._settings.setdefault(setting_id(setting), setting)
        with_container = len(containers) > 1
        rows = []
        previous_container = None
        for setting in self._settings.values():
            cells = {
                "setting": clean(short_name(setting)) + (" (init)" if setting.init else ""),
                "layer": layer_badge(self.app, setting.layer).plain,
                "source": str(setting.source),
                "value": value_text(setting),
                "where": clean(where(setting)),
                "links": clean(setting.linked_file) if setting.linked_file else "",
            }
            if with_container:
                same = setting.container == previous_container
                cells = {"container": "" if same else clean(setting.container), **cells}
            previous_container = setting.container
            rows.append(cells)
        widths = self._fit(rows, with_container)
        shown = [key for key, width in widths.items() if width]  # SETTING and LAYER always
        self._columns(shown)
        app = self.app
        for setting, cells in zip(self._settings.values(), rows, strict=True):
            cut = {
                key: (cut_middle if key in CUT_IN_THE_MIDDLE else cut_end)(text, widths[key])
                for key, text in cells.items()
            }
            line = {
                "container": Text(cut.get("container", ""), style=style(app, "secondary"), end=""),
                "setting": Text(cut["setting"], style=style(app, "foreground", bold=True), end=""),
                "layer": layer_badge(app, setting.layer),
                "source": Text(cut["source"], style=style(app, "foreground-muted"), end=""),
                "value": Text(cut["value"], end=""),
                "where": Text(cut["where"], style=style(app, "foreground-muted"), end=""),
                "links": Text(cut["links"], style=style(app, "accent"), end=""),
            }
            if setting.init and cut["setting"].endswith(" (init)"):
                line["setting"].stylize(style(app, "foreground-muted"), len(cut["setting"]) - len(" (init)"))
            self.add_row(*(line[key] for key in shown), key=setting_id(setting))
        if current_id in self._settings:
            self.move_cursor(row=self.get_row_index(current_id))
        self.post_message(self.Focused(self.focused_setting))

    def _fit(self, rows: list[dict[str, str]], with_container: bool) -> dict[str, int]:
        """Every column as wide as its widest cell; when that is too wide, narrowed in SHRINK's order.

        A width of 0 leaves the column out.
        """
        labels = (("CONTAINER",) if with_container else ()) + COLUMNS
        widths = {label.lower(): len(label) for label in labels}
        for cells in rows:
            for key, text in cells.items():
                widths[key] = max(widths[key], len(text))
        self.natural_widths = dict(widths)
        room = self._room(len(rows))
        self._laid_out_for = tuple(self.size)
        if room > 0:
            # each column has a cell's padding on both sides: count it as the gap between columns
            padding = 2 * self.cell_padding
            shrink(widths, room - padding, SHRINK, gap=padding)
        self.column_widths = widths
        return widths

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        key = event.row_key.value
        self.post_message(self.Focused(self._settings.get(key) if key is not None else None))
