"""Go durations (`time.ParseDuration`): `300ms`, `1h30m`, `-5m`, `0`."""

from __future__ import annotations

import re

DURATION = re.compile(r"[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+")
_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_NUMBER = re.compile(r"[\d.]+")
UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


class DurationError(ValueError):
    """Not a Go duration; the message is Go's own, `missing_unit` tells a bare number from other faults."""

    def __init__(self, text: str, *, missing_unit: bool):
        quoted = f'"{text}"'
        what = "missing unit in duration" if missing_unit else "invalid duration"
        super().__init__(f"time: {what} {quoted}")
        self.text = text
        self.missing_unit = missing_unit


def is_go_duration(text: str) -> bool:
    """`text` is written as a Go duration with units (a bare `0` is a number, not counted here)."""
    return bool(DURATION.fullmatch(text))


def parse_go_duration(text: str) -> float:
    """Seconds in a Go duration; DurationError, worded as Go words it, if `text` is not one."""
    body = text.strip()
    sign = 1.0
    if body[:1] in ("+", "-"):
        sign = -1.0 if body[0] == "-" else 1.0
        body = body[1:]
    if body == "0":
        return 0.0
    if not body:
        raise DurationError(text, missing_unit=False)
    position, total = 0, 0.0
    while position < len(body):
        part = _PART.match(body, position)
        if not part:
            raise DurationError(text, missing_unit=bool(_NUMBER.fullmatch(body, position)))
        total += float(part.group(1)) * UNIT_SECONDS[part.group(2)]
        position = part.end()
    return sign * total
