"""Rollout restart of one controller, after the operator confirms it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding

from tui.screens.confirm import ConfirmDialog
from tui.widgets.safe_text import clean

if TYPE_CHECKING:
    from tui.change.results import ActionResult
    from tui.cluster.port import ClusterPort


class RestartScreen(ConfirmDialog):
    BINDINGS = [
        Binding("escape,n", "cancel", "Cancel", id="restart.cancel"),
        Binding("y", "confirm", "Restart", id="restart.confirm"),
    ]

    dialog_id = "restart"
    heading = "Rollout restart"
    confirm_label = "Restart"
    notice_title = "Rollout restart"
    doing = "Restarting…"
    not_done = "Not restarted"
    readonly_notice = "kubeknobs runs read-only (--readonly): nothing will be changed."

    def about(self) -> Text:
        kind, namespace, name = self.workload_key
        return Text(
            f"Restart every pod of {kind} {clean(namespace)}/{clean(name)}? New pods start "
            "with the current pod template, ConfigMaps and env; the old ones stop as the "
            "new ones become ready.",
            end="",
        )

    def act(self, session: ClusterPort) -> ActionResult:
        return session.actions.rollout_restart(self.workload_key)
