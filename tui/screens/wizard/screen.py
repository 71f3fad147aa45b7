"""The change wizard on screen: five steps over a `ChangeFlow`, followed by a `ChangeRun`.

Leaving before the apply changes nothing; after it, the run keeps following in the background.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, ContentSwitcher, Footer, Input, ProgressBar, Static, TextArea

from tui.change.draft import editor_language
from tui.change.edits import EditError
from tui.change.flow import ChangeFlow, Phase, Step
from tui.change.plan import Follow, Route, pods_phrase, route_of
from tui.change.runner import ChangeRun
from tui.history import ChangeHistory
from tui.screens.wizard import views
from tui.screens.wizard.confirm import ConfirmRestart
from tui.widgets.checklist import PodChecklist
from tui.widgets.file_editor import FileEditor
from tui.widgets.safe_text import clean

if TYPE_CHECKING:
    from tui.app import KubeknobsApp

SUCCEEDED = (Phase.IN_FORCE, Phase.UNPROVEN)  # a change that ended without failing: `u` may take it back
BODY = {
    Step.WHERE: "step-where",
    Step.EDIT: "step-edit",
    Step.REVIEW: "step-review",
    Step.FOLLOW: "step-follow",
    Step.SUMMARY: "step-summary",
}


def _failure(exc: Exception, prefix: str = ""):
    """An exception from a flow call, as the result the screen shows (never raised)."""
    from tui.change.results import ActionResult
    from tui.cluster.errors import describe

    return ActionResult.error(prefix + (str(exc) if isinstance(exc, EditError) else describe(exc)))


def value_editor(setting) -> FileEditor:
    """The whole-file editor, highlighted for the key's format when its grammar is installed."""
    from textual.widgets.text_area import LanguageDoesNotExist

    try:
        return FileEditor(language=editor_language(setting), id="edit-text")
    except LanguageDoesNotExist:
        return FileEditor(id="edit-text")


