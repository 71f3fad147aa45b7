"""Clusters and apps for the reliability suite; outage lengths are parameters, shortened in CI."""

from __future__ import annotations

import os

import pytest

from tests.ui.harness import CONTEXT, dashboard, start_demo_cluster

# The outage is 30 s; KUBEKNOBS_OUTAGE_SECONDS sets the long test's length (CI keeps 30).
OUTAGE_SECONDS = float(os.environ.get("KUBEKNOBS_OUTAGE_SECONDS", "30"))
SECRET_VALUE = "s3cr3t-planted-7f1e9c"  # grepped for in every output


@pytest.fixture
def demo():
    """A kubernaut cluster of its own: fault tests change it and break it."""
    cluster = start_demo_cluster("kubernaut", time_scale=0.1)
    yield cluster
    cluster.stop()


@pytest.fixture
def make_app(tmp_path):
    """make_app(cluster, **kw): the dashboard on `cluster`, still clock, no theme watcher."""

    def make(cluster, **kw):
        return dashboard(tmp_path, cluster, **kw)

    return make


class QuietSink:
    """A session sink for tests without the dashboard: it only notes that the first lists arrived."""

    def __init__(self):
        import threading

        self.ready = threading.Event()
        self.seen: list = []

    def workloads_changed(self, upserts, deletes) -> None:
        pass

    def state_changed(self, state) -> None:
        pass

    def events(self, events) -> None:
        self.seen.extend(events)

    def synced(self) -> None:
        self.ready.set()


@pytest.fixture
def session(demo):
    """A ClusterSession on the demo, synced, as the wizard uses it; stopped at the end."""
    from tui.cluster.connect import load_connection
    from tui.cluster.session import ClusterSession

    live = ClusterSession(load_connection(demo.kubeconfig, CONTEXT), sync_delay=1)
    sink = QuietSink()
    live.start(sink)
    assert sink.ready.wait(60), "the session did not sync"
    yield live
    live.stop()
