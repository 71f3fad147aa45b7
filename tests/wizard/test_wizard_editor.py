"""The whole-file editor: Tab moves focus as everywhere else, indenting has its own keys, Esc leaves."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Button, TextArea
from textual.widgets._footer import FooterKey
from textual.widgets.text_area import Selection

from tests.ui.harness import SIZE, click_button
from tests.waiting import eventually_async
from tests.wizard.steps import WE, open_wizard
from tui.change.flow import Step
from tui.screens.wizard.screen import WizardScreen
from tui.widgets.file_editor import FileEditor, file_indent

WHOLE_FILE = lambda s: s.configmap and s.key and not s.key_path  # noqa: E731 - a setting matcher


async def test_tab_moves_on_ctrl_t_indents_by_the_files_step_and_escape_leaves(demo, make_app, state_dir):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, WE, WHOLE_FILE)
        await click_button(pilot, "#to-edit")
        await eventually_async(pilot, lambda: screen.flow.step == Step.EDIT, message="step 2")
        editor = screen.query_one("#edit-text", TextArea)
        before = editor.text
        assert app.focused is editor and editor.document[2].startswith("  level: ")
        assert {key.description for key in screen.query(FooterKey)} >= {"Indent", "Outdent", "Leave"}

        await pilot.press("tab")
        assert app.focused is not editor and isinstance(app.focused, Button)
        assert editor.text == before
        await pilot.press("shift+tab")
        assert app.focused is editor

        editor.cursor_location = (2, 4)  # in "  level: …"
        await pilot.press("ctrl+t")
        assert editor.document[2].startswith("    level: ") and editor.cursor_location == (2, 6)
        await pilot.press("ctrl+o", "ctrl+o")
        assert editor.document[2].startswith("level: ") and editor.cursor_location == (2, 2)
        await pilot.press("ctrl+t")
        assert editor.text == before

        await pilot.press("escape")
        await eventually_async(
            pilot, lambda: not isinstance(app.screen, WizardScreen), message="the wizard left"
        )


class One(App):
    def __init__(self, text: str, language: str | None = "yaml") -> None:
        super().__init__()
        self.text, self.language = text, language

    def compose(self) -> ComposeResult:
        yield FileEditor(language=self.language)

    def on_mount(self) -> None:
        editor = self.query_one(FileEditor)
        editor.load_text(self.text)
        editor.focus()


async def test_a_selection_is_indented_line_by_line_and_keeps_its_blank_lines_blank():
    app = One("a:\n  b: 1\n\n  c: 2\nd: 3\n")
    async with app.run_test() as pilot:
        editor = app.query_one(FileEditor)
        editor.selection = Selection((1, 0), (4, 0))  # lines 2-4, ending where line 5 starts
        await pilot.press("ctrl+t")
        assert editor.text == "a:\n    b: 1\n\n    c: 2\nd: 3\n"
        assert editor.selection == Selection((1, 0), (4, 0))
        await pilot.press("ctrl+o")
        assert editor.text == "a:\n  b: 1\n\n  c: 2\nd: 3\n"
        await pilot.press("ctrl+o", "ctrl+o")  # the second stops at column 0
        assert editor.text == "a:\nb: 1\n\nc: 2\nd: 3\n"
        editor.undo()
        assert editor.text == "a:\n  b: 1\n\n  c: 2\nd: 3\n"


def test_the_indent_step_is_the_files_own():
    assert file_indent('{\n    "a": {\n        "b": 1\n    }\n}') == "    "
    assert file_indent("a:\n  b:\n    c: 1\n") == "  "
    assert file_indent("[a]\nb = 1\n") == "  "
    assert file_indent("a {\n\tb;\n}") == "\t"
    assert file_indent("a:\n\tb: 1\n  c: 2\n", tabs_allowed=False) == "  "
