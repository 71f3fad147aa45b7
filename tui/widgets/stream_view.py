"""A capped, growing list of items drawn with the line API: events and logs.

A burst of items is appended in one call and repainted once; old items fall off the top.
An item may take several lines (wrapped events); only visible lines are turned into strips.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from rich.segment import Segment
from rich.text import Text
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

DEFAULT_CAP = 10_000
T = TypeVar("T")


class StreamView(ScrollView, can_focus=True):
    """Items drawn by `item_lines`, newest at the bottom."""

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
        self._cap = cap
        self._items: deque = deque(maxlen=cap)
        self._counts: deque[int] = deque(maxlen=cap)  # display lines per item
        self._lines: deque[Text] = deque()
        self._width = 0
        self._laid_out_for = 0
        self._cache: LRUCache[int, Strip] = LRUCache(512)
        self.placeholder = placeholder
        self.repaints = 0

    # -- what subclasses draw ------------------------------------------------------------------
    def format_item(self, item) -> Text:
        """The line for `item`; cluster text in it must already be made safe."""
        return item if isinstance(item, Text) else Text(str(item), no_wrap=True, end="")

    def item_lines(self, item, width: int) -> list[Text]:
        """The display lines of `item` at `width` columns; one unwrapped line unless overridden."""
        return [self.format_item(item)]

    # -- data ----------------------------------------------------------------------------------
    @property
    def line_count(self) -> int:
        return len(self._lines)

    @property
    def item_count(self) -> int:
        return len(self._items)

    @property
    def items(self) -> list:
        return list(self._items)

    def lines(self) -> list[str]:
        """One string per item (wrapped lines joined), for tests and copying."""
        out, position = [], 0
        lines = list(self._lines)
        for count in self._counts:
            out.append(" ".join(line.plain.strip() for line in lines[position : position + count]))
            position += count
        return out

    def _layout_width(self) -> int:
        # Leaves room for the scrollbar whether or not it shows, so its arrival does not re-wrap everything.
        return max(20, self.region.width - self.styles.gutter.width - 1)

    def write_items(self, items: Iterable) -> None:
        width = self._layout_width()
        added = 0
        items = list(items)[-self._cap :]  # what would fall off at once is never drawn
        for item in items:
            if len(self._items) == self._cap:
                for _ in range(self._counts[0]):
                    self._lines.popleft()
            block = self.item_lines(item, width)
            self._items.append(item)
            self._counts.append(len(block))
            self._lines.extend(block)
            for line in block:
                self._width = max(self._width, line.cell_len)
            added += 1
        if not added:
            return
        self._laid_out_for = width
        self._settle()

    def replace_last(self, item) -> None:
        """Draw `item` in place of the newest one (a repeat that only counts up)."""
        if not self._items:
            self.write_items([item])
            return
        for _ in range(self._counts.pop()):
            self._lines.pop()
        self._items.pop()
        block = self.item_lines(item, self._layout_width())
        self._items.append(item)
        self._counts.append(len(block))
        self._lines.extend(block)
        self._settle()

    def write_in_order(self, items: Iterable[T], key: Callable[[T], Any]) -> None:
        """Append `items` keeping the view ordered by `key`: one older than the newest shown goes in its place."""
        fresh = sorted(items, key=key)
        if fresh:
            self.write_items(sorted(self.take_after(key(fresh[0]), key) + fresh, key=key))

    def take_after(self, bound: Any, key: Callable[[T], Any]) -> list[T]:
        """Remove and return the newest items whose `key` is past `bound`, to be written again in order."""
        count = 0
        for item in reversed(self._items):
            if key(item) <= bound:
                break
            count += 1
        taken = []
        for _ in range(count):
            for _ in range(self._counts.pop()):
                self._lines.pop()
            taken.append(self._items.pop())
        taken.reverse()
        return taken

    def _settle(self) -> None:
        self._cache.clear()
        self.virtual_size = Size(self._width, len(self._lines))
        self.repaints += 1
        if self.follow:
            # forced: until the next layout the scrollbar (and so the scroll) is not yet allowed; and
            # again after it, when a horizontal scrollbar may have taken a line
            self._to_end()
            self.call_after_refresh(self._to_end)
        self.refresh()

    def _to_end(self) -> None:
        if self.follow:
            self.scroll_end(animate=False, immediate=True, x_axis=False, force=True)
            if self.show_vertical_scrollbar:  # shown since the first scroll: its thumb moves to the end too
                self.vertical_scrollbar.position = self.scroll_y

    def relayout(self) -> None:
        """Draw every item again: after a theme change or a new width."""
        if not self._items:
            return
        width = self._layout_width()
        self._lines.clear()
        self._counts.clear()
        self._width = 0
        for item in self._items:
            block = self.item_lines(item, width)
            self._counts.append(len(block))
            self._lines.extend(block)
            for line in block:
                self._width = max(self._width, line.cell_len)
        self._laid_out_for = width
        self._settle()

    def clear(self) -> None:
        self._items.clear()
        self._counts.clear()
        self._lines.clear()
        self._cache.clear()
        self._width = 0
        self.virtual_size = Size(0, 0)
        self.refresh()

    # -- events --------------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.relayout())

    def on_resize(self) -> None:
        if self._items and self._layout_width() != self._laid_out_for:
            self.relayout()

    def action_toggle_follow(self) -> None:
        self.follow = not self.follow
        if self.follow:
            self.scroll_end(animate=False)

    # -- rendering -----------------------------------------------------------------------------
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
        strip = self._cache.get(index)
        if strip is None:
            text = self._lines[index]
            segments = [
                Segment(s.text, base + s.style if s.style else base)
                for s in text.render(self.app.console)
                if s.text != "\n"
            ]
            strip = Strip(segments)
            self._cache[index] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, base)
