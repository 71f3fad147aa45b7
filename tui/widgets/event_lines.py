"""One line of text per typed cluster event: time, kind, workload, what happened."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from tui.widgets.safe_text import clean
from tui.widgets.theme_styles import style

KIND_LABEL = {
    "ConfigMapChanged": "CONFIG",
    "ReloadEvent": "RELOAD",
    "ReloadPending": "PENDING",
    "ReloadStale": "STALE",
    "ReloadSuperseded": "SKIPPED",
    "RolloutProgress": "ROLLOUT",
    "ContainerRestarted": "RESTART",
    "CrashLoop": "CRASH",
    "KubeEvent": "EVENT",
}


SEVERITY_COLOUR = {"good": "success", "warning": "warning", "error": "error", "info": "foreground"}


def event_colour(event) -> str:
    if type(event).__name__ == "ConfigMapChanged":
        return "accent"
    severity = getattr(event, "severity", None)
    if severity in SEVERITY_COLOUR and type(event).__name__ != "KubeEvent":
        return SEVERITY_COLOUR[severity]
    kind = type(event).__name__
    if kind == "ReloadEvent":
        outcome = str(getattr(event, "outcome", ""))
        return {"applied": "success", "rejected": "error", "needs-restart": "warning"}.get(
            outcome, "foreground"
        )
    if kind == "RolloutProgress":
        if getattr(event, "failed_reason", None):
            return "error"
        return "success" if getattr(event, "done", False) else "primary"
    if kind == "KubeEvent":
        return "warning" if getattr(event, "type", "") == "Warning" else "foreground-muted"
    return {
        "ConfigMapChanged": "accent",
        "ReloadPending": "warning",
        "ReloadStale": "error",
        "ReloadSuperseded": "foreground-muted",
        "ContainerRestarted": "warning",
        "CrashLoop": "error",
    }.get(kind, "foreground")


def workload_label(event) -> str:
    workload = getattr(event, "workload", None)
    if isinstance(workload, tuple | list) and len(workload) == 3:
        return str(workload[2])
    return str(workload or getattr(event, "namespace", None) or "-")


WORKLOAD_WIDTH = 24


def event_lines(app, event, width: int, *, with_workload: bool = True) -> list[Text]:
    """The event as display lines: time, kind and workload, then the summary wrapped under itself."""
    kind = type(event).__name__
    when = getattr(event, "time", None)
    stamp = when.strftime("%H:%M:%S") if isinstance(when, datetime) else "--:--:--"
    colour_name = event_colour(event)
    prefix = Text(no_wrap=True, end="")
    prefix.append(stamp + " ", style(app, "foreground-muted"))
    prefix.append(KIND_LABEL.get(kind, kind.upper())[:8].ljust(8) + " ", style(app, colour_name, bold=True))
    if with_workload:
        label = clean(workload_label(event))
        if len(label) > WORKLOAD_WIDTH:
            label = label[: WORKLOAD_WIDTH - 1] + "…"
        prefix.append(label.ljust(WORKLOAD_WIDTH) + " ", style(app, "secondary"))
    summary = Text(
        clean(getattr(event, "summary", "") or ""),
        end="",
        style=style(app, colour_name) if colour_name != "foreground" else "",
    )
    room = max(20, width - prefix.cell_len)
    chunks = summary.wrap(app.console, room) if summary.cell_len > room else [summary]
    pad = " " * prefix.cell_len
    lines = []
    for number, chunk in enumerate(chunks):
        line = prefix.copy() if number == 0 else Text(pad, no_wrap=True, end="")
        chunk.rstrip()
        lead = len(chunk.plain) - len(chunk.plain.lstrip())
        if lead:
            chunk = chunk[lead:]
        line.append_text(chunk)
        line.no_wrap, line.end = True, ""
        lines.append(line)
    return lines or [prefix]
