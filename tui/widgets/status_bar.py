"""The top line: context, server, connection state, read-only badge, theme."""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from tui.widgets.safe_text import clean
from tui.widgets.theme_styles import style

STATE_COLOUR = {
    "connected": "success",
    "connecting": "primary",
    "reconnecting": "warning",
    "failed": "error",
    "offline": "error",
    "starting": "primary",
}


@dataclass(frozen=True)
class StatusInfo:
    context: str = "-"
    server: str = "-"
    state: str = "starting"
    reason: str | None = None
    readonly: bool = False
    theme: str = ""
    namespaces: str = "all namespaces"
    counts: str = ""


class StatusBar(Widget):
    info: reactive[StatusInfo] = reactive(StatusInfo, layout=False)

    def on_mount(self) -> None:
        self.info = getattr(self.app, "status_info", self.info)
        if (status := getattr(self.app, "status_signal", None)) is not None:
            status.subscribe(self, self._show, immediate=True)

    def _show(self, info: StatusInfo) -> None:
        self.info = info

    def update(self, **changes) -> None:
        self.info = replace(self.info, **changes)

    def render(self) -> Text:
        info = self.info
        app = self.app
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append(" kubeknobs ", style(app, "accent", bold=True))
        text.append(" ctx ", style(app, "foreground-muted"))
        text.append(clean(info.context), style(app, "primary", bold=True))
        text.append("  ")
        text.append(clean(info.server), style(app, "foreground-muted"))
        text.append("  ● ", style(app, STATE_COLOUR.get(info.state, "foreground")))
        text.append(info.state, style(app, STATE_COLOUR.get(info.state, "foreground"), bold=True))
        if info.reason:
            text.append(
                f" ({clean(info.reason)[:80]})", style(app, STATE_COLOUR.get(info.state, "foreground"))
            )
        text.append("  ns ", style(app, "foreground-muted"))
        text.append(clean(info.namespaces))
        if info.counts:
            text.append("  " + info.counts, style(app, "foreground-muted"))
        if info.readonly:
            text.append("  ")
            text.append(" READ-ONLY ", style(app, "warning", bold=True, reverse=True))
        text.append("  theme ", style(app, "foreground-muted"))
        text.append(clean(info.theme))
        return text
