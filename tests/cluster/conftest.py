"""An embedded cluster per test, and helpers to reach it as an operator would."""

from __future__ import annotations

import contextlib
import threading

import pytest

from tests.waiting import eventually
from tui.cluster.connect import load_connection, open_api


@pytest.fixture
def cluster():
    from tui.localcluster import LocalCluster

    c = LocalCluster(components=False, seed=1)
    c.start()
    try:
        yield c
    finally:
        c.stop()


@pytest.fixture
def admin(cluster):
    api = open_api(load_connection(cluster.kubeconfig, "kubeknobs-demo"))
    yield api
    api.close()


@pytest.fixture
def viewer(cluster):
    api = open_api(load_connection(cluster.kubeconfig, "kubeknobs-demo-readonly"))
    yield api
    api.close()


def configmap(name: str, data: dict, namespace: str = "default", **extra) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace},
        "data": data,
        **extra,
    }


class Sink:
    """A session sink that keeps every typed event it is given."""

    def __init__(self):
        self.lock, self.received, self.is_synced = threading.Lock(), [], threading.Event()

    def workloads_changed(self, upserts, deletes):
        pass

    def state_changed(self, state):
        pass

    def events(self, events):
        with self.lock:
            self.received.extend(events)

    def synced(self):
        self.is_synced.set()

    def of(self, kind, **match):
        with self.lock:
            return [
                e
                for e in self.received
                if isinstance(e, kind) and all(getattr(e, k) == v for k, v in match.items())
            ]


def ready(pod):
    conditions = (pod.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


@contextlib.contextmanager
def kubernaut_cluster(tmp_path_factory, name: str, **kw):
    """The kubernaut demo in a work directory of its own, stopped on the way out."""
    from tui.localcluster import LocalCluster

    workdir = tmp_path_factory.mktemp(name)
    cluster = LocalCluster("kubernaut", sync_delay=1, seed=1, workdir=str(workdir / "cluster"), **kw)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@contextlib.contextmanager
def ready_session(demo, namespace: str, key: tuple, replicas: int, *, timeout: float):
    """A synced session on `namespace` once `key` has `replicas` ready pods; (session, sink)."""
    from tui.cluster.session import ClusterSession

    sink = Sink()
    s = ClusterSession(load_connection(demo.kubeconfig), namespaces=[namespace], sync_delay=1, margin=8)
    s.start(sink)
    try:
        assert sink.is_synced.wait(30)
        eventually(
            lambda: len(s.pods_of(key)) == replicas and all(ready(p) for p in s.pods_of(key)), timeout=timeout
        )
        yield s, sink
    finally:
        s.stop()
