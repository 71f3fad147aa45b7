"""A live view of one cluster for the dashboard: workloads, their settings, the event stream.

The façade over its parts: the informers and their indexes (`cache`), the rows (`rows`), the delta
handlers (`router`), the reload watch and the log follows. Blocking I/O runs on the session's own
threads; the sink is called from them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from tui.cluster.cache import ClusterCache
from tui.cluster.connect import Connection, open_api
from tui.cluster.crashlogs import CrashLogs
from tui.cluster.errors import ApiError, TransportError, describe
from tui.cluster.feed import WORKLOAD_PLURALS, workload_row
from tui.cluster.informer import Batcher, Informer, InformerState
from tui.cluster.port import ConnectionState, LogLine, SessionSink, WorkloadKey, WorkloadRow
from tui.cluster.redact import display_yaml
from tui.cluster.reload import ReloadCorrelator
from tui.cluster.reloadwatch import ReloadWatch
from tui.cluster.resources import BY_KIND, RESOURCES
from tui.cluster.router import DeltaRouter, Routed
from tui.cluster.rows import RowBuilder
from tui.cluster.slim import HANDED_ON, SLIM
from tui.model.objects import SecretsRead

if TYPE_CHECKING:
    from tui.cluster.access import AccessReview
    from tui.cluster.actions import Actions
    from tui.cluster.logs import LogFollower

__all__ = ["ClusterSession", "ConnectionState", "LogLine", "SessionSink", "WorkloadRow"]

WATCHED = ("configmaps", "deployments", "statefulsets", "daemonsets", "pods", "events")
_SYNCED = object()
FIRST_LISTS_WAIT = 15.0  # seconds the other lists wait for the controllers' lists at most
FIRST_EVENTS = (
    10_000  # Kubernetes Events of the first lists handed over: the newest, as many as the app keeps
)


class ClusterSession:
    def __init__(
        self,
        connection: Connection,
        *,
        namespaces: list[str] | None = None,
        profiles=None,
        readonly: bool = False,
        sync_delay: float = 60.0,
        margin: float = 30.0,
        api=None,
        kinds: tuple[str, ...] = WATCHED,
        on_applied: Callable[[list], None] | None = None,
    ):
        self.connection = connection
        self.namespace_filter = list(namespaces) if namespaces else None
        self.readonly = readonly
        self.kinds = kinds
        self.profile_errors: list = []
        if profiles is None:  # loaded here, on the caller's thread, never on the delta thread
            from tui.model.profiles import ProfileSet

            profiles, self.profile_errors = ProfileSet.load()
        self._profiles = profiles
        self._api = api
        self._on_applied = on_applied  # an observer of every batch of deltas, once applied (the benchmark's)
        self.cache = ClusterCache()
        self.cache.objects.set_secrets_read(SecretsRead.NOT_LISTED)  # the session never lists Secrets
        self.row_builder = RowBuilder(self.cache, lambda: self._profiles)
        self._user_follows: list[tuple[tuple, LogFollower]] = []
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._sink: SessionSink | None = None
        self._state = ConnectionState("offline")
        self._synced = False
        self._first_events: list = []  # Kubernetes Events listed before every list is in, newest kept
        self.correlator = ReloadCorrelator(window=sync_delay + margin)
        self.reloads = ReloadWatch(self)
        self.router = DeltaRouter(
            self.cache, self.row_builder, self.reloads, self.correlator, synced=lambda: self._synced
        )
        self.crash_logs = CrashLogs(lambda: self._api, self.emit)
        self._batcher = Batcher(self._on_items, interval=0.05, name="kubeknobs-session-deltas")
        self._thread: threading.Thread | None = None
        self._access: AccessReview | None = None
        self._identity: str | None = None
        self._actions: Actions | None = None

    # -- life cycle ------------------------------------------------------------------------
    def start(self, sink: SessionSink) -> None:
        self._sink = sink
        self._set_state(ConnectionState("connecting"))
        self._thread = threading.Thread(target=self._run, daemon=True, name="kubeknobs-session")
        self._thread.start()

    def open_api(self):
        """The session's one client (opened on first use; may run a credential plugin)."""
        with self._lock:
            if self._api is None:
                self._api = open_api(self.connection)
            return self._api

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def _run(self) -> None:
        try:
            api = self.open_api()
        except Exception as exc:  # noqa: BLE001 - any failure here is shown as the session's state
            self._set_state(ConnectionState("failed", describe(exc)))
            return
        self._note_forbidden_secrets()
        self.cluster_identity()
        # Under the lock `stop` takes its list of informers with: a session stopped while it was still
        # connecting starts nothing, and one stopped later stops every informer it started.
        with self._lock:
            if self._stop.is_set():
                return
            self._batcher.start()
            scopes: Sequence[str | None] = self.namespace_filter or [None]  # None: every namespace
            for ns in scopes:
                for plural in self.kinds:
                    informer = Informer(
                        api,
                        RESOURCES[plural],
                        namespace=ns,
                        batcher=self._batcher,
                        on_state=self._on_informer_state,
                        on_synced=self._on_synced,
                        transform=SLIM.get(plural),
                        keep_objects=plural not in HANDED_ON,
                    )
                    self.cache.add(plural, ns, informer)
            # The table needs only the controllers: their lists and rows go first, alone, before the big pod
            # and event lists compete with them for the interpreter.
            first = [i for i in self.cache.informers() if i.resource.plural in WORKLOAD_PLURALS]
            for informer in first:
                informer.start()
        deadline = time.monotonic() + FIRST_LISTS_WAIT
        while not self._stop.is_set() and time.monotonic() < deadline and not self._first_rows_out(first):
            self._stop.wait(0.02)
        with self._lock:
            for informer in self.cache.informers():
                if informer not in first and not self._stop.is_set():
                    informer.start()
        while not self._stop.wait(0.5):
            self.emit(self.correlator.tick())
            self.reloads.retire()

    def cluster_identity(self) -> str:
        """The cluster the change history is kept for: the API server and its kube-system namespace's UID."""
        from tui.cluster.identity import cluster_identity

        if self._identity is None:
            self._identity = cluster_identity(self.open_api(), self.connection.server)
        return self._identity

    def _note_forbidden_secrets(self) -> None:
        """Where RBAC forbids listing Secrets, a Secret a workload names is described as unreadable."""
        scopes: Sequence[str | None] = self.namespace_filter or [None]  # None: every namespace
        for ns in scopes:
            if self._stop.is_set():
                return
            if not self.access.can("list", "secrets", ns):
                self.cache.objects.set_secrets_read(SecretsRead.FORBIDDEN, ns)

    def _first_rows_out(self, first: list[Informer]) -> bool:
        if not all(i.synced.is_set() or i.state.status == "failed" for i in first):
            return False
        return len(self.row_builder.rows) >= sum(len(i.snapshot()) for i in first)

    def stop(self) -> None:
        """Ends every thread of the session within about two seconds."""
        self._stop.set()
        deadline = time.monotonic() + 2.0
        with self._lock:
            informers = self.cache.informers()
        for informer in informers:
            informer.signal_stop()
        with self._lock:
            followers = self.reloads.take_all() + [f for _, f in self._user_follows]
            self._user_follows.clear()
        for follower in followers:
            follower.stopped.set()
        for follower in followers:
            follower.stop(max(0.1, deadline - time.monotonic()))
        for informer in informers:
            informer.stop(max(0.1, deadline - time.monotonic()))
        if self._thread is not None and self._thread.is_alive():
            self._thread.join(max(0.1, deadline - time.monotonic()))
        self._batcher.stop(max(0.1, deadline - time.monotonic()))
        if self._api is not None:
            self._api.close()  # a crash log GET still waiting ends with it
        self.crash_logs.stop(max(0.1, deadline - time.monotonic()))
        self._set_state(ConnectionState("offline"))

    # -- state -----------------------------------------------------------------------------
    def _set_state(self, state: ConnectionState) -> None:
        if state != self._state:
            self._state = state
            if self._sink is not None:
                self._sink.state_changed(state)

    @property
    def state(self) -> ConnectionState:
        return self._state

    def informers(self) -> list[Informer]:
        return self.cache.informers()

    def _on_informer_state(self, informer: Informer, _state: InformerState) -> None:
        states = [i.state for i in self.cache.informers()]
        failed = [s for s in states if s.status == "failed"]
        trouble = [s for s in states if s.status == "reconnecting"]
        if failed:
            self._set_state(ConnectionState("failed", failed[0].reason))
            if not self._synced:
                self._on_synced(informer)
        elif trouble:
            self._set_state(ConnectionState("reconnecting", trouble[0].reason))
        elif all(s.status == "connected" for s in states):
            self._set_state(ConnectionState("connected"))

    def _on_synced(self, _informer: Informer) -> None:
        # a kind the user may not list is settled too: the dashboard shows the rest and the reason
        if all(i.synced.is_set() or i.state.status == "failed" for i in self.cache.informers()):
            self._batcher.put([_SYNCED])

    # -- deltas ----------------------------------------------------------------------------
    def _on_items(self, items: list) -> None:
        routed = Routed()
        announce = False
        for item in items:
            if item is _SYNCED:
                announce = not self._synced
                continue
            try:
                self.router.route(item, routed)
            except Exception as exc:  # noqa: BLE001 - one odd object never stops the stream
                routed.events.append(_note(item, exc))
        for key in routed.pods_moved:
            self.refresh_follows(key)
        # a big first list shows its rows at once and fills in layer summaries afterwards
        cheap = len(routed.dirty) > 200
        upserts, later = [], []
        for key in routed.dirty:
            obj = self.cache.workload_object(key)
            if obj is not None:
                row = self.row_builder.row(key, obj, cheap=cheap)
                if row is None:
                    row = workload_row(key.kind, obj, summary="…")
                    later.append(key)
                self.row_builder.put(key, row)
                upserts.append(row)
        if self._sink is not None and (upserts or routed.deleted):
            self._sink.workloads_changed(upserts, routed.deleted)
        events = self.crash_logs.take(routed.events)
        if not self._synced:
            events = self._hold_first_events(events, release=announce)
        self.emit(events)
        if announce:
            self._synced = True
            if self._sink is not None:
                self._sink.synced()
        if self._on_applied is not None:
            self._on_applied(items)
        self._summarise(later)

    def _hold_first_events(self, events: list, *, release: bool) -> list:
        """Lists arrive page by page in store order: their Events go out once, the newest, in time order."""
        import heapq

        from tui.model.events import KubeEvent

        self._first_events.extend(e for e in events if type(e) is KubeEvent)
        if len(self._first_events) > 2 * FIRST_EVENTS or release:
            self._first_events = heapq.nlargest(FIRST_EVENTS, self._first_events, key=_event_time)
        others = [e for e in events if type(e) is not KubeEvent]
        if not release:
            return others
        held, self._first_events = self._first_events, []
        return sorted(held, key=_event_time) + others

    def _summarise(self, keys: list[WorkloadKey], chunk: int = 250) -> None:
        for start in range(0, len(keys), chunk):
            if self._stop.is_set():
                return
            rows = []
            for key in keys[start : start + chunk]:
                obj = self.cache.workload_object(key)
                row = (
                    self.row_builder.row(key, obj)
                    if obj is not None and key in self.row_builder.rows
                    else None
                )
                if row is not None:
                    self.row_builder.put(key, row)
                    rows.append(row)
            if rows and self._sink is not None:
                self._sink.workloads_changed(rows, [])

    def emit(self, events: list) -> None:
        """Hand events to the dashboard (from any of the session's threads)."""
        if events and self._sink is not None:
            self._sink.events(events)

    # -- reads -------------------------------------------------------------------------------
    @property
    def profiles(self):
        return self._profiles

    def workloads(self) -> dict[WorkloadKey, WorkloadRow]:
        return dict(self.row_builder.rows)

    def settings_of(self, key: tuple, obj: dict) -> list:
        """The classified settings of a workload object the caller already holds."""
        return self.row_builder.settings_for(key, obj)

    def settings(self, key) -> list:
        obj = self.workload_object(key)
        return [] if obj is None else list(self.row_builder.settings_for(key, obj))

    def workload_object(self, key) -> dict | None:
        return self.cache.workload_object(key)

    def pods_of(self, key) -> list[dict]:
        return self.cache.pods_of(key)

    def object_yaml(self, kind: str, namespace: str | None, name: str) -> str:
        obj = self.open_api().request("GET", BY_KIND[kind].item(namespace, name))
        return display_yaml(kind, obj)

    def namespaces(self) -> list[str]:
        try:
            items = self.open_api().request("GET", "/api/v1/namespaces").get("items") or []
            return sorted(i["metadata"]["name"] for i in items)
        except (ApiError, TransportError):
            seen = {row.namespace for row in self.row_builder.rows.values()}
            return sorted(seen | set(self.namespace_filter or []))

    # -- access and actions ---------------------------------------------------------------
    @property
    def access(self):
        from tui.cluster.access import AccessReview

        with self._lock:
            if self._access is None:
                self._access = AccessReview(self.open_api(), readonly=self.readonly)
            return self._access

    def can(self, verb: str, resource: str, namespace: str | None) -> bool:
        return self.access.can(verb, resource, namespace)

    def reloader(self):
        from tui.cluster.reloader import reloader_seen

        return reloader_seen(self.open_api())

    @property
    def actions(self):
        from tui.cluster.actions import Actions

        with self._lock:
            if self._actions is None:
                self._actions = Actions(
                    self.open_api(),
                    self.access,
                    readonly=self.readonly,
                    context=self.connection.context,
                    profiles=self.profiles,
                )
            return self._actions

    # -- logs and reloads -------------------------------------------------------------------
    def follow_logs(self, key, on_lines, *, tail: int = 100) -> _FollowHandle:
        """Follow every container of the workload's pods; returns a handle with .stop()."""
        from tui.cluster.logs import LogFollower

        key = WorkloadKey(*key)
        follower = LogFollower(self.open_api(), key.namespace, on_lines, tail=tail)
        with self._lock:
            self._user_follows.append((key, follower))
        follower.set_pods(self.pods_of(key))
        return _FollowHandle(self, follower)

    def unfollow(self, follower) -> None:
        with self._lock:
            self._user_follows = [(k, f) for k, f in self._user_follows if f is not follower]
        follower.stop()

    def refresh_follows(self, key: tuple) -> None:
        """Every log follow of the workload reads the pods it has now."""
        with self._lock:
            followers = [f for k, f in self._user_follows if k == key]
        reload_follower = self.reloads.follower(key)
        if reload_follower is not None:
            followers.append(reload_follower)
        if followers:
            pods = [p for p in self.pods_of(key) if not (p.get("metadata") or {}).get("deletionTimestamp")]
            for follower in followers:
                follower.set_pods(pods)


class _FollowHandle:
    def __init__(self, session: ClusterSession, follower):
        self._session, self.follower = session, follower

    def stop(self) -> None:
        self._session.unfollow(self.follower)


def _event_time(event):
    return event.time


def _note(item, exc: Exception):
    from tui.model.events import KubeEvent

    ns, name = getattr(item, "key", ("", ""))
    return KubeEvent(
        namespace=ns,
        type="Warning",
        reason="Unreadable",
        involved=f"{getattr(item, 'resource', '')}/{name}",
        message=f"kubeknobs could not read this object: {type(exc).__name__}: {exc}",
    )
