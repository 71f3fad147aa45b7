"""The whole-file editor: a code editor whose Tab moves focus, as everywhere else in the app.

Indenting has keys of its own (named in the footer), by the file's own indent; Esc is left to the screen.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import TextArea
from textual.widgets.text_area import Location, Selection

DEFAULT_INDENT = "  "  # YAML's usual step, and a file with no indented line has no other to follow


def file_indent(text: str, *, tabs_allowed: bool = True) -> str:
    """One indent step of `text`: a tab if its lines are indented with tabs, else its narrowest indent."""
    widths = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        if line.startswith("\t") and tabs_allowed:
            return "\t"
        width = len(line) - len(line.lstrip(" "))
        if width:
            widths.append(width)
    return " " * min(min(widths), 8) if widths else DEFAULT_INDENT


def shifted(line: str, unit: str, direction: int) -> str:
    """`line` one indent step deeper (direction 1) or shallower (-1); shallower stops at column 0."""
    if direction > 0:
        return unit + line
    if unit == "\t" and line.startswith("\t"):
        return line[1:]
    spaces = len(line) - len(line.lstrip(" "))
    return line[min(spaces, len(unit) if unit != "\t" else 4) :]


class FileEditor(TextArea):
    BINDINGS = [
        Binding("ctrl+t", "indent", "Indent", id="editor.indent", tooltip="Indent the line or the selection"),
        Binding(
            "ctrl+o", "outdent", "Outdent", id="editor.outdent", tooltip="Outdent the line or the selection"
        ),
    ]
    indent_unit = DEFAULT_INDENT  # the file's step, read when it is loaded: indenting must not change it

    def __init__(self, *, language: str | None = None, id: str | None = None) -> None:
        super().__init__(
            "",
            language=language,
            theme="css",
            soft_wrap=False,
            tab_behavior="focus",
            show_line_numbers=True,
            id=id,
        )

    def load_text(self, text: str) -> None:
        self.indent_unit = file_indent(text, tabs_allowed=self.language != "yaml")
        super().load_text(text)

    def action_indent(self) -> None:
        self._shift(1)

    def action_outdent(self) -> None:
        self._shift(-1)

    def _shift(self, direction: int) -> None:
        if self.read_only:
            return
        unit = self.indent_unit
        start, end = self.selection
        top, bottom = sorted((start, end))
        first, last = top[0], bottom[0]
        if last > first and bottom[1] == 0:
            last -= 1  # a selection that ends where a line starts leaves that line alone
        old = [self.document[row] for row in range(first, last + 1)]
        # a block keeps its blank lines blank; a single line is indented even when empty
        new = [line if len(old) > 1 and not line.strip() else shifted(line, unit, direction) for line in old]
        if new == old:
            return
        whole_lines = start != end

        def moved(location: Location) -> Location:
            row, column = location
            if not first <= row <= last or (whole_lines and column == 0):
                return location
            return row, max(0, column + len(new[row - first]) - len(old[row - first]))

        self.replace("\n".join(new), (first, 0), (last, len(old[-1])), maintain_selection_offset=False)
        self.selection = Selection(moved(start), moved(end))
