"""Namespace and context pickers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.widgets.safe_text import cluster_text

ALL = "\x00all"
PICKER_KEYS: list[BindingType] = [
    Binding("escape", "cancel", "Cancel", id="picker.cancel"),
    Binding("j", "move(1)", "Down", show=False, id="picker.down"),  # as in every list of the app
    Binding("k", "move(-1)", "Up", show=False, id="picker.up"),
    Binding("g", "edge(0)", "First", show=False, id="picker.first"),
    Binding("G", "edge(1)", "Last", show=False, id="picker.last"),
]


# For the type checker the mixin is a modal screen; at run time the picker supplies it.
if TYPE_CHECKING:
    _Screen = ModalScreen
else:
    _Screen = object


class PickerKeys(_Screen):
    """j, k, g and G move through the choices, as they do in the tables."""

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        options.action_cursor_down() if step > 0 else options.action_cursor_up()

    def action_edge(self, last: int) -> None:
        options = self.query_one(OptionList)
        options.action_last() if last else options.action_first()


class NamespacePicker(PickerKeys, ModalScreen[list[str] | None]):
    """Dismisses with [namespace], [] for all namespaces, or None when cancelled."""

    BINDINGS = PICKER_KEYS

    def __init__(self, namespaces: list[str], current: list[str] | None) -> None:
        super().__init__()
        self.namespaces, self.current = sorted(namespaces), current or []

    def compose(self) -> ComposeResult:
        options = [Option("all namespaces", id=ALL)]
        options += [Option(cluster_text(ns), id=ns) for ns in self.namespaces]
        with Vertical(classes="dialog", id="namespace-picker"):
            yield Static("Namespace", classes="title")
            yield OptionList(*options)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if len(self.current) == 1 and self.current[0] in self.namespaces:
            options.highlighted = self.namespaces.index(self.current[0]) + 1
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        # the first option is every namespace, then one per namespace in their order
        self.dismiss([] if event.option.id == ALL else [self.namespaces[event.option_index - 1]])

    def action_cancel(self) -> None:
        self.dismiss(None)


class ContextPicker(PickerKeys, ModalScreen[str | None]):
    BINDINGS = PICKER_KEYS

    def __init__(self, contexts: list[str], current: str | None) -> None:
        super().__init__()
        self.contexts, self.current = list(contexts), current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="context-picker"):
            yield Static("Context", classes="title")
            yield OptionList(*[Option(cluster_text(c), id=c) for c in self.contexts])

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.current in self.contexts:
            options.highlighted = self.contexts.index(self.current)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
