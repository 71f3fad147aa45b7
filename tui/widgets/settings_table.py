"""Every setting of one controller: flags, env, files and file keys, with their layer."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from tui.widgets.safe_text import clean
from tui.widgets.theme_styles import layer_badge, style

COLUMNS = ("SETTING", "LAYER", "SOURCE", "VALUE", "WHERE", "LINKS")


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


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class SettingsTable(DataTable):
    """One row per Setting; moving the cursor announces the focused setting."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="settings.down"),
        Binding("k", "cursor_up", "Up", show=False, id="settings.up"),
    ]

    class Focused(Message):
        def __init__(self, setting) -> None:
            super().__init__()
            self.setting = setting

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self._settings: dict[str, object] = {}
        self.containers: list[str] = []

    def _columns(self, with_container: bool) -> None:
        self.clear(columns=True)
        for label in (("CONTAINER",) if with_container else ()) + COLUMNS:
            self.add_column(label, key=label.lower())

    @property
    def settings(self) -> list:
        return list(self._settings.values())

    @property
    def focused_setting(self):
        if not self._settings or self.cursor_row < 0:
            return None
        try:
            key = self.coordinate_to_cell_key((self.cursor_row, 0)).row_key.value
        except Exception:
            return None
        return self._settings.get(key)

    def show(self, settings: list) -> None:
        """Replace the rows, keeping the cursor on the same setting when it still exists."""
        current = self.focused_setting
        current_id = setting_id(current) if current is not None else None
        containers = {s.container for s in settings}
        self.containers = sorted(containers)
        self._columns(len(containers) > 1)
        self._settings = {}
        app = self.app
        previous_container = None
        for setting in settings:
            sid = setting_id(setting)
            if sid in self._settings:
                continue
            self._settings[sid] = setting
            name = Text(clean(short_name(setting)), style=style(app, "foreground", bold=True), end="")
            if setting.init:
                name.append(" (init)", style(app, "foreground-muted"))
            links = clean(setting.linked_file) if setting.linked_file else ""
            cells = [
                name,
                layer_badge(app, setting.layer),
                Text(str(setting.source), style=style(app, "foreground-muted"), end=""),
                Text(_shorten(value_text(setting), 26), end=""),
                Text(_shorten(clean(where(setting)), 70), style=style(app, "foreground-muted"), end=""),
                Text(links, style=style(app, "accent"), end=""),
            ]
            if len(containers) > 1:
                container = "" if setting.container == previous_container else clean(setting.container)
                cells.insert(0, Text(container, style=style(app, "secondary"), end=""))
            previous_container = setting.container
            self.add_row(*cells, key=sid)
        if current_id in self._settings:
            self.move_cursor(row=self.get_row_index(current_id))
        self.post_message(self.Focused(self.focused_setting))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.post_message(self.Focused(self._settings.get(event.row_key.value)))
