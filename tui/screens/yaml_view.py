"""The YAML of a controller, highlighted, read-only; Secret data never leaves the session redacted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import getters, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, TextArea

from tui.cluster.port import WorkloadKey
from tui.widgets.safe_text import clean, cluster_text
from tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from tui.app import KubeknobsApp


class YamlScreen(Screen):
    if TYPE_CHECKING:
        app = getters.app(KubeknobsApp)

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="yaml.back", tooltip="Back"),
        Binding("l", "app.logs", "Logs", id="yaml.logs", tooltip="Follow the logs of this controller's pods"),
    ]

    def __init__(self, workload_key: tuple) -> None:
        super().__init__()
        self.workload_key = WorkloadKey(*workload_key)

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        area = TextArea(
            "", id="yaml", read_only=True, show_line_numbers=True, language=_yaml_language(), soft_wrap=False
        )
        area.cursor_blink = False
        kind, namespace, name = self.workload_key
        area.border_title = cluster_text(f"YAML · {kind} {namespace}/{name}")
        yield area
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        kind, namespace, name = self.workload_key
        session = self.app.session
        try:
            if session is None:
                raise RuntimeError("not connected to a cluster")
            text = session.object_yaml(kind, namespace, name)
        except Exception as exc:  # gone, forbidden or unreachable: the message says which
            self.app.call_from_thread(
                self.app.notify, f"Cannot read the YAML: {exc}", severity="error", markup=False
            )
            return
        self.app.call_from_thread(self._show, clean(text, keep_newlines=True))

    def _show(self, text: str) -> None:
        self.query_one(TextArea).load_text(text)


def _yaml_language() -> str | None:
    try:
        import tree_sitter_yaml  # noqa: F401
    except ImportError:
        return None
    return "yaml"
