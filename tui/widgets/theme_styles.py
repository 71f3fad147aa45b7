"""Rich styles taken from the current theme's variables, for text built in code."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.color import Color, ColorParseError

LAYER_COLOUR = {"hot-reload": "success", "file-propagates": "secondary", "restart": "warning", "immutable": "error"}
LAYER_LABEL = {"hot-reload": "HOT", "file-propagates": "FILE", "restart": "RESTART", "immutable": "IMMUTABLE"}


def colour(app, name: str) -> str | None:
    variables = app.theme_variables
    value = variables.get(name)
    if value is None:
        return None
    try:
        parsed = Color.parse(value)
        if parsed.a < 1:
            parsed = Color.parse(variables.get("background", "#000000")).blend(parsed.with_alpha(1), parsed.a)
    except ColorParseError:
        return None
    return parsed.hex


def style(app, name: str, *, bold: bool = False, reverse: bool = False) -> Style:
    return Style(color=colour(app, name), bold=bold or None, reverse=reverse or None)


def layer_badge(app, layer: str | None) -> Text:
    """`HOT` / `FILE` / `RESTART` / `IMMUTABLE` in the layer's theme colour."""
    name = str(layer or "")
    label = LAYER_LABEL.get(name, name.upper() or "?")
    return Text(label, style=style(app, LAYER_COLOUR.get(name, "foreground-muted"), bold=True), end="")
