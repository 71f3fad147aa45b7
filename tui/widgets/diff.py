"""The one unified-diff renderer: old and new text as coloured `Text`, never parsed as markup.

Whitespace is part of what is written, so a changed line shows it: a tab as `→`, a trailing space as `·`,
a carriage return as `␍`, and a missing final newline as diff says it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from rich.text import Text

from tui.widgets.safe_text import clean
from tui.widgets.theme_styles import style

NO_NEWLINE = "\\ No newline at end of file"
TRAILING = {" ": "·", "\t": "→", "\r": "␍"}
TAB_PAD = "   "  # with the arrow, the four cells `clean` gives a tab elsewhere


def _lines(text: str) -> list[str]:
    """`text` split at newlines only, each line keeping its own (the last may have none)."""
    parts = text.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _diff(old: str, new: str, old_label: str, new_label: str, context: int) -> Iterator[tuple[str, str]]:
    """(kind, line without its newline): kind is header, hunk, context, removed, added or note."""
    kinds = {" ": "context", "-": "removed", "+": "added"}
    for n, line in enumerate(
        difflib.unified_diff(
            _lines(old), _lines(new), fromfile=old_label, tofile=new_label, n=context, lineterm=""
        )
    ):
        if n < 2:
            yield "header", line
        elif line.startswith("@@"):
            yield "hunk", line
        else:
            yield kinds[line[0]], line.removesuffix("\n")
            if not line.endswith("\n"):
                yield "note", NO_NEWLINE


def unified_lines(
    old: str, new: str, *, old_label: str = "before", new_label: str = "after", context: int = 3
) -> list[str]:
    """The unified diff as plain lines (no trailing newlines); empty when nothing differs."""
    return [line for _, line in _diff(old, new, old_label, new_label, context)]


def _append_visible(text: Text, line: str, line_style, mark_style) -> None:
    """A changed line with its tabs and trailing whitespace drawn as markers."""
    core = line.rstrip(" \t\r")
    for part in re.split(r"(\t)", core):
        if part == "\t":
            text.append("→", mark_style)
            text.append(TAB_PAD, line_style)
        elif part:
            text.append(clean(part), line_style)
    for char in line[len(core) :]:
        text.append(TRAILING[char], mark_style)


def diff_text(
    app, old: str, new: str, *, old_label: str = "before", new_label: str = "after", context: int = 3
) -> Text:
    """Removed lines in the theme's error colour, added in success, hunk headers in accent."""
    lines = list(_diff(old, new, old_label, new_label, context))
    text = Text(end="", no_wrap=True)
    if not lines:
        text.append("no difference", style(app, "foreground-muted"))
        return text
    mark = style(app, "warning")
    for kind, line in lines:
        if kind == "header":
            text.append(clean(line), style(app, "foreground", bold=True))
        elif kind == "hunk":
            text.append(clean(line), style(app, "accent"))
        elif kind in ("removed", "added"):
            _append_visible(text, line, style(app, "error" if kind == "removed" else "success"), mark)
        elif kind == "note":
            text.append(line, mark)
        else:
            text.append(clean(line), style(app, "foreground-muted"))
        text.append("\n")
    text.rstrip()
    return text
