"""Change one setting the way its layer needs: a ConfigMap key in place, or the pod template.

The value is validated by its type first; a dry run runs on the server before the real apply,
and the result (conflict, forbidden, invalid) is shown as the action layer reports it.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from tui.widgets.safe_text import clean
from tui.widgets.setting_panel import setting_text
from tui.widgets.settings_table import short_name


def change_route(setting) -> str:
    """`configmap-path`, `configmap-key`, `template`, or why the value cannot be edited here."""
    if setting.secret:
        return "refused:secret"
    if str(setting.layer) == "immutable":
        return "refused:immutable"
    if setting.configmap and setting.key and setting.key_path:
        return "configmap-path"
    if setting.configmap and setting.key:
        return "configmap-key"
    if str(setting.source) in ("flag", "env") and not setting.configmap:
        return "template"
    return "refused:unsupported"


REFUSALS = {
    "refused:secret": "This value comes from a Secret: kubeknobs never shows or edits Secret values.",
    "refused:immutable": "The ConfigMap is immutable: create a new ConfigMap and point the workload at it "
                         "(see the plan above).",
    "refused:unsupported": "This setting has no single value to edit here; follow the plan above.",
}


class ChangeScreen(ModalScreen[object]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="change.cancel")]

    def __init__(self, workload_key: tuple, setting) -> None:
        super().__init__()
        self.workload_key = tuple(workload_key)
        self.setting = setting
        self.route = change_route(setting)
        self.result = None

    def compose(self) -> ComposeResult:
        setting = self.setting
        with Vertical(classes="dialog", id="change"):
            yield Static(Text("Change " + clean(short_name(setting)), end=""), classes="title", markup=False)
            yield Static(setting_text(self.app, setting), markup=False, id="change-plan")
            if self.route.startswith("refused"):
                yield Static(REFUSALS[self.route], classes="problem", markup=False)
            elif self.app.readonly:
                yield Static("kubeknobs runs read-only (--readonly): nothing will be changed.",
                             classes="problem", markup=False)
            else:
                current = "" if setting.value is None else clean(setting.value)
                yield Input(value=current, id="new-value", placeholder=f"new {setting.value_type} value")
            yield Static("", id="change-result", classes="hint", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Cancel (esc)", id="cancel")
                editable = not self.route.startswith("refused") and not self.app.readonly
                yield Button("Dry run", id="dry-run", disabled=not editable)
                yield Button("Apply", id="apply", variant="warning", disabled=not editable)

    def on_mount(self) -> None:
        inputs = self.query("#new-value")
        (inputs.first() if inputs else self.query_one("#cancel", Button)).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.action_cancel()
        else:
            self.submit(dry_run=event.button.id == "dry-run")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.submit(dry_run=True)

    def action_cancel(self) -> None:
        self.dismiss(self.result)

    def _say(self, message: str) -> None:
        self.query_one("#change-result", Static).update(Text(message, end=""))

    def submit(self, *, dry_run: bool) -> None:
        if self.route.startswith("refused") or self.app.readonly:
            return
        value = self.query_one("#new-value", Input).value
        problem = self._validate(value)
        if problem:
            self._say(f"Not changed: {problem}")
            return
        self._say("Dry run on the server…" if dry_run else "Applying…")
        self.apply(value, dry_run)

    def _validate(self, value: str) -> str | None:
        if value == (self.setting.value or ""):
            return "the new value is the same as the current one"
        from tui.model.flags import validate_value

        return validate_value(self.setting.value_type, value)

    @work(thread=True, exclusive=True)
    def apply(self, value: str, dry_run: bool) -> None:
        setting, actions = self.setting, self.app.session.actions
        try:
            if self.route == "configmap-path":
                result = actions.edit_configmap_key_path(setting.namespace, setting.configmap, setting.key,
                                                         setting.key_path, value, dry_run=dry_run)
            elif self.route == "configmap-key":
                result = actions.edit_configmap_key(setting.namespace, setting.configmap, setting.key, value,
                                                    dry_run=dry_run)
            else:
                result = actions.edit_container_value(self.workload_key, setting.container, str(setting.source),
                                                      setting.name, value, value_type=setting.value_type,
                                                      dry_run=dry_run)
        except Exception as exc:  # shown, never raised: the screen stays usable
            self.app.call_from_thread(self._say, f"Not changed: {clean(exc)}")
            return
        self.app.call_from_thread(self._done, result, dry_run)

    def _done(self, result, dry_run: bool) -> None:
        self.result = result
        message = clean(result.message)
        if result.ok and dry_run:
            self._say(f"Dry run passed: {message}. Press Apply to make the change.")
        elif result.ok:
            after = " The key is restart-only: press r on the controller to restart it." \
                if str(self.setting.layer) == "restart" and self.route != "template" else ""
            self._say(f"Applied: {message}.{after}")
            self.app.notify(f"{clean(self.setting.name)}: {message}", title="Changed", markup=False)
        else:
            extra = ""
            if getattr(result, "current_value", None) is not None:
                extra = f" The server now holds: {clean(result.current_value)[:80]}"
            if getattr(result, "denied", None):
                extra = f" Missing permission: {clean(result.denied)}."
            self._say(f"Not changed ({result.status}): {message}.{extra}")
