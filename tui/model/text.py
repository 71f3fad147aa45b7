"""Text from a cluster is data: the one place that says what a terminal would interpret or hide."""

from __future__ import annotations

import re

# C0/C1 controls (ESC starts terminal sequences; tab and newline are handled apart), bidi overrides
# and isolates, and the zero-width marks and byte-order mark that disguise text.
UNSAFE_CHARACTERS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff"
_UNSAFE = re.compile(f"[{UNSAFE_CHARACTERS}]")
# ANSI/VT escape sequences (CSI, OSC, single-character escapes), removed whole by `clean`.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?|\x9b[0-?]*[ -/]*[@-~]"
)


def is_unsafe(character: str) -> bool:
    """A terminal would act on `character` or hide it; neither `clean` nor `printable` lets it through."""
    return bool(_UNSAFE.fullmatch(character))


def clean(value: object, *, keep_newlines: bool = False) -> str:
    """`value` as printable text for the dashboard: escape sequences removed, tabs as spaces, the rest dropped."""
    text = "" if value is None else str(value)
    text = _ESCAPES.sub("", text).replace("\t", "    ")
    if keep_newlines:
        text = text.replace("\r\n", "\n")
        return "\n".join(_UNSAFE.sub("", line) for line in text.split("\n"))
    return _UNSAFE.sub("", text.replace("\r", "").replace("\n", " "))


def printable(text: str) -> str:
    """`text` for `explain`'s plain output: every unsafe character shown as a visible escape instead."""
    return _UNSAFE.sub(
        lambda m: f"\\u{ord(m.group(0)):04x}" if ord(m.group(0)) > 0xFF else repr(m.group(0))[1:-1], text
    )
