"""A capped, growing list of lines drawn with the line API: events and logs.

A burst of lines is appended in one call and repainted once; old lines fall off the top.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from rich.segment import Segment
from rich.text import Text
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

DEFAULT_CAP = 10_000


class StreamView(ScrollView, can_focus=True):
    """Items drawn one line each by `format_item`, newest at the bottom."""

    BINDINGS = [
        Binding("j,down", "scroll_down", "Down", show=False, id="stream.down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="stream.up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="stream.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="stream.bottom"),
        Binding("f", "toggle_follow", "Follow", id="stream.follow", tooltip="Keep the newest line in view"),
    ]

    follow: reactive[bool] = reactive(True)

    def __init__(self, *, cap: int = DEFAULT_CAP, placeholder: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self._items: deque = deque(maxlen=cap)
        self._lines: deque[Text] = deque(maxlen=cap)
        self._dropped = 0
        self._width = 0
        self._cache: LRUCache[tuple[int, int], Strip] = LRUCache(512)
        self.placeholder = placeholder
        self.repaints = 0

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def lines(self) -> list[str]:
        return [line.plain for line in self._lines]

    def format_item(self, item) -> Text:
        """The line for `item`; cluster text in it must already be made safe."""
        return item if isinstance(item, Text) else Text(str(item), no_wrap=True, end="")

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.restyle())

    def restyle(self) -> None:
        """Re-format every line, so that a theme change recolours what is already shown."""
        self._lines = deque((self.format_item(i) for i in self._items), maxlen=self._items.maxlen)
        self._cache.clear()
        self.refresh()

    def write_items(self, items: Iterable) -> None:
        added = 0
        for item in items:
            if len(self._lines) == self._lines.maxlen:
                self._dropped += 1
            line = self.format_item(item)
            self._items.append(item)
            self._lines.append(line)
            self._width = max(self._width, line.cell_len)
            added += 1
        if not added:
            return
        self._cache.clear()
        self.virtual_size = Size(self._width, len(self._lines))
        self.repaints += 1
        if self.follow:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        self.refresh()

    def clear(self) -> None:
        self._items.clear()
        self._lines.clear()
        self._cache.clear()
        self._width = 0
        self.virtual_size = Size(0, 0)
        self.refresh()

    def action_toggle_follow(self) -> None:
        self.follow = not self.follow
        if self.follow:
            self.scroll_end(animate=False)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        base = self.rich_style
        if not self._lines:
            if y == 0 and self.placeholder:
                return Strip([Segment(self.placeholder, base)]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        if index >= len(self._lines):
            return Strip.blank(width, base)
        key = (index, self._dropped)
        strip = self._cache.get(key)
        if strip is None:
            text = self._lines[index]
            segments = [Segment(s.text, base + s.style if s.style else base)
                        for s in text.render(self.app.console) if s.text != "\n"]
            strip = Strip(segments)
            self._cache[key] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, base)
