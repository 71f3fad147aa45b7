"""The evidence behind a setting's layer and the plan for changing it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.widgets.safe_text import clean
from tui.widgets.settings_table import short_name, value_text, where
from tui.widgets.theme_styles import layer_badge, style

WARNINGS = {
    "reloader": "Stakater Reloader watches this workload: a ConfigMap edit triggers an automatic rollout.",
    "helm-checksum": "Helm checksum/config annotation: the next `helm upgrade` rolls the pods and overwrites a direct edit.",
    "helm": "Managed by Helm: change the chart values, or the next upgrade reverts this edit.",
    "argocd": "Managed by Argo CD: the next sync reverts this edit; change it in Git.",
    "flux": "Managed by Flux: the next reconcile reverts this edit; change it in Git.",
}


def warning_lines(app, auto_restart: str | None, managed_by: str | None) -> Text:
    text = Text(end="")
    for reason in (auto_restart, managed_by):
        if reason:
            text.append("⚠ ", style(app, "warning", bold=True))
            text.append(
                WARNINGS.get(str(reason), f"{clean(reason)}: changes may be reverted or rolled out.") + "\n",
                style(app, "warning"),
            )
    text.rstrip()
    return text


def setting_text(app, setting) -> Text:
    text = Text(end="")
    if setting is None:
        text.append(
            "Select a setting to see why it is in its layer and how to change it.",
            style(app, "foreground-muted"),
        )
        return text
    text.append(clean(short_name(setting)), style(app, "foreground", bold=True))
    text.append("  ")
    text.append_text(layer_badge(app, setting.layer))
    text.append(
        f"\n{setting.source} · {setting.value_type} · container {clean(setting.container)}\n",
        style(app, "foreground-muted"),
    )
    text.append("value  ", style(app, "foreground-muted"))
    text.append(value_text(setting) + "\n")
    text.append("from   ", style(app, "foreground-muted"))
    text.append(clean(where(setting)) + "\n")
    if setting.linked_file:
        text.append("links  ", style(app, "foreground-muted"))
        text.append(clean(setting.linked_file) + "\n", style(app, "accent"))
    if setting.auto_restart or setting.managed_by:
        text.append_text(warning_lines(app, setting.auto_restart, setting.managed_by))
        text.append("\n")
    text.append("\nWhy this layer\n", style(app, "primary", bold=True))
    for line in setting.evidence or ("no evidence recorded",):
        text.append("  • " + clean(line) + "\n")
    text.append("\nHow to change it\n", style(app, "primary", bold=True))
    for number, step in enumerate(setting.plan or ("no plan for this setting",), start=1):
        text.append(f"  {number}. " + clean(step) + "\n")
    text.rstrip()
    return text


class SettingPanel(VerticalScroll):
    """Shows one Setting's evidence and plan; cluster text goes in as `Text`, never markup.

    It takes the focus (tab) so that a plan longer than a small terminal can be scrolled.
    """

    BINDINGS = [
        Binding("j,down", "scroll_down", "Down", show=False, id="panel.down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="panel.up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="panel.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="panel.bottom"),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.setting = None

    def compose(self) -> ComposeResult:
        yield Static("", markup=False, id="setting-text")

    @property
    def content(self):
        """The text shown."""
        return self.query_one("#setting-text", Static).content

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.show(self.setting))
        self.show(None)

    def show(self, setting) -> None:
        if setting is not self.setting:
            self.scroll_home(animate=False)  # another setting's text starts at its top
        self.setting = setting
        self.query_one("#setting-text", Static).update(setting_text(self.app, setting))
