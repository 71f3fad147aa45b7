"""Recording Events for the objects the controllers act on."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def record(store, involved: dict, reason: str, message: str, type: str, component: str) -> None:
    """Write a core/v1 Event; a failure to record one never stops a controller."""
    from tui.localcluster.api.events import record_event

    try:
        record_event(store, involved, reason, message, type=type, component=component)
    except Exception as exc:  # events are best effort, as in client-go's recorder
        log.debug("event %s for %s not recorded: %s", reason, involved.get("metadata", {}).get("name"), exc)