class WizardScreen(Screen):
    if TYPE_CHECKING:
        app = getters.app(KubeknobsApp)

    BINDINGS = [
        Binding(
            "escape", "leave", "Leave", id="wizard.leave", tooltip="Leave; after the apply, following goes on"
        ),
        Binding(
            "ctrl+r", "rebase", "Rebase", id="wizard.rebase", tooltip="Redo the edit on the server's version"
        ),
        Binding(
            "p", "propagate", "Propagate now", id="wizard.propagate", tooltip="Make the kubelet sync now"
        ),
        Binding(
            "r", "restart", "Restart", id="wizard.restart", tooltip="Rollout restart, after a confirmation"
        ),
        Binding(
            "b",
            "rollback",
            "Rollback",
            id="wizard.rollback",
            tooltip="Previous revision (and ConfigMap value)",
        ),
        Binding(
            "u",
            "revert",
            "Revert",
            id="wizard.revert",
            tooltip="Put back the ConfigMap value from the backup",
        ),
    ]
    DEFAULT_CSS = """
    WizardScreen { layout: vertical; }
    WizardScreen #wizard-title, WizardScreen #wizard-steps { height: 1; padding: 0 1; background: $surface; }
    WizardScreen #wizard-body { height: 1fr; border: round $primary; padding: 0 1; }
    WizardScreen .step { height: 1fr; }
    WizardScreen .buttons { height: auto; dock: bottom; padding-top: 1; }
    WizardScreen .buttons Button { margin-right: 2; }
    WizardScreen #edit-value { width: 60; }
    WizardScreen #edit-text { height: 1fr; }
    WizardScreen #edit-problem { color: $error; height: auto; }
    WizardScreen #rollout-bar { margin: 1 0; }
    WizardScreen #apply-reason { width: 1fr; height: auto; color: $error; }
    """

    def __init__(self, workload_key: tuple, setting, *, history=None) -> None:
        super().__init__()
        self.workload_key = tuple(workload_key)
        self.setting = setting
        self.route, _ = route_of(setting)
        session = self.app.session  # opened from the app, which opens it only when connected
        if session is None:
            raise RuntimeError("The change wizard needs a connected session")
        # built on the session, so its reload window is the session's kubelet window
        self.flow = ChangeFlow(setting, self.workload_key, session, history=history or ChangeHistory())
        self.run: ChangeRun | None = None
        self._busy = False  # a follow action is on its way to the server
        self.checked_input: str | None = None  # the last input the editor's check has judged

    # -- layout ---------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("", id="wizard-title", markup=False)
        yield Static("", id="wizard-steps", markup=False)
        with ContentSwitcher(id="wizard-body", initial="step-loading"):
            yield Static("Reading the setting from the cluster…", id="step-loading", markup=False)
            with Vertical(id="step-where", classes="step"):
                yield VerticalScroll(Static("", id="where-text", markup=False))
                with Horizontal(classes="buttons"):
                    yield Button("Edit →", id="to-edit", variant="primary")
            with Vertical(id="step-edit", classes="step"):
                yield Static("", id="edit-label", markup=False)
                if self.route == Route.KEY:
                    yield value_editor(self.setting)
                else:
                    yield Input(id="edit-value", placeholder=f"new {self.setting.value_type} value")
                yield Static("", id="edit-problem", markup=False)
                with Horizontal(classes="buttons"):
                    yield Button("← Back", id="edit-back")
                    yield Button("Review →", id="to-review", variant="primary")
            with Vertical(id="step-review", classes="step"):
                with VerticalScroll():
                    yield Static("", id="review-text", markup=False)
                    yield Static("", id="conflict-text", markup=False)
                with Horizontal(classes="buttons"):
                    yield Button("← Back", id="review-back")
                    yield Button("Rebase (ctrl+r)", id="rebase", classes="hidden")
                    yield Button("Apply", id="apply", variant="warning", disabled=True)
                    yield Static("", id="apply-reason", markup=False, classes="hidden")
            with Vertical(id="step-follow", classes="step"):
                with VerticalScroll():
                    yield Static("", id="follow-text", markup=False)
                    yield PodChecklist(id="checklist")
                    yield ProgressBar(id="rollout-bar", show_eta=False)
                    yield Static("", id="rollout-text", markup=False)
                with Horizontal(classes="buttons"):
                    yield Button("Propagate now (p)", id="propagate")
                    yield Button("Restart (r)", id="restart", variant="warning")
                    yield Button("Rollback (b)", id="rollback", variant="error")
                    yield Button("Revert (u)", id="revert", variant="error")
            with Vertical(id="step-summary", classes="step"):
                yield VerticalScroll(Static("", id="summary-text", markup=False))
                with Horizontal(classes="buttons"):
                    yield Button("Close", id="close", variant="primary")
                    yield Button("Revert (u)", id="summary-revert", variant="error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#wizard-title", Static).update(Text(f"Change {clean(self.setting.name)}", end=""))
        self.query_one("#wizard-steps", Static).update(views.steps_text(self.app, Step.WHERE))
        self._background(self.flow.prepare, self._prepared)

    def on_unmount(self) -> None:
        if self.run is not None and self._refresh in self.run.listeners:
            self.run.listeners.remove(self._refresh)

    # -- plumbing ---------------------------------------------------------------------------
    def _background(self, call, then) -> None:
        """Run a blocking flow call on a thread; `then(result or exception)` on the UI loop."""

        def work() -> None:
            try:
                outcome = call()
            except Exception as exc:  # noqa: BLE001 - every failure is shown, none raised
                outcome = exc
            self.app.call_from_thread(then, outcome)

        self.app.run_worker(work, thread=True, group="kubeknobs-wizard", exit_on_error=False)

    def _steps(self, step: Step) -> None:
        self.flow.step = step
        self.query_one("#wizard-steps", Static).update(views.steps_text(self.app, step))
        self.query_one(ContentSwitcher).current = BODY[step]
        self.refresh_bindings()

    def _say(self, widget_id: str, text) -> None:
        self.query_one(widget_id, Static).update(
            text if isinstance(text, Text) else Text(clean(text), end="")
        )

    # -- step 1 --------------------------------------------------------------------------------
    def _prepared(self, outcome) -> None:
        if isinstance(outcome, Exception):
            self._say("#step-loading", f"Could not read the setting: {_failure(outcome).message}")
            return
        self.query_one("#wizard-title", Static).update(views.title_text(self.app, self.flow))
        self._say("#where-text", views.where_text(self.app, self.flow))
        self.query_one("#to-edit", Button).disabled = self.flow.route == Route.REFUSED
        self._steps(Step.WHERE)
        self.query_one("#to-edit", Button).focus()

    # -- step 2 --------------------------------------------------------------------------------
    def _to_edit(self) -> None:
        flow = self.flow
        where = (
            f"{flow.setting.configmap}/{flow.setting.key}"
            if flow.setting.configmap
            else flow.setting.workload
        )
        label = {
            Route.KEY: f"Edit the whole value of {where}",
            Route.KEY_PATH: f"New value of {flow.name} in {where} ({flow.setting.value_type}); the rest of "
            "the file and its comments are kept",
            Route.TEMPLATE: f"New value of {flow.name} ({flow.setting.value_type})",
        }[flow.route]
        self._say("#edit-label", label)
        editor = self._editor()
        if isinstance(editor, TextArea):
            if not editor.text:
                editor.load_text(flow.initial_input())
        elif not editor.value:
            editor.value = flow.initial_input()
        self._steps(Step.EDIT)
        editor.focus()
        self._check_input()

    def _editor(self):
        return (
            self.query_one("#edit-text", TextArea)
            if self.route == Route.KEY
            else self.query_one("#edit-value", Input)
        )

    def _input(self) -> str:
        editor = self._editor()
        return editor.text if isinstance(editor, TextArea) else editor.value

    def _check_input(self) -> bool:
        text = self._input()
        try:
            self.flow.edit(text)
        except EditError as exc:
            self._say("#edit-problem", f"✘ {exc}")
            self.query_one("#to-review", Button).disabled = True
            self.checked_input = text
            return False
        self._say("#edit-problem", "")
        self.query_one("#to-review", Button).disabled = False
        self.checked_input = text
        return True

    def on_input_changed(self, event: Input.Changed) -> None:
        self._check_input()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._check_input()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._to_review()

    # -- step 3 --------------------------------------------------------------------------------
    def _to_review(self) -> None:
        if not self._check_input():
            return
        self.query_one("#apply", Button).disabled = True
        self._show_review()
        self._steps(Step.REVIEW)
        self._background(self.flow.dry_run, self._dry_run_done)

    def _show_review(self) -> None:
        self._say("#review-text", views.review_text(self.app, self.flow))
        conflict = self.flow.conflict is not None
        self._say("#conflict-text", views.conflict_text(self.app, self.flow) if conflict else "")
        self.query_one("#rebase", Button).set_class(not conflict, "hidden")

    def _dry_run_done(self, outcome) -> None:
        if isinstance(outcome, Exception):
            self.flow.dry_run_result = _failure(outcome)
        if not self.is_attached:
            return
        self._show_review()
        result, refused = self.flow.dry_run_result, self.flow.apply_refused
        apply = self.query_one("#apply", Button)
        apply.disabled = result is None or not result.ok or refused is not None
        reason = self.query_one("#apply-reason", Static)
        reason.update(Text("✘ " + clean(refused), end="") if refused else "")
        reason.set_class(refused is None, "hidden")
        (apply if not apply.disabled else self.query_one("#review-back", Button)).focus()
        self.refresh_bindings()

    def action_rebase(self) -> None:
        if self.flow.conflict is None or self.flow.applied is not None:
            return
        self._background(self.flow.rebase, self._to_review_after_rebase)

    def _to_review_after_rebase(self, outcome) -> None:
        if isinstance(outcome, Exception):
            self._say("#conflict-text", views.result_text(self.app, _failure(outcome, "Rebase failed: ")))
            return
        self.query_one("#apply", Button).disabled = True
        self._show_review()
        self._background(self.flow.dry_run, self._dry_run_done)

    def _apply(self) -> None:
        flow = self.flow
        if flow.planned.follow == Follow.ROLLOUT:
            kind, ns, name = flow.key
            question = (
                f"Apply this change? It restarts every pod of {kind} {ns}/{name} "
                f"({pods_phrase(flow.planned.pods)}) in a rolling update."
            )
            self._confirm("Apply and roll the pods", question, self._apply_now)
        else:
            self._apply_now()

    def _apply_now(self) -> None:
        self.query_one("#apply", Button).disabled = True
        self._follower().mark()
        self._background(self.flow.apply, self._applied)

    def _applied(self, outcome) -> None:
        flow = self.flow
        if isinstance(outcome, Exception):
            flow.problem = str(outcome)
        if flow.applied is not None:
            self._follower().start()  # also when the wizard was left meanwhile
        if not self.is_attached:
            return
        if flow.applied is None:
            self._show_review()
            result = outcome if not isinstance(outcome, Exception) else None
            text = (
                views.result_text(self.app, result)
                if result is not None
                else Text(clean(flow.problem), end="")
            )
            if flow.conflict is None:
                self._say("#conflict-text", text)
            self.query_one("#apply", Button).disabled = flow.conflict is not None
            return
        self._steps(Step.FOLLOW)
        self._refresh()

    # -- step 4 --------------------------------------------------------------------------------
    def _follower(self) -> ChangeRun:
        if self.run is None:
            self.run = ChangeRun(self.app, self.flow)
            self.run.listeners.append(self._refresh)
        return self.run

    def _refresh(self) -> None:
        flow = self.flow
        if not self.is_attached:
            return
        if flow.step == Step.SUMMARY:
            self._say("#summary-text", views.summary_text(self.app, flow))
            self.query_one("#summary-revert", Button).display = bool(self.check_action("revert", ()))
            self._steps(Step.SUMMARY)
            self.query_one("#close", Button).focus()
            return
        self._say("#follow-text", views.follow_text(self.app, flow))
        checklist = self.query_one(PodChecklist)
        checklist.display = flow.reload is not None
        if flow.reload is not None:
            checklist.show(flow.reload.pods)
        bar = self.query_one("#rollout-bar", ProgressBar)
        bar.display = flow.rollout is not None
        if flow.rollout is not None and flow.rollout.progress is not None:
            done, total = flow.rollout.bar
            bar.update(total=total, progress=done)
        self._say("#rollout-text", views.rollout_text(self.app, flow))
        for action in ("propagate", "restart", "rollback", "revert"):
            self.query_one(f"#{action}", Button).display = bool(self.check_action(action, ()))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        flow, phase = self.flow, self.flow.phase
        busy = self._busy
        if action == "rebase":
            return flow.conflict is not None and flow.applied is None
        if action == "propagate":
            return flow.step == Step.FOLLOW and phase in (Phase.RELOADING, Phase.STALE) and not busy
        if action == "restart":
            return flow.step == Step.FOLLOW and phase in (Phase.STALE, Phase.CONFIRM_RESTART) and not busy
        if action == "rollback":
            return (
                flow.step == Step.FOLLOW
                and phase in (Phase.FAILED, Phase.ROLLING)
                and not busy
                and not flow.undo_done
            )
        if action == "revert" and flow.step == Step.SUMMARY:  # undo a change that went well
            return flow.configmap_changed and not flow.undo_done and not busy and phase in SUCCEEDED
        if action == "revert":
            return (
                flow.step == Step.FOLLOW
                and flow.configmap_changed
                and not flow.undo_done
                and not busy
                and phase in (Phase.REJECTED, Phase.STALE, Phase.CONFIRM_RESTART, Phase.FAILED)
            )
        return True

    def _act(self, call, message: str) -> None:
        self._busy = True
        self._refresh()

        def done(outcome) -> None:
            self._busy = False
            if isinstance(outcome, Exception):
                self.flow.problem = f"{message}: {outcome}"
            self._refresh()

        self._background(call, done)

    def action_propagate(self) -> None:
        if self.check_action("propagate", ()):

            def propagate():
                result = self.flow.session.actions.propagate_now(self.flow.key)
                self.flow.problem = None if result.ok else result.message
                return result

            self._act(propagate, "Propagate now failed")

    def _confirm(self, title: str, question: str, then) -> None:
        self.app.push_screen(ConfirmRestart(title, question), lambda yes: yes and then())

    def action_restart(self) -> None:
        if self.check_action("restart", ()):
            kind, ns, name = self.flow.key
            self._confirm(
                "Rollout restart",
                f"Restart every pod of {kind} {ns}/{name} "
                f"({pods_phrase(self.flow.planned.pods)})? New pods start with the new value.",
                lambda: self._act(self.flow.restart, "Restart failed"),
            )

    def action_rollback(self) -> None:
        if self.check_action("rollback", ()):
            kind, ns, name = self.flow.key
            extra = (
                f" ConfigMap {self.flow.setting.configmap} key {self.flow.setting.key} is reverted first."
                if self.flow.configmap_changed
                else ""
            )
            self._confirm(
                "Rollback",
                f"Roll {kind} {ns}/{name} back to its previous revision? Every pod "
                f"({pods_phrase(self.flow.planned.pods)}) is replaced.{extra}",
                lambda: self._act(self.flow.rollback, "Rollback failed"),
            )

    def action_revert(self) -> None:
        if not self.check_action("revert", ()):
            return
        if self.flow.step != Step.SUMMARY:
            self._act(self.flow.revert, "Revert failed")
            return
        s = self.flow.setting
        self._confirm(
            "Revert this change",
            f"Put back the value of ConfigMap {s.configmap} key {s.key} saved before this change? "
            "The pods get the old content as they got the new one.",
            lambda: self._act(self.flow.revert, "Revert failed"),
        )

    # -- buttons and leaving ------------------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        handlers = {
            "to-edit": self._to_edit,
            "edit-back": lambda: self._steps(Step.WHERE),
            "to-review": self._to_review,
            "review-back": self._to_edit,
            "rebase": self.action_rebase,
            "apply": self._apply,
            "propagate": self.action_propagate,
            "restart": self.action_restart,
            "rollback": self.action_rollback,
            "revert": self.action_revert,
            "close": self.action_leave,
            "summary-revert": self.action_revert,
        }
        handler = handlers.get(event.button.id or "")
        if handler is not None:
            handler()

    def action_leave(self) -> None:
        flow = self.flow
        if flow.applied is not None and flow.step != Step.SUMMARY:
            self.app.notify(
                f"Still following {flow.name} of {flow.key[2]} in the background; the events pane "
                "shows the outcome.",
                title="Change",
                markup=False,
            )
        self.dismiss(flow.recorded)
