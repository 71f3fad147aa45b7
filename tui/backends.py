"""What the dashboard runs besides its screens: the demo cluster, the connection, the session.

Nothing here imports Textual. Connecting blocks (it is called from a worker thread); `close` makes
sure nothing outlives the app, even a connect still running when it ends.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tui.cluster.memory import FirstListsFreeze
from tui.cluster.port import SessionSink

if TYPE_CHECKING:
    from tui.cluster.connect import Connection
    from tui.cluster.errors import ConnectError
    from tui.cluster.session import ClusterSession
    from tui.localcluster import LocalCluster
    from tui.model.profiles import ProfileSet

DEMO_CONTEXT = "kubeknobs-demo"


@dataclass
class BackendOptions:
    namespaces: list[str] | None = None  # None: every namespace
    readonly: bool = False
    demo: bool = False
    scenario: str = "kubernaut"
    demo_sync_delay: float = 3
    server_label: str | None = None  # shown instead of the server's address (screenshots hide the port)
    session_factory: Callable[..., ClusterSession] | None = None  # None: ClusterSession


class Backends:
    """Start, replace and stop the cluster side; report to the UI through thread-safe callbacks."""

    def __init__(
        self,
        options: BackendOptions,
        *,
        status: Callable[..., None],
        failed: Callable[[ConnectError], None],
        profile_problems: Callable[[list], None],
    ) -> None:
        self.options = options
        self._status, self._failed, self._profile_problems = status, failed, profile_problems
        self.session: ClusterSession | None = None
        self.connection: Connection | None = None
        self.kubeconfig: str | None = None  # of the last connect that succeeded, or the one asked for
        self.context: str | None = None
        self.demo_cluster: LocalCluster | None = None
        self._profiles: ProfileSet | None = None
        self._retired: list[ClusterSession] = []  # sessions replaced, to be stopped off the UI loop
        self._lock = threading.Lock()
        self._closed = False  # the app is ending: no session or cluster starts any more
        self.first_lists = FirstListsFreeze()

    # -- starting ------------------------------------------------------------------------------
    def start_demo(self, sink: SessionSink) -> None:
        """Start the embedded demo cluster, then connect to it (blocks)."""
        self._status(context=DEMO_CONTEXT, state="connecting", reason="starting the demo cluster")
        from tui.localcluster import LocalCluster

        cluster = LocalCluster(scenario=self.options.scenario, sync_delay=self.options.demo_sync_delay)
        cluster.start()
        with self._lock:
            if self._closed:  # the app ended while the cluster started: nothing outlives it
                cluster.stop()
                return
            self.demo_cluster = cluster
        self.connect(str(cluster.kubeconfig), DEMO_CONTEXT, sink)

    def connect(self, kubeconfig: str | None, context: str | None, sink: SessionSink) -> None:
        """Stop the replaced sessions, probe the cluster, and start a session that reports to `sink` (blocks)."""
        while self._retired:
            self._retired.pop().stop()  # joins its threads: kept off the UI loop
        from tui.cluster.connect import ConnectError, load_connection, probe

        self._status(state="connecting", reason=None)
        connection = None
        try:
            connection = load_connection(kubeconfig, context)
            self._status(context=connection.context, server=self.options.server_label or connection.server)
            probe(connection, namespaces=self.options.namespaces)
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
            self._failed(error)
            return
        self.stop_session()
        session = self._new_session(connection)
        with self._lock:
            if self._closed:  # the app ended while this connected: start nothing
                return
            self.connection, self.session = connection, session
            self.kubeconfig, self.context = kubeconfig, connection.context
            session.start(sink)

    def _new_session(self, connection: Connection) -> ClusterSession:
        if self._profiles is None:  # once per app: a bad profile file is reported once
            from tui.model.profiles import ProfileSet

            self._profiles, errors = ProfileSet.load()
            if errors:
                self._profile_problems(errors)
        from tui.cluster.session import ClusterSession

        factory = self.options.session_factory or ClusterSession
        # The demo's kubelet syncs volumes in seconds; reload matching waits accordingly.
        extra: dict[str, Any] = {"sync_delay": self.options.demo_sync_delay} if self.options.demo else {}
        return factory(
            connection,
            namespaces=self.options.namespaces,
            readonly=self.options.readonly,
            profiles=self._profiles,
            **extra,
        )

    def replace(self, namespaces: list[str] | None) -> None:
        """Retire the session (it is stopped by the next `connect`, off the UI loop) for other namespaces."""
        self.options.namespaces = namespaces
        if self.session is not None:
            self._retired.append(self.session)
        self.session = None

    # -- stopping ------------------------------------------------------------------------------
    def stop_session(self) -> None:
        session, self.session = self.session, None
        if session is not None:
            session.stop()

    def close(self) -> None:
        """Stop the session, the replaced ones and the demo cluster: nothing outlives the app."""
        with self._lock:  # a connect still running starts nothing after this
            self._closed = True
        self.stop_session()
        while self._retired:  # replaced sessions whose connect had not run yet
            self._retired.pop().stop()
        cluster, self.demo_cluster = self.demo_cluster, None
        if cluster is not None:
            cluster.stop()
