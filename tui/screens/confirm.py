"""A yes/no dialog before one change to one controller: it says what happens, and does it on `y`."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import getters, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.change.results import ActionResult
from tui.cluster.port import WorkloadKey
from tui.widgets.safe_text import clean

if TYPE_CHECKING:
    from tui.app import KubeknobsApp
    from tui.cluster.port import ClusterPort


class ConfirmDialog(ModalScreen[bool]):
    """Cancel is focused; the confirm button is enabled once `ready` says the change can be asked for.

    A subclass names its words and its change (`act`, run off the UI loop) and says what the change does
    in the text with id `{dialog_id}-{about_id}`.
    """

    if TYPE_CHECKING:
        app = getters.app(KubeknobsApp)

    dialog_id: ClassVar[str]  # "restart": the dialog's id, and its texts' ids start with it
    about_id: ClassVar[str] = "about"
    heading: ClassVar[str]  # "Rollout restart"
    confirm_label: ClassVar[str]  # "Restart", on the button and in the notification's title
    notice_title: ClassVar[str]
    doing: ClassVar[str]  # "Restarting…", while the change runs
    not_done: ClassVar[str]  # "Not restarted", before the reason
    readonly_notice: ClassVar[str]
    ready_at_start: ClassVar[bool] = True  # False: the subclass enables confirm when it has read enough

    def __init__(self, workload_key: tuple) -> None:
        super().__init__()
        self.workload_key = WorkloadKey(*workload_key)
        self.result: ActionResult | None = None

    def about(self) -> Text:
        """What the change does, shown first."""
        raise NotImplementedError

    def act(self, session: ClusterPort) -> ActionResult:
        """The change itself, in a worker thread."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id=self.dialog_id):
            yield Static(self.heading, classes="title")
            yield Static(self.about(), id=f"{self.dialog_id}-{self.about_id}", markup=False)
            if self.app.readonly:
                yield Static(self.readonly_notice, classes="problem", markup=False)
            yield Static("", id=f"{self.dialog_id}-result", classes="hint", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Cancel (n)", id="cancel")
                yield Button(
                    f"{self.confirm_label} (y)",
                    id="confirm",
                    variant="warning",
                    disabled=self.app.readonly or not self.ready_at_start,
                )

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def ready(self) -> None:
        """What the change does is known: it may be confirmed, unless kubeknobs runs read-only."""
        self.query_one("#confirm", Button).disabled = bool(self.app.readonly)

    def say(self, text: Text | str) -> None:
        self.query_one(f"#{self.dialog_id}-result", Static).update(text)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "confirm":
            self.action_confirm()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_confirm(self) -> None:
        confirm = self.query_one("#confirm", Button)
        if self.app.readonly or confirm.disabled:
            return
        confirm.disabled = True
        self.say(self.doing)
        self._run()

    @work(thread=True, exclusive=True, group="confirm")
    def _run(self) -> None:
        session = self.app.session
        try:
            if session is None:
                raise RuntimeError("not connected to a cluster")
            result = self.act(session)
        except Exception as exc:  # the action layer maps API errors; anything else is still shown, not raised
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._done, result)

    def _failed(self, message: str) -> None:
        self.say(Text(f"{self.not_done}: {clean(message)}", end=""))
        self.query_one("#confirm", Button).disabled = False

    def _done(self, result: ActionResult) -> None:
        self.result = result
        if result.ok:
            self.app.notify(clean(result.message), title=self.notice_title, markup=False)
            self.dismiss(True)
            return
        detail = clean(result.message)
        if result.denied:
            detail += f" (missing permission: {clean(str(result.denied))})"
        self.say(Text(f"{self.not_done} ({result.status}): {detail}", end=""))
        self.query_one("#confirm", Button).disabled = False
