"""The live event stream, for one controller or for all, with pause and resume."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from textual.binding import Binding
from textual.reactive import reactive

from tui.widgets.event_lines import event_lines
from tui.widgets.stream_view import DEFAULT_CAP, StreamView


class EventLog(StreamView):
    """Typed events as lines; while paused, new events wait and are counted in the title."""

    BINDINGS = [
        Binding("p", "toggle_pause", "Pause", id="events.pause", tooltip="Pause or resume the event stream"),
    ]

    paused: reactive[bool] = reactive(False)

    def __init__(self, *, workload: tuple | None = None, **kwargs) -> None:
        kwargs.setdefault("placeholder", "Waiting for events…")
        super().__init__(**kwargs)
        self.workload = tuple(workload) if workload else None
        self._held: deque = deque(maxlen=DEFAULT_CAP)
        self._subtitle = ""

    def on_mount(self) -> None:
        super().on_mount()
        events = getattr(self.app, "events_signal", None)  # the dashboard's; a bare App has none
        if events is not None:
            events.subscribe(self, self.add_events, immediate=True)

    def wants(self, event) -> bool:
        if self.workload is None:
            return True
        workload = getattr(event, "workload", None)
        return workload is not None and tuple(workload) == self.workload

    def add_events(self, events: Iterable) -> None:
        """Append a batch of events in one repaint (or hold them while paused)."""
        chosen = [e for e in events if self.wants(e)]
        if not chosen:
            return
        # A batch (the first list of Kubernetes Events above all) arrives in store order, not time order.
        chosen.sort(key=_when)
        if self.paused:
            self._held.extend(chosen)
            self._update_title()
            return
        # one that happened before the newest shown (a watch delivers late) goes in its place, not at the end
        chosen = sorted(self.take_after(_when(chosen[0]), _when) + chosen, key=_when)
        last = self._items[-1] if self._items else None
        while chosen and repeats(last, chosen[0]):
            last = chosen.pop(0)
            self.replace_last(last)
        fresh: list = []
        for event in chosen:
            if fresh and repeats(fresh[-1], event):
                fresh[-1] = event
            else:
                fresh.append(event)
        self.write_items(fresh)

    def item_lines(self, item, width: int):
        return event_lines(self.app, item, width, with_workload=self.workload is None)

    def action_toggle_pause(self) -> None:
        self.paused = not self.paused

    def watch_paused(self, paused: bool) -> None:
        if not paused and self._held:
            held = list(self._held)
            self._held.clear()
            self.add_events(held)
        self._update_title()

    def _update_title(self) -> None:
        subtitle = f"paused · {len(self._held)} waiting · p resumes" if self.paused else "live"
        if subtitle != self._subtitle:  # setting it repaints the whole pane
            self._subtitle = subtitle
            self.border_subtitle = subtitle


def repeats(earlier, later) -> bool:
    """A Kubernetes Event seen again (its count went up): one line that counts, not one per repeat."""
    kinds = {type(earlier).__name__, type(later).__name__}
    if kinds != {"KubeEvent"}:
        return False
    same = ("workload", "involved", "reason", "message", "type")
    return all(getattr(earlier, a, None) == getattr(later, a, None) for a in same)


def _when(event) -> float:
    time = getattr(event, "time", None)
    return time.timestamp() if time is not None else 0.0
