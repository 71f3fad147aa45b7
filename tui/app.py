"""The Textual application: screens, keys, themes, and the bridge to the cluster session.

The first frame is drawn before the Kubernetes client (or the demo cluster) is imported:
connecting happens in a worker thread after mount.
"""

from __future__ import annotations

import gc
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.message import Message

from tui.config import Config, load_config, user_themes_dir
from tui.screens.controllers import ControllersScreen
from tui.screens.navigation import Navigation
from tui.themes import DEFAULT_THEME, PROJECT_THEMES_DIR, ThemeWatcher, load_themes
from tui.widgets.event_log import EventLog
from tui.widgets.status_bar import StatusBar, StatusInfo

REPO_THEMES_DIR = Path(__file__).resolve().parent.parent / "themes"
EVENT_HISTORY = 10_000
FREEZE_FROM = 1_000  # workloads from which the first lists are frozen out of the garbage collector


class ClusterUpdate(Message):
    """Something arrived from the session; the app drains the buffer in one go."""

    def __init__(self, bridge: SessionBridge) -> None:
        super().__init__()
        self.bridge = bridge


class SessionBridge:
    """The session's sink: called from its threads, it buffers and wakes the UI once per burst."""

    def __init__(self, app: KubeknobsApp) -> None:
        self._app = app
        self._lock = threading.Lock()
        self._upserts: dict[tuple, object] = {}
        self._deletes: set[tuple] = set()
        # Only the newest events can ever be shown: a first sync of 50,000 Events keeps its last EVENT_HISTORY.
        self._events: deque = deque(maxlen=EVENT_HISTORY)
        self._state = None
        self._synced = False
        self._posted = False

    def _wake(self) -> None:
        if not self._posted:
            self._posted = True
            self._app.post_message(ClusterUpdate(self))

    def workloads_changed(self, upserts, deletes) -> None:
        with self._lock:
            for row in upserts:
                self._upserts[row.key] = row
                self._deletes.discard(row.key)
            for key in deletes:
                self._upserts.pop(tuple(key), None)
                self._deletes.add(tuple(key))
            self._wake()

    def state_changed(self, state) -> None:
        with self._lock:
            self._state = state
            self._wake()

    def events(self, events) -> None:
        with self._lock:
            self._events.extend(events)
            self._wake()

    def synced(self) -> None:
        with self._lock:
            self._synced = True
            self._wake()

    def drain(self):
        with self._lock:
            batch = (
                list(self._upserts.values()),
                list(self._deletes),
                list(self._events),
                self._state,
                self._synced,
            )
            self._upserts, self._deletes = {}, set()
            self._events.clear()
            self._state, self._synced, self._posted = None, False, False
        return batch


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
    ) -> None:
        super().__init__()
        self.config = config or Config()
        self._config_problems = list(config_problems)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.demo, self.scenario, self.demo_sync_delay = demo, scenario, demo_sync_delay
        self.kubeconfig, self.context_name = kubeconfig, context
        # An empty list means every namespace (-A), overriding the config file's default.
        self.namespaces = (namespaces or None) if namespaces is not None else self.config.namespaces
        self.readonly = readonly or self.config.readonly
        self.requested_theme = theme or self.config.theme
        self.themes_dir = themes_dir or user_themes_dir()
        self.watch_themes, self.auto_connect = watch_themes, connect
        # Screenshots and snapshots hide what differs per run: live event times, the server's port.
        self.live_events, self.server_label = live_events, server_label
        self.bridge = SessionBridge(self)
        self.session = None
        self.connection = None
        self.demo_cluster = None
        self.synced = False
        self.event_history: deque = deque(maxlen=EVENT_HISTORY)
        self._theme_watcher: ThemeWatcher | None = None
        self.project_themes: set[str] = set()
        self.status_info = StatusInfo()
        self.rows: dict[tuple, object] = {}  # every workload row the session has sent, by key
        self.known_namespaces: list[str] = []  # the last namespace list read from the API
        self._frozen = False  # a session's first lists are frozen out of the garbage collector
        self._retired: list = []  # sessions replaced, to be stopped off the UI loop
        self._backends_lock = threading.Lock()
        self._backends_closed = False  # the app is ending: workers start no session or cluster any more

    # -- start-up ----------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.load_themes(initial=True)
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        for problem in self._config_problems:
            self.notify(problem, title="Config file", severity="warning", timeout=10, markup=False)
        self.theme_changed_signal.subscribe(self, self._on_theme_changed)
        self.push_screen(ControllersScreen())
        self.set_status(readonly=self.readonly, theme=self.theme, namespaces=self.namespace_label)
        if self.watch_themes:
            self._theme_watcher = ThemeWatcher(self.theme_dirs, self._theme_file_changed)
            self._theme_watcher.start()
        if self.auto_connect:
            if self.demo:
                self.start_demo()
            else:
                self.connect(self.kubeconfig, self.context_name)

    def _fatal_error(self) -> None:
        """Textual's crash report, without the values of local variables: they may hold Secrets or tokens."""
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(Segments(self.console.render(traceback, self.console.options)))
        self._close_messages_no_wait()

    def on_unmount(self) -> None:
        self.shutdown_backends()

    def shutdown_backends(self) -> None:
        """Stop the theme watcher, the session and the demo cluster: nothing outlives the app."""
        with self._backends_lock:  # a connect worker still running starts nothing after this
            self._backends_closed = True
        if self._theme_watcher is not None:
            self._theme_watcher.stop()
            self._theme_watcher = None
        self.stop_session()
        while self._retired:  # replaced sessions whose connect had not run yet
            self._retired.pop().stop()
        cluster, self.demo_cluster = self.demo_cluster, None
        if cluster is not None:
            cluster.stop()

    def stop_session(self) -> None:
        session, self.session = self.session, None
        if session is not None:
            session.stop()

    # -- themes ------------------------------------------------------------------------------
    @property
    def theme_dirs(self) -> list[Path]:
        return [PROJECT_THEMES_DIR, REPO_THEMES_DIR, self.themes_dir]

    def load_themes(self, *, initial: bool = False) -> None:
        themes, problems = load_themes(self.theme_dirs)
        for theme in themes.values():
            self.register_theme(theme)
        self.project_themes |= set(themes)
        if problems:
            message = "\n".join(str(p) for p in problems)
            self.notify(
                message + "\nUsing the other themes.",
                title="Theme file problem",
                severity="error",
                timeout=10,
                markup=False,
            )
        if initial:
            wanted = self.requested_theme or DEFAULT_THEME
            if wanted not in self.available_themes:
                self.notify(
                    f"Unknown theme {wanted!r}; using {DEFAULT_THEME}.",
                    title="Theme",
                    severity="warning",
                    markup=False,
                )
                wanted = DEFAULT_THEME
            self.theme = wanted
        elif self.theme in themes:
            # Re-assigning the same name re-applies the edited colours.
            current = self.theme
            self.theme = "textual-dark" if current != "textual-dark" else DEFAULT_THEME
            self.theme = current

    def _theme_file_changed(self, path: Path) -> None:
        self.call_from_thread(self.load_themes)

    def _on_theme_changed(self, theme) -> None:
        self.set_status(theme=theme.name)
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
            self._freeze_first_lists()

    def _freeze_first_lists(self) -> None:
        """On a big cluster, take the first lists' objects out of the garbage collector's walks.

        They live as long as the session, and a full collection that walks them all again stops
        every thread: 0.4 s at 10,000 workloads. A replaced session's objects were frozen with it:
        they are unfrozen and collected first, so that switching namespaces or contexts leaks nothing.
        """
        if self._frozen:
            self._frozen = False
            gc.unfreeze()
            gc.collect()
        if len(self.rows) >= FREEZE_FROM:
            gc.freeze()
            self._frozen = True

    def apply_workloads(self, upserts: list, deletes: list) -> None:
        for key in deletes:
            self.rows.pop(tuple(key), None)
        self.rows.update((row.key, row) for row in upserts)
        for screen in self.screen_stack:
            if isinstance(screen, ControllersScreen):
                screen.apply(upserts, deletes)
            elif hasattr(screen, "workloads_changed"):
                screen.workloads_changed(upserts, deletes)
        self.set_status(counts=f"{len(self.rows)} controller{'' if len(self.rows) == 1 else 's'}")

    def add_events(self, events: list) -> None:
        self.event_history.extend(events)
        for screen in self.screen_stack:
            for log in screen.query(EventLog):
                log.add_events(events)

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
        for screen in self.screen_stack:
            for bar in screen.query(StatusBar):
                bar.info = self.status_info

    # -- connecting ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="connect")
    def start_demo(self) -> None:
        self.call_from_thread(
            self.set_status, context="kubeknobs-demo", state="connecting", reason="starting the demo cluster"
        )
        from tui.localcluster import LocalCluster

        cluster = LocalCluster(scenario=self.scenario, sync_delay=self.demo_sync_delay)
        cluster.start()
        with self._backends_lock:
            if self._backends_closed:  # the app ended while the cluster started: nothing outlives it
                cluster.stop()
                return
            self.demo_cluster = cluster
        self._connect_now(str(cluster.kubeconfig), "kubeknobs-demo")

    @work(thread=True, exclusive=True, group="connect")
    def connect(self, kubeconfig: str | None, context: str | None) -> None:
        while (
            self._retired
        ):  # sessions replaced by `reconnect`; not worker arguments, which outlive the worker
            self._retired.pop().stop()  # joins its threads: kept off the UI loop
        self._connect_now(kubeconfig, context)

    def _connect_now(self, kubeconfig: str | None, context: str | None) -> None:
        from tui.cluster.connect import ConnectError, load_connection, probe

        self.call_from_thread(self.set_status, state="connecting", reason=None)
        connection = None
        try:
            connection = load_connection(kubeconfig, context)
            self.call_from_thread(
                self.set_status, context=connection.context, server=self.server_label or connection.server
            )
            probe(connection, namespaces=self.namespaces)
        except Exception as exc:  # every start-up failure gets the error screen, never a traceback
            from tui.cluster.errors import connect_error_for

            error = (
                exc
                if isinstance(exc, ConnectError)
                else connect_error_for(
                    exc,
                    server=getattr(connection, "server", "?"),
                    context=getattr(connection, "context", "?"),
                    user=getattr(connection, "user", "?"),
                )
            )
            self.call_from_thread(self.show_connect_error, error)
            return
        from tui.cluster.session import ClusterSession

        self.stop_session()
        # The demo's kubelet syncs volumes in seconds; reload matching waits accordingly.
        extra = {"sync_delay": self.demo_sync_delay} if self.demo else {}
        session = ClusterSession(connection, namespaces=self.namespaces, readonly=self.readonly, **extra)
        with self._backends_lock:
            if self._backends_closed:  # the app ended while this worker connected: start nothing
                return
            self.connection, self.session = connection, session
            self.kubeconfig, self.context_name = kubeconfig, connection.context
            session.start(self.bridge)

    def show_connect_error(self, error) -> None:
        from tui.screens.startup_error import StartupErrorScreen

        self.set_status(state="failed", reason=error.title)
        self.push_screen(StartupErrorScreen(error))

    def reconnect(self, *, namespaces: list[str] | None = None, context: str | None = None) -> None:
        """Restart the session for other namespaces or another context; the table starts afresh."""
        self.namespaces = namespaces
        if self.session is not None:
            self._retired.append(self.session)
        self.session = None
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
    try:
        app.run()
    finally:
        app.shutdown_backends()
    return app.return_code or 0
