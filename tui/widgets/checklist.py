"""Per-pod checklist of a ConfigMap change: which pod loaded which version, which refused it, which is silent."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.widgets.safe_text import clean
from tui.widgets.theme_styles import style

# state -> (mark, theme colour)
MARKS = {
    "waiting for kubelet": ("…", "foreground-muted"),
    "applied": ("✔", "success"),
    "reloaded, needs restart": ("↻", "warning"),
    "rejected": ("✘", "error"),
    "no event yet": ("?", "warning"),
}


def checklist_text(app, checks) -> Text:
    """One line per pod: mark, pod, state, then the hash and delay or the app's reason."""
    text = Text(end="", no_wrap=True, overflow="ellipsis")
    if not checks:
        text.append("no pods to follow", style(app, "foreground-muted"))
        return text
    width = max(len(clean(c.pod)) for c in checks)
    for check in checks:
        state = str(check.state)
        mark, colour = MARKS.get(state, ("·", "foreground"))
        text.append(f" {mark} ", style(app, colour, bold=True))
        text.append(clean(check.pod).ljust(width + 2), style(app, "foreground"))
        text.append(state, style(app, colour, bold=True))
        if check.hash and state != "waiting for kubelet":
            text.append(f"  hash {clean(check.hash)[:12]}", style(app, "foreground-muted"))
        if check.delay is not None:
            text.append(f"  after {check.delay:.1f}s", style(app, "foreground-muted"))
        if check.message and state in ("rejected", "reloaded, needs restart"):
            text.append("\n     " + clean(check.message), style(app, colour))
        text.append("\n")
    text.rstrip()
    return text


class PodChecklist(Static):
    """Shows `PodCheck`s; pod names and the app's reasons go in as `Text`, never markup."""

    DEFAULT_CSS = """
    PodChecklist { height: auto; padding: 0 1; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        self.checks: list = []

    def show(self, checks) -> None:
        self.checks = list(checks)
        self.update(checklist_text(self.app, self.checks))
