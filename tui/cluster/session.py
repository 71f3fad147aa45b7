"""A live view of one cluster for the dashboard: workloads, their settings, the event stream.

Blocking I/O runs on the session's own threads; the sink is called from them.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from tui.cluster.connect import Connection, open_api
from tui.cluster.errors import ApiError, TransportError, describe
from tui.cluster.feed import (
    WORKLOAD_PLURALS,
    kube_event,
    owner_workload,
    pod_events,
    rollout_event,
    workload_row,
)
from tui.cluster.informer import Batcher, Delta, Informer, InformerState
from tui.cluster.reload import ReloadCorrelator
from tui.cluster.reloadwatch import ReloadWatch
from tui.cluster.resources import BY_KIND, RESOURCES
from tui.cluster.session_types import ConnectionState, LogLine, SessionSink, WorkloadRow
from tui.cluster.slim import HANDED_ON, SLIM

__all__ = ["ClusterSession", "ConnectionState", "LogLine", "SessionSink", "WorkloadRow"]

WATCHED = ("configmaps", "deployments", "statefulsets", "daemonsets", "pods", "events")
_SYNCED = object()
FIRST_LISTS_WAIT = 15.0  # seconds the other lists wait for the controllers' lists at most
SETTINGS_KEPT = 500  # workloads whose classified settings stay cached; rows keep only their summary
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
    ):
        from tui.model.objects import ClusterObjects

        self.connection = connection
        self.namespace_filter = list(namespaces) if namespaces else None
        self.readonly = readonly
        self.kinds = kinds
        self._profiles = profiles
        self._api = api
        self._objects = ClusterObjects()
        self._informers: dict[tuple[str, str | None], Informer] = {}
        self._rows: dict[tuple, WorkloadRow] = {}
        self._summaries: dict[
            tuple, tuple[tuple, str, str | None]
        ] = {}  # key -> (version, summary, auto restart)
        self._settings: OrderedDict[tuple, tuple[tuple, list]] = (
            OrderedDict()
        )  # the recently asked workloads'
        self._cm_users: dict[tuple[str, str], set[tuple]] = {}  # (namespace, ConfigMap) -> workload keys
        self._user_follows: list[tuple[tuple, object]] = []
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._sink: SessionSink | None = None
        self._state = ConnectionState("offline")
        self._synced = False
        self._first_events: list = []  # Kubernetes Events listed before every list is in, newest kept
        self.correlator = ReloadCorrelator(window=sync_delay + margin)
        self.reloads = ReloadWatch(self)
        self._batcher = Batcher(self._on_items, interval=0.05, name="kubeknobs-session-deltas")
        self._thread: threading.Thread | None = None
        self._access = None
        self._actions = None

    # -- life cycle ------------------------------------------------------------------------
    def start(self, sink: SessionSink) -> None:
        self._sink = sink
        self._set_state(ConnectionState("connecting"))
        self._thread = threading.Thread(target=self._run, daemon=True, name="kubeknobs-session")
        self._thread.start()

    def _ensure_api(self):
        with self._lock:
            if self._api is None:
                self._api = open_api(self.connection)
            return self._api

    def _run(self) -> None:
        try:
            api = self._ensure_api()
        except Exception as exc:  # noqa: BLE001 - any failure here is shown as the session's state
            self._set_state(ConnectionState("failed", describe(exc)))
            return
        # Under the lock `stop` takes its list of informers with: a session stopped while it was still
        # connecting starts nothing, and one stopped later stops every informer it started.
        with self._lock:
            if self._stop.is_set():
                return
            self._batcher.start()
            for ns in self.namespace_filter or [None]:
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
                    self._informers[(plural, ns)] = informer
            # The table needs only the controllers: their lists and rows go first, alone, before the big pod
            # and event lists compete with them for the interpreter.
            first = [i for i in self._informers.values() if i.resource.plural in WORKLOAD_PLURALS]
            for informer in first:
                informer.start()
        deadline = time.monotonic() + FIRST_LISTS_WAIT
        while not self._stop.is_set() and time.monotonic() < deadline and not self._first_rows_out(first):
            self._stop.wait(0.02)
        with self._lock:
            for informer in self._informers.values():
                if informer not in first and not self._stop.is_set():
                    informer.start()
        while not self._stop.wait(0.5):
            self._emit(self.correlator.tick())
            self.reloads.retire()

    def _first_rows_out(self, first: list[Informer]) -> bool:
        if not all(i.synced.is_set() or i.state.status == "failed" for i in first):
            return False
        return len(self._rows) >= sum(len(i.snapshot()) for i in first)

    def stop(self) -> None:
        """Ends every thread of the session within about two seconds."""
        self._stop.set()
        deadline = time.monotonic() + 2.0
        with self._lock:
            informers = list(self._informers.values())
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
            self._api.close()
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

    def _on_informer_state(self, informer: Informer, _state: InformerState) -> None:
        states = [i.state for i in self._informers.values()]
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
        if all(i.synced.is_set() or i.state.status == "failed" for i in self._informers.values()):
            self._batcher.put([_SYNCED])

    # -- deltas ----------------------------------------------------------------------------
    def _on_items(self, items: list) -> None:
        events: list = []
        dirty: set[tuple] = set()
        deleted: list[tuple] = []
        announce = False
        for item in items:
            if item is _SYNCED:
                announce = not self._synced
                continue
            try:
                self._apply(item, dirty, deleted, events)
            except Exception as exc:  # noqa: BLE001 - one odd object never stops the stream
                events.append(_note(item, exc))
        # a big first list shows its rows at once and fills in layer summaries afterwards
        cheap = len(dirty) > 200
        upserts, later = [], []
        for key in dirty:
            obj = self.workload_object(key)
            if obj is not None:
                row = self._row(key, obj, cheap=cheap)
                if row is None:
                    row = workload_row(key[0], obj, summary="…")
                    later.append(key)
                self._index(key, self._rows.get(key), row)
                self._rows[key] = row
                upserts.append(row)
        if self._sink is not None and (upserts or deleted):
            self._sink.workloads_changed(upserts, deleted)
        if not self._synced:
            events = self._hold_first_events(events, release=announce)
        self._emit(events)
        if announce:
            self._synced = True
            if self._sink is not None:
                self._sink.synced()
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

    def _summarise(self, keys: list[tuple], chunk: int = 250) -> None:
        for start in range(0, len(keys), chunk):
            if self._stop.is_set():
                return
            rows = []
            for key in keys[start : start + chunk]:
                obj = self.workload_object(key)
                if obj is not None and key in self._rows:
                    row = self._row(key, obj)
                    self._rows[key] = row
                    rows.append(row)
            if rows and self._sink is not None:
                self._sink.workloads_changed(rows, [])

    def _apply(self, d: Delta, dirty: set, deleted: list, events: list) -> None:
        if d.resource in WORKLOAD_PLURALS:
            key = (WORKLOAD_PLURALS[d.resource], *d.key)
            if d.type == "deleted":
                self._index(key, self._rows.pop(key, None), None)
                self._summaries.pop(key, None)
                deleted.append(key)
                dirty.discard(key)
            else:
                dirty.add(key)
                progress = rollout_event(key, d.old, d.obj) if self._synced else None
                if progress is not None:
                    events.append(progress)
        elif d.resource == "configmaps":
            d.obj.setdefault("kind", "ConfigMap")
            users = sorted(self._cm_users.get(d.key, ()))
            if d.type == "deleted":
                self._objects.remove("ConfigMap", *d.key)
            else:
                self._objects.add(d.obj)
            dirty.update(users)
            if d.type == "updated" and self._synced:
                events.extend(self.reloads.configmap_changed(d, users))
        elif d.resource == "pods":
            owner = owner_workload(d.obj)
            if d.type == "deleted":
                self.correlator.pod_gone(*d.key)
            elif self._synced or d.type == "updated":
                events.extend(self._with_log_lines(e) for e in pod_events(d.old, d.obj, owner))
            if owner is not None:
                self._refresh_follows(owner)
        elif d.resource == "events" and d.type != "deleted":
            involved = d.obj.get("involvedObject") or {}
            workload = None
            if involved.get("kind") in BY_KIND and involved.get("kind") in (
                "Deployment",
                "StatefulSet",
                "DaemonSet",
            ):
                workload = (involved["kind"], involved.get("namespace") or d.key[0], involved.get("name", ""))
            elif involved.get("kind") == "Pod":
                pod = self._informer_get("pods", d.key[0], involved.get("name", ""))
                workload = owner_workload(pod) if pod else None
            events.append(kube_event(d.obj, workload))

    def _with_log_lines(self, event):
        """A crash loop carries the container's last lines (of its previous run when there is one)."""
        from dataclasses import replace

        from tui.cluster.rollout import last_log_lines
        from tui.model.events import CrashLoop

        if not isinstance(event, CrashLoop) or self._api is None:
            return event
        lines = last_log_lines(
            self._api,
            event.namespace,
            event.pod,
            event.container,
            10,
            previous=event.reason == "CrashLoopBackOff",
        )
        return replace(event, last_lines=tuple(lines)) if lines else event

    def _index(self, key: tuple, old: WorkloadRow | None, new: WorkloadRow | None) -> None:
        for name in old.configmaps if old else ():
            self._cm_users.get((key[1], name), set()).discard(key)
        for name in new.configmaps if new else ():
            self._cm_users.setdefault((key[1], name), set()).add(key)

    def _emit(self, events: list) -> None:
        if events and self._sink is not None:
            self._sink.events(events)

    # -- rows and settings -----------------------------------------------------------------
    def _row(self, key: tuple, obj: dict, *, cheap: bool = False) -> WorkloadRow | None:
        """The row with its layer summary; with `cheap`, None unless the summary is already known."""
        from tui.model.layers import layer_summary
        from tui.model.ownership import managed_by

        version = self._version(key, obj)
        known = self._summaries.get(key)
        if known is None or known[0] != version:
            if cheap:
                return None
            settings = self._settings_for(key, obj)
            auto = next((s.auto_restart for s in settings if s.auto_restart), None)
            known = (version, layer_summary(settings) if settings else "", auto)
            self._summaries[key] = known
        return workload_row(key[0], obj, summary=known[1], auto_restart=known[2], managed_by=managed_by(obj))

    def _version(self, key: tuple, obj: dict) -> tuple:
        """What a workload's settings depend on: its own version and those of the ConfigMaps it reads."""
        from tui.cluster.feed import configmaps_of

        return (
            str(obj["metadata"].get("resourceVersion")),
            tuple(
                str(((self._objects.configmap(key[1], n) or {}).get("metadata") or {}).get("resourceVersion"))
                for n in configmaps_of(obj)
            ),
        )

    def _settings_for(self, key: tuple, obj: dict) -> list:
        """Classified anew when the workload or its ConfigMaps changed; only the recently asked are kept."""
        from tui.model.classify import classify

        version = self._version(key, obj)
        with self._lock:
            cached = self._settings.get(key)
            if cached and cached[0] == version:
                self._settings.move_to_end(key)
                return cached[1]
        try:
            settings = classify(obj, self._objects, self.profiles)
        except Exception:  # noqa: BLE001 - a workload the model cannot read still gets a row
            settings = []
        with self._lock:
            self._settings[key] = (version, settings)
            self._settings.move_to_end(key)
            while len(self._settings) > SETTINGS_KEPT:
                self._settings.popitem(last=False)
        return settings

    @property
    def profiles(self):
        if self._profiles is None:
            from tui.model.profiles import ProfileSet

            self._profiles, _errors = ProfileSet.load()
        return self._profiles

    def workloads(self) -> dict[tuple, WorkloadRow]:
        return dict(self._rows)

    def settings(self, key) -> list:
        obj = self.workload_object(key)
        return [] if obj is None else list(self._settings_for(tuple(key), obj))

    def _informer_get(self, plural: str, namespace: str, name: str) -> dict | None:
        for (p, ns), informer in list(self._informers.items()):
            if p == plural and (ns is None or ns == namespace):
                found = informer.get(namespace, name)
                if found is not None:
                    return found
        return None

    def workload_object(self, key) -> dict | None:
        kind, ns, name = key
        obj = self._informer_get(BY_KIND[kind].plural, ns, name)
        if obj is not None:
            obj.setdefault("kind", kind)
        return obj

    def pods_of(self, key) -> list[dict]:
        key = tuple(key)
        pods = []
        for (p, ns), informer in list(self._informers.items()):
            if p == "pods" and (ns is None or ns == key[1]):
                pods.extend(o for o in informer.items() if owner_workload(o) == key)
        return sorted(pods, key=lambda o: o["metadata"]["name"])

    def object_yaml(self, kind: str, namespace: str | None, name: str) -> str:
        import yaml

        res = BY_KIND[kind]
        obj = self._ensure_api().request("GET", res.item(namespace, name))
        (obj.get("metadata") or {}).pop("managedFields", None)
        if kind == "Secret":
            for field in ("data", "stringData"):
                if isinstance(obj.get(field), dict):
                    obj[field] = {k: "<redacted>" for k in obj[field]}
            annotations = (obj.get("metadata") or {}).get("annotations") or {}
            annotations.pop("kubectl.kubernetes.io/last-applied-configuration", None)
        return yaml.safe_dump(obj, sort_keys=False, allow_unicode=True, width=4096)

    def namespaces(self) -> list[str]:
        try:
            items = self._ensure_api().request("GET", "/api/v1/namespaces").get("items") or []
            return sorted(i["metadata"]["name"] for i in items)
        except (ApiError, TransportError):
            seen = {row.namespace for row in self._rows.values()}
            return sorted(seen | set(self.namespace_filter or []))

    # -- access and actions ---------------------------------------------------------------
    @property
    def access(self):
        from tui.cluster.access import AccessReview

        with self._lock:
            if self._access is None:
                self._access = AccessReview(self._ensure_api(), readonly=self.readonly)
            return self._access

    def can(self, verb: str, resource: str, namespace: str | None) -> bool:
        return self.access.can(verb, resource, namespace)

    def reloader(self):
        from tui.cluster.reloader import reloader_seen

        return reloader_seen(self._ensure_api())

    @property
    def actions(self):
        from tui.cluster.actions import Actions

        with self._lock:
            if self._actions is None:
                self._actions = Actions(
                    self._ensure_api(),
                    self.access,
                    readonly=self.readonly,
                    context=self.connection.context,
                    profiles=self.profiles,
                )
            return self._actions

    # -- logs and reloads -------------------------------------------------------------------
    def follow_logs(self, key, on_lines, *, tail: int = 100):
        """Follow every container of the workload's pods; returns a handle with .stop()."""
        from tui.cluster.logs import LogFollower

        key = tuple(key)
        follower = LogFollower(self._ensure_api(), key[1], on_lines, tail=tail)
        with self._lock:
            self._user_follows.append((key, follower))
        follower.set_pods(self.pods_of(key))
        return _FollowHandle(self, follower)

    def _refresh_follows(self, key: tuple) -> None:
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
        with self._session._lock:
            self._session._user_follows = [
                (k, f) for k, f in self._session._user_follows if f is not self.follower
            ]
        self.follower.stop()


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
