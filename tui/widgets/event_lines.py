"""One line of text per typed cluster event: time, kind, workload, what happened."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from tui.widgets.safe_text import clean
from tui.widgets.theme_styles import style

KIND_LABEL = {
    "ConfigMapChanged": "CONFIG", "ReloadEvent": "RELOAD", "ReloadPending": "PENDING", "ReloadStale": "STALE",
    "RolloutProgress": "ROLLOUT", "ContainerRestarted": "RESTART", "CrashLoop": "CRASH", "KubeEvent": "EVENT",
}


SEVERITY_COLOUR = {"good": "success", "warning": "warning", "error": "error", "info": "foreground"}


def event_colour(event) -> str:
    severity = getattr(event, "severity", None)
    if severity in SEVERITY_COLOUR and type(event).__name__ != "KubeEvent":
        return SEVERITY_COLOUR[severity]
    kind = type(event).__name__
    if kind == "ReloadEvent":
        outcome = str(getattr(event, "outcome", ""))
        return {"applied": "success", "rejected": "error", "needs-restart": "warning"}.get(outcome, "foreground")
    if kind == "RolloutProgress":
        if getattr(event, "failed_reason", None):
            return "error"
        return "success" if getattr(event, "done", False) else "primary"
    if kind == "KubeEvent":
        return "warning" if getattr(event, "type", "") == "Warning" else "foreground-muted"
    return {"ConfigMapChanged": "accent", "ReloadPending": "warning", "ReloadStale": "error",
            "ContainerRestarted": "warning", "CrashLoop": "error"}.get(kind, "foreground")


def workload_label(event) -> str:
    workload = getattr(event, "workload", None)
    namespace = getattr(event, "namespace", None) or ""
    if isinstance(workload, tuple | list) and len(workload) == 3:
        return f"{workload[1]}/{workload[2]}"
    if workload:
        return f"{namespace}/{workload}" if namespace else str(workload)
    return namespace or "-"


def event_line(app, event, *, with_workload: bool = True) -> Text:
    kind = type(event).__name__
    when = getattr(event, "time", None)
    stamp = when.strftime("%H:%M:%S") if isinstance(when, datetime) else "--:--:--"
    colour_name = event_colour(event)
    text = Text(no_wrap=True, end="")
    text.append(stamp + " ", style(app, "foreground-muted"))
    text.append(KIND_LABEL.get(kind, kind.upper())[:8].ljust(8) + " ", style(app, colour_name, bold=True))
    if with_workload:
        text.append(clean(workload_label(event))[:40].ljust(24) + " ", style(app, "secondary"))
    text.append(clean(getattr(event, "summary", "") or ""), style(app, colour_name) if colour_name != "foreground" else "")
    return text
