"""The keys that change a controller (`e` change, `r` restart), offered only where the context may write."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, getters
from textual.screen import Screen

from tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from tui.app import KubeknobsApp

CHANGES = ("change_setting", "restart")


class ChangeKeysScreen(Screen):
    """A screen about controllers: where RBAC forbids changes, the footer dims `e` and `r`.

    Textual runs no disabled binding, so a press of one is answered here with the reason.
    """

    if TYPE_CHECKING:
        app = getters.app(KubeknobsApp)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in CHANGES and self.app.write_refusal() is not None:
            return None  # shown dimmed: the key exists, and says why when pressed
        return True

    def action_change_setting(self) -> None:
        self.app.action_change_setting()

    def action_restart(self) -> None:
        self.app.action_restart()

    def on_mount(self) -> None:
        # the verdict on write access arrives after the screen is shown, with the status line
        for bar in self.query(StatusBar):
            self.watch(bar, "info", lambda _info: self.refresh_bindings(), init=False)

    def on_key(self, event: events.Key) -> None:
        active = self.active_bindings.get(event.key)
        if active is None or active.enabled or active.binding.action not in CHANGES:
            return
        reason = self.app.write_refusal()
        if reason is not None:
            event.stop()
            self.app.notify(reason, severity="warning", markup=False)
