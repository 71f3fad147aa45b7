"""Kubernetes timestamps (RFC 3339) as aware datetimes in UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def parse_time(text: str | None) -> datetime | None:
    """`text` as a UTC datetime; None when empty or not ISO 8601. A time without a zone is taken as UTC."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    # the API server always writes a zone; a bare time is UTC, never the local zone of this machine
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
