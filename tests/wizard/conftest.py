"""The kubernaut demo for the wizard's tests, and the dashboard connected to it with its own state dir."""

from __future__ import annotations

import pytest

from tests.kube import wait_pods_ready
from tests.ui.harness import dashboard, start_demo_cluster


@pytest.fixture(scope="module")
def demo():
    """One kubernaut cluster per module; its tests change different workloads."""
    cluster = start_demo_cluster("kubernaut", time_scale=0.1)
    # a change made before an app watches its file would be read at start, with no reload line
    wait_pods_ready(cluster, "kubernaut-system", "app.kubernetes.io/instance=kubernaut")
    yield cluster
    cluster.stop()


@pytest.fixture
def fresh_demo():
    cluster = start_demo_cluster("kubernaut", time_scale=0.1)
    yield cluster
    cluster.stop()


@pytest.fixture
def make_app(tmp_path):
    def make(cluster, **kw):
        return dashboard(tmp_path, cluster, **kw)

    return make
