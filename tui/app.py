"""The Textual application: screens, keys, and the bridge to the cluster side.

The first frame is drawn before the Kubernetes client (or the demo cluster) is imported:
connecting happens in a worker thread after mount. What runs besides the screens lives in
`tui.backends`, the thread→UI bridge in `tui.bridge`, the themes in `tui.themes`.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.signal import Signal

from tui.backends import BackendOptions, Backends
from tui.bridge import ClusterUpdate, EventHistory, SessionBridge
from tui.config import Config, load_config, save_theme, user_themes_dir
from tui.screens.controllers import ControllersScreen
from tui.screens.navigation import Navigation
from tui.screens.wizard.confirm import ConfirmRestart
from tui.themes import ThemeManager
from tui.widgets.status_bar import StatusInfo

if TYPE_CHECKING:
    from tui.cluster.connect import Connection
    from tui.cluster.port import ClusterPort, WorkloadRow
    from tui.localcluster import LocalCluster
    from tui.model.events import ClusterEvent


class WorkloadsChange(NamedTuple):
    """Rows the session sent since the last change, and the keys of the workloads gone."""

    upserts: list[WorkloadRow]
    deletes: list[tuple]


class KubeknobsApp(Navigation, App):
    CSS_PATH = "app.tcss"
    TITLE = "kubeknobs"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True, tooltip="Quit kubeknobs"),
        Binding("question_mark", "help", "Help", id="app.help", tooltip="Every key and what it does"),
        Binding(
            "n", "pick_namespace", "Namespace", id="app.namespace", tooltip="Choose the namespaces shown"
        ),
        Binding(
            "c", "pick_context", "Context", show=False, id="app.context", tooltip="Switch kubeconfig context"
        ),
        Binding("T", "pick_theme", "Theme", show=False, id="app.theme", tooltip="Switch theme"),
    ]

    def __init__(
        self,
        *,
        demo: bool = False,
        scenario: str = "kubernaut",
        kubeconfig: str | None = None,
        context: str | None = None,
        namespaces: list[str] | None = None,
        readonly: bool = False,
        theme: str | None = None,
        config: Config | None = None,
        config_problems: Iterable[str] = (),
        clock: Callable[[], datetime] | None = None,
        watch_themes: bool = True,
        themes_dir: Path | None = None,
        connect: bool = True,
        demo_sync_delay: float = 3,
        live_events: bool = True,
        server_label: str | None = None,
        session_factory: Callable | None = None,
    ) -> None:
        super().__init__()
        self.config = config or Config()
        self._config_problems = list(config_problems)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.demo = demo
        self.readonly = readonly or self.config.readonly
        self.auto_connect = connect
        # Screenshots and snapshots hide what differs per run: live event times, the server's port.
        self.live_events = live_events
        self.backends = Backends(
            BackendOptions(
                # An empty list means every namespace (-A), overriding the config file's default.
                namespaces=(namespaces or None) if namespaces is not None else self.config.namespaces,
                readonly=self.readonly,
                demo=demo,
                scenario=scenario,
                demo_sync_delay=demo_sync_delay,
                server_label=server_label,
                session_factory=session_factory,
            ),
            status=lambda **changes: self.call_from_thread(self.set_status, **changes),
            failed=lambda error: self.call_from_thread(self.show_connect_error, error),
            profile_problems=lambda errors: self.call_from_thread(self.show_profile_problems, errors),
        )
        self.backends.kubeconfig, self.backends.context = kubeconfig, context
        self.themes = ThemeManager(
            self,
            user_dir=themes_dir or user_themes_dir(),
            requested=theme or self.config.theme,
            watch=watch_themes,
        )
        self.bridge = SessionBridge(self)
        self.synced = False
        self.event_history = EventHistory()
        self.following: set = set()  # the ChangeRuns following a change now
        self.status_info = StatusInfo()
        self.rows: dict[tuple, WorkloadRow] = {}  # every workload row the session has sent, by key
        self.known_namespaces: list[str] = []  # the last namespace list read from the API
        # Screens that show workloads subscribe; the app never needs to know which they are.
        self.workloads_signal: Signal[WorkloadsChange] = Signal(self, "workloads")
        # Event panes take the events not seen before; status bars the whole status, each time it changes.
        self.events_signal: Signal[list[ClusterEvent]] = Signal(self, "events")
        self.status_signal: Signal[StatusInfo] = Signal(self, "status")

    # -- what screens read -------------------------------------------------------------------
    @property
    def session(self) -> ClusterPort | None:
        return self.backends.session

    @property
    def connection(self) -> Connection | None:
        return self.backends.connection

    @property
    def demo_cluster(self) -> LocalCluster | None:
        return self.backends.demo_cluster

    @property
    def namespaces(self) -> list[str] | None:
        return self.backends.options.namespaces

    @property
    def kubeconfig(self) -> str | None:
        return self.backends.kubeconfig

    @property
    def context_name(self) -> str | None:
        return self.backends.context

    @property
    def project_themes(self) -> set[str]:
        return self.themes.names

    # -- start-up ----------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.themes.start()
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        for problem in self._config_problems:
            self.notify(problem, title="Config file", severity="warning", timeout=10, markup=False)
        self.theme_changed_signal.subscribe(self, self._on_theme_changed)
        self.push_screen(ControllersScreen())
        self.set_status(readonly=self.readonly, theme=self.theme, namespaces=self.namespace_label)
        if self.auto_connect:
            if self.demo:
                self.start_demo()
            else:
                self.connect(self.kubeconfig, self.context_name)

    def _fatal_error(self) -> None:
        """Textual's crash report, without the values of local variables: they may hold Secrets or tokens.

        Textual (8.2) has no public hook for an unhandled exception (Textualize/textual#2818): its
        `_handle_exception` calls this method, so it is overridden until such a hook exists.
        """
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(Segments(self.console.render(traceback, self.console.options)))
        self._close_messages_no_wait()

    async def action_quit(self) -> None:
        """Quit; while a change is followed, only after the operator says so."""
        if not self.following:
            self.exit()
            return
        names = ", ".join(sorted(f"{run.flow.name} of {run.flow.key[2]}" for run in self.following))
        question = (
            f"Still following {names}: it is applied, but whether every pod takes it is not known yet. "
            "Quit anyway? The change history will say the follow was left."
        )
        self.push_screen(ConfirmRestart("Quit while a change is followed", question), self._quit_answered)

    def _quit_answered(self, yes: bool | None) -> None:
        if yes:
            self.exit()

    def on_unmount(self) -> None:
        for run in list(self.following):  # ctrl+q confirmed, or a signal: the history says so
            run.leave()
        self.shutdown_backends()

    def shutdown_backends(self) -> None:
        """Stop the theme watcher, the session and the demo cluster: nothing outlives the app."""
        self.themes.stop()
        self.backends.close()

    def stop_session(self) -> None:
        self.backends.stop_session()

    # -- themes ------------------------------------------------------------------------------
    def _on_theme_changed(self, theme) -> None:
        self.set_status(theme=theme.name)
        if self.config.path is not None and theme.name != self.config.theme:  # the operator's pick is kept
            self.config.theme = theme.name
            if problem := save_theme(self.config.path, theme.name):
                self.notify(problem, severity="warning", markup=False)
        for screen in self.screen_stack:
            screen.refresh(repaint=True)
            for widget in screen.query("*"):
                widget.refresh()

    # -- the bridge from the session ---------------------------------------------------------
    def on_cluster_update(self, message: ClusterUpdate) -> None:
        if message.bridge is not self.bridge:
            return  # from a session that was replaced: its news is stale
        upserts, deletes, events, state, synced = self.bridge.drain()
        if state is not None:
            self.set_status(state=state.status, reason=state.reason)
        if upserts or deletes:
            self.apply_workloads(upserts, deletes)
        if events and self.live_events:
            self.add_events(events)
        if synced:
            self.synced = True
            self.set_status(state="connected", reason=None)
            self.check_write_access()
            self.backends.first_lists.synced(len(self.rows))

    def apply_workloads(self, upserts: list, deletes: list) -> None:
        for key in deletes:
            self.rows.pop(tuple(key), None)
        self.rows.update((row.key, row) for row in upserts)
        self.workloads_signal.publish(WorkloadsChange(upserts, deletes))
        self.set_status(counts=f"{len(self.rows)} controller{'' if len(self.rows) == 1 else 's'}")

    def add_events(self, events: list) -> None:
        fresh = self.event_history.add(events)
        if fresh:
            self.events_signal.publish(fresh)

    @property
    def controllers_screen(self) -> ControllersScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, ControllersScreen):
                return screen
        return None

    @property
    def namespace_label(self) -> str:
        return ", ".join(self.namespaces) if self.namespaces else "all namespaces"

    def set_status(self, **changes) -> None:
        self.status_info = replace(self.status_info, **changes)
        self.status_signal.publish(self.status_info)

    # -- connecting ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="connect")
    def start_demo(self) -> None:
        self.backends.start_demo(self.bridge)

    @work(thread=True, exclusive=True, group="connect")
    def connect(self, kubeconfig: str | None, context: str | None) -> None:
        self.backends.connect(kubeconfig, context, self.bridge)

    def show_connect_error(self, error) -> None:
        from tui.screens.startup_error import StartupErrorScreen

        self.set_status(state="failed", reason=error.title)
        self.push_screen(StartupErrorScreen(error))

    def show_profile_problems(self, errors: list) -> None:
        """Profile files that cannot be used, each with its path, in one notification."""
        self.notify(
            "\n".join(str(e) for e in errors) + "\nThe other profiles are used.",
            title="Profile file problem",
            severity="warning",
            timeout=10,
            markup=False,
        )

    def reconnect(self, *, namespaces: list[str] | None = None, context: str | None = None) -> None:
        """Restart the session for other namespaces or another context; the table starts afresh."""
        self.backends.replace(namespaces)
        self.bridge = SessionBridge(self)
        self.synced = False
        self.rows.clear()
        screen = self.controllers_screen
        if screen is not None:
            screen.reset()
        self.set_status(namespaces=self.namespace_label)
        self.connect(self.kubeconfig, context or self.context_name)


def run_app(args) -> int:
    config, problems = load_config()
    app = KubeknobsApp(
        demo=args.demo,
        scenario=args.scenario,
        kubeconfig=args.kubeconfig,
        context=args.context,
        namespaces=[] if args.all_namespaces else args.namespace,
        readonly=args.readonly,
        theme=args.theme,
        config=config,
        config_problems=problems,
    )
    previous = {sig: signal.signal(sig, lambda signum, _frame: _end_on_signal(app, signum)) for sig in ENDING}
    try:
        app.run()
    finally:
        # a second signal must not cut the clean-up short: it removes the demo's kubeconfig and key
        for sig in ENDING:
            signal.signal(sig, signal.SIG_IGN)
        app.shutdown_backends()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return app.return_code or 0


# The terminal closed (SIGHUP), a kill (SIGTERM) or an interrupt from outside (SIGINT; ctrl+c inside
# the app is a key): each ends the app as ctrl+q does, so that nothing it started outlives it.
ENDING = (signal.SIGHUP, signal.SIGTERM, signal.SIGINT)


def _end_on_signal(app: KubeknobsApp, signum: int) -> None:
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # before the app runs, or after it ended: unwind through run_app's finally
        raise SystemExit(128 + signum) from None
    loop.call_soon_threadsafe(lambda: app.exit(return_code=128 + signum))
