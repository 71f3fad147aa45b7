"""Ages as kubectl prints them (`45s`, `12m`, `3h`, `20d`), relative to an injectable clock."""

from __future__ import annotations

from datetime import UTC, datetime

from tui.model.times import parse_time


def age(created: str | datetime | None, now: datetime) -> str:
    when = parse_time(created) if isinstance(created, str | None) else created
    if when is None:
        return "-"
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = max(0, int((now - when).total_seconds()))
    if seconds < 120:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 120:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 48:
        return f"{hours}h"
    return f"{hours // 24}d"
