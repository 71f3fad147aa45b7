"""Logs of a controller's pods, followed live."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer

from tui.cluster.port import FollowHandle, LogLine, WorkloadKey
from tui.widgets.log_view import LogView
from tui.widgets.safe_text import cluster_text
from tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from tui.app import KubeknobsApp


class LogLines(Message):
    def __init__(self, lines: list) -> None:
        super().__init__()
        self.lines = lines


class LogsScreen(Screen):
    if TYPE_CHECKING:
        app = getters.app(KubeknobsApp)

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="logs.back", tooltip="Back"),
        Binding("y", "app.yaml", "YAML", id="logs.yaml", tooltip="Show this controller's YAML"),
    ]

    def __init__(self, workload_key: tuple, *, tail: int = 100) -> None:
        super().__init__()
        self.workload_key = WorkloadKey(*workload_key)
        self.tail = tail
        self._handle: FollowHandle | None = None

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        view = LogView(id="logs")
        kind, namespace, name = self.workload_key
        view.border_title = cluster_text(f"Logs · {kind} {namespace}/{name}")
        yield view
        yield Footer()

    def on_mount(self) -> None:
        view = self.query_one(LogView)
        view.focus()
        self.watch(view, "follow", self._show_follow)  # `f` on the view toggles it
        session = self.app.session
        if session is None:
            return
        post = self.post_message

        def deliver(lines: list[LogLine]) -> None:  # from the follow's thread
            post(LogLines(list(lines)))

        try:
            self._handle = session.follow_logs(self.workload_key, deliver, tail=self.tail)
        except Exception as exc:  # e.g. no pods yet or no permission: say it, keep the screen
            self.app.notify(f"Cannot follow the logs: {exc}", severity="error", markup=False)

    def on_log_lines(self, message: LogLines) -> None:
        view = self.query_one(LogView)
        view.multi_container = view.multi_container or len({line.container for line in message.lines}) > 1
        # pods' backlogs and bursts arrive pod by pod: the view keeps them in time order
        view.write_in_order(message.lines, when)

    def _show_follow(self, following: bool) -> None:
        view = self.query_one(LogView)
        view.border_subtitle = "following · f toggles" if following else "not following · f toggles"

    def on_unmount(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            handle.stop()


def when(line: LogLine) -> str:
    """A line's time as a key that sorts: RFC 3339 fractions padded (a kubelet drops trailing zeros).
    A line with no time, from a crashed run, sorts before every live line."""
    if not line.time:
        return ""
    seconds, _, fraction = line.time.rstrip("Z").partition(".")
    return f"{seconds}.{fraction.ljust(9, '0')}"
