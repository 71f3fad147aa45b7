"""Fixtures for the dashboard's tests: demo clusters and apps connected to them."""

from __future__ import annotations

import pytest

from tests.ui.harness import dashboard, start_demo_cluster


@pytest.fixture(scope="module")
def kubernaut():
    """The `kubernaut` scenario, shared by the tests of one module that do not change it."""
    cluster = start_demo_cluster("kubernaut")
    yield cluster
    cluster.stop()


@pytest.fixture
def fresh_kubernaut():
    """A `kubernaut` cluster of its own, for a test that changes objects."""
    cluster = start_demo_cluster("kubernaut")
    yield cluster
    cluster.stop()


@pytest.fixture
def make_app(tmp_path):
    """make_app(cluster, **kw): the dashboard on `cluster`, with a still clock and no theme watcher."""

    def make(cluster=None, **kw):
        return dashboard(tmp_path, cluster, **kw)

    return make
