"""The one unified-diff renderer: old and new text as coloured `Text`, never parsed as markup."""

from __future__ import annotations

import difflib

from rich.text import Text

from tui.widgets.safe_text import clean
from tui.widgets.theme_styles import style


def unified_lines(
    old: str, new: str, *, old_label: str = "before", new_label: str = "after", context: int = 3
) -> list[str]:
    """The unified diff as plain lines (no trailing newlines); empty when nothing differs."""
    return [
        line.rstrip("\n")
        for line in difflib.unified_diff(
            old.splitlines(), new.splitlines(), fromfile=old_label, tofile=new_label, n=context, lineterm=""
        )
    ]


def diff_text(
    app, old: str, new: str, *, old_label: str = "before", new_label: str = "after", context: int = 3
) -> Text:
    """Removed lines in the theme's error colour, added in success, hunk headers in accent."""
    lines = unified_lines(old, new, old_label=old_label, new_label=new_label, context=context)
    text = Text(end="", no_wrap=True)
    if not lines:
        text.append("no difference", style(app, "foreground-muted"))
        return text
    for line in lines:
        safe = clean(line)
        if line.startswith(("---", "+++")):
            text.append(safe, style(app, "foreground", bold=True))
        elif line.startswith("@@"):
            text.append(safe, style(app, "accent"))
        elif line.startswith("-"):
            text.append(safe, style(app, "error"))
        elif line.startswith("+"):
            text.append(safe, style(app, "success"))
        else:
            text.append(safe, style(app, "foreground-muted"))
        text.append("\n")
    text.rstrip()
    return text
