"""Text from a cluster is data: it never reaches the terminal as markup or escape codes."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from tui.model.text import clean

__all__ = ["clean", "cluster_text"]


def cluster_text(value: object, style: str | Style = "", *, keep_newlines: bool = False) -> Text:
    """A `Text` built from cluster data: never parsed as markup."""
    return Text(clean(value, keep_newlines=keep_newlines), style=style, no_wrap=not keep_newlines, end="")
