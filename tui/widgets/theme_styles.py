"""Rich styles taken from the current theme's variables, for text built in code."""

from __future__ import annotations

from functools import lru_cache

from rich.style import Style
from rich.text import Text
from textual.color import Color, ColorParseError

from tui.model.layers import layer_spec


def colour(app, name: str) -> str | None:
    variables = app.theme_variables
    value = variables.get(name)
    if value is None:
        return None
    return _solid(value, variables.get("background", "#000000"))


@lru_cache(maxsize=512)
def _solid(value: str, background: str) -> str | None:
    """`value` as an opaque hex colour, blended over the background when it has alpha."""
    try:
        parsed = Color.parse(value)
        if parsed.a < 1:
            parsed = Color.parse(background).blend(parsed.with_alpha(1), parsed.a)
    except ColorParseError:
        return None
    return parsed.hex


def style(app, name: str, *, bold: bool = False, reverse: bool = False) -> Style:
    return _style(colour(app, name), bold, reverse)


@lru_cache(maxsize=512)
def _style(colour_hex: str | None, bold: bool, reverse: bool) -> Style:
    return Style(color=colour_hex, bold=bold or None, reverse=reverse or None)


def layer_badge(app, layer: str | None) -> Text:
    """`HOT` / `FILE` / `RESTART` / `IMMUTABLE` in the layer's theme colour; `?` when there is no setting."""
    if not layer:
        return Text("?", style=style(app, "foreground-muted", bold=True), end="")
    spec = layer_spec(layer)
    return Text(spec.label, style=style(app, spec.colour_token, bold=True), end="")
