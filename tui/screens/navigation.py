"""The keys every screen shares: open logs, YAML, events, the wizard, restart, help and pickers.

Mixed into the App, so a screen binds them as `app.logs`, `app.yaml`, ... and they act on the
controller the operator is looking at.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from textual import work
from textual.app import App, SystemCommand
from textual.screen import Screen

if TYPE_CHECKING:
    from tui.cluster.connect import Connection
    from tui.cluster.port import ClusterPort, WorkloadRow
    from tui.model.layers import Setting
    from tui.screens.controllers import ControllersScreen
    from tui.widgets.status_bar import StatusInfo


class DashboardApp(Protocol):
    """The members of the App the mixin needs besides Textual's own."""

    known_namespaces: list[str]
    rows: dict[tuple, WorkloadRow]

    @property
    def project_themes(self) -> set[str]: ...

    @property
    def session(self) -> ClusterPort | None: ...

    @property
    def connection(self) -> Connection | None: ...

    @property
    def namespaces(self) -> list[str] | None: ...

    @property
    def context_name(self) -> str | None: ...

    @property
    def controllers_screen(self) -> ControllersScreen | None: ...

    def reconnect(self, *, namespaces: list[str] | None = None, context: str | None = None) -> None: ...

    readonly: bool
    status_info: StatusInfo

    def set_status(self, **changes) -> None: ...


@runtime_checkable
class AboutController(Protocol):
    """A screen about one controller, or about none (`None`): the shared keys act on it."""

    workload_key: tuple | None


@runtime_checkable
class FocusesSetting(Protocol):
    """A screen with a setting in focus: the wizard changes that one."""

    @property
    def focused_setting(self) -> Setting | None: ...


def shown_controller(screen: Screen) -> tuple | None:
    return screen.workload_key if isinstance(screen, AboutController) else None


def focused_setting(screen: Screen) -> Setting | None:
    return screen.focused_setting if isinstance(screen, FocusesSetting) else None


# For the type checker the mixin is a Textual App with those members; at run time the App supplies them.
if TYPE_CHECKING:

    class _App(App, DashboardApp):
        pass

else:
    _App = object


class Navigation(_App):
    def selected_workload(self) -> tuple | None:
        key = shown_controller(self.screen)
        if key is not None:
            return key
        screen = self.controllers_screen
        return screen.table.cursor_key if screen is not None and screen.table_ready else None

    def open_detail(self, key: tuple) -> None:
        from tui.screens.detail import DetailScreen

        self.push_screen(DetailScreen(key))

    def _need(self, what: str) -> tuple | None:
        key = self.selected_workload()
        if key is None:
            self.notify(f"Select a controller first to {what}.", severity="warning")
            return None
        if self.session is None:
            self.notify("Not connected to a cluster yet.", severity="warning")
            return None
        return key

    def action_logs(self) -> None:
        from tui.screens.logs import LogsScreen

        if (key := self._need("follow its logs")) is not None:
            self.push_screen(LogsScreen(key))

    def action_yaml(self) -> None:
        from tui.screens.yaml_view import YamlScreen

        if (key := self._need("see its YAML")) is not None:
            self.push_screen(YamlScreen(key))

    def action_events(self) -> None:
        self.push_events_screen(shown_controller(self.screen))

    def push_events_screen(self, key: tuple | None) -> None:
        from tui.screens.events import EventsScreen

        self.push_screen(EventsScreen(key))

    def write_refusal(self) -> str | None:
        """Why this context may change nothing, when RBAC says so; under --readonly each dialog says it."""
        if self.status_info.readonly and not self.readonly:
            return "Not offered: this context may not patch deployments or configmaps here (RBAC)."
        return None

    def action_change_setting(self) -> None:
        from tui.screens.wizard.history_screen import session_history
        from tui.screens.wizard.screen import WizardScreen

        if (key := self._need("change a setting")) is None:
            return
        if (refusal := self.write_refusal()) is not None:
            self.notify(refusal, severity="warning", markup=False)
            return
        setting = focused_setting(self.screen)
        if setting is None:
            self.open_detail(key)
            self.notify("Pick the setting to change, then press e.", markup=False)
            return
        self.push_screen(WizardScreen(key, setting, history=session_history(self.session)))

    def action_restart(self) -> None:
        from tui.screens.restart import RestartScreen

        if (key := self._need("restart it")) is None:
            return
        if (refusal := self.write_refusal()) is not None:  # said before the dialog
            self.notify(refusal, severity="warning", markup=False)
            return
        self.push_screen(RestartScreen(key))

    def action_rollback(self) -> None:
        from tui.screens.rollback import RollbackScreen

        if (key := self._need("roll it back")) is not None:
            self.push_screen(RollbackScreen(key))

    @work(thread=True, exclusive=True, group="write-access")
    def check_write_access(self) -> None:
        """A context RBAC allows no change in is shown READ-ONLY, the same as --readonly."""
        from tui.cluster.access import may_write

        # the session is read here, not passed in: a worker keeps its arguments, and a replaced
        # session must be freed
        session = self.session
        if session is not None and not session.readonly and not may_write(session.can, self.namespaces):
            self.call_from_thread(self.set_status, readonly=True)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_pick_namespace(self) -> None:
        if self.session is None:
            self.notify("Not connected to a cluster yet.", severity="warning")
            return
        self._open_namespace_picker(self.session)

    @work(thread=True, exclusive=True, group="namespaces")
    def _open_namespace_picker(self, session: ClusterPort) -> None:
        from tui.screens.pickers import NamespacePicker

        namespaces = session.namespaces()  # off the UI loop: a slow API must not freeze the keys
        self.known_namespaces = namespaces

        def picked(chosen: list[str] | None) -> None:
            if chosen is not None:  # None: the picker was closed without a choice
                self.reconnect(namespaces=chosen or None)

        self.call_from_thread(self.push_screen, NamespacePicker(namespaces, self.namespaces), picked)

    def action_pick_context(self) -> None:
        from tui.screens.pickers import ContextPicker

        contexts = self.connection.contexts if self.connection else []
        if not contexts:
            self.notify("No kubeconfig contexts to choose from.", severity="warning")
            return

        def picked(chosen: str | None) -> None:
            if chosen:
                self.reconnect(namespaces=self.namespaces, context=chosen)

        self.push_screen(ContextPicker(contexts, self.context_name), picked)

    def action_pick_theme(self) -> None:
        self.search_themes()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from tui.screens.palette import dashboard_commands
        from tui.screens.wizard.history_screen import ChangeHistoryScreen

        yield from super().get_system_commands(screen)
        yield from dashboard_commands(self, screen)
        yield SystemCommand(
            "Change history",
            "Changes made with kubeknobs, newest first",
            lambda: self.push_screen(ChangeHistoryScreen()),
        )
