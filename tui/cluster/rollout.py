"""A container's last log lines, for a rollout's crash report (the status itself is tui.change.rollout)."""

from __future__ import annotations

from tui.cluster.errors import ApiError, TransportError
from tui.cluster.resources import RESOURCES


def last_log_lines(
    api, namespace: str, pod: str, container: str, count: int, *, previous: bool = False
) -> list[str]:
    path = RESOURCES["pods"].item(namespace, pod) + "/log"
    for prev in (True, False) if previous else (False,):
        try:
            text = api.get_text(
                path, query={"container": container, "tailLines": count, "previous": prev or None}
            )
        except (ApiError, TransportError):
            continue
        lines = [ln for ln in text.splitlines() if ln.strip()]
        if lines:
            return lines[-count:]
    return []
