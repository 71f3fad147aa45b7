"""Pod logs, multiplexed: each line prefixed by its pod (and container), in a colour per pod."""

from __future__ import annotations

from rich.text import Text

from tui.widgets.safe_text import clean
from tui.widgets.stream_view import StreamView
from tui.widgets.theme_styles import style

POD_COLOURS = ("secondary", "accent", "primary", "success", "warning")


class LogView(StreamView):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("placeholder", "Waiting for log lines…")
        super().__init__(**kwargs)
        self._pods: dict[str, int] = {}
        self.multi_container = False

    def format_item(self, item) -> Text:
        pod = clean(getattr(item, "pod", ""))
        container = clean(getattr(item, "container", "") or "")
        index = self._pods.setdefault(pod, len(self._pods))
        prefix = f"{pod}/{container}" if self.multi_container and container else pod
        text = Text(no_wrap=True, end="")
        text.append(prefix + " ", style(self.app, POD_COLOURS[index % len(POD_COLOURS)], bold=True))
        text.append(clean(getattr(item, "text", "")))
        return text
