"""Text from a cluster is data: the one place that strips what a terminal would interpret."""

from __future__ import annotations

import re

# ANSI/VT escape sequences (CSI, OSC, single-character escapes) and every other control character.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?|\x9b[0-?]*[ -/]*[@-~]"
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(value: object, *, keep_newlines: bool = False) -> str:
    """`value` as printable text: escape sequences removed, tabs as spaces, other controls dropped."""
    text = "" if value is None else str(value)
    text = _ESCAPES.sub("", text).replace("\t", "    ")
    if keep_newlines:
        text = text.replace("\r\n", "\n")
        return "\n".join(_CONTROLS.sub("", line) for line in text.split("\n"))
    return _CONTROLS.sub("", text.replace("\r", "").replace("\n", " "))
