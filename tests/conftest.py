"""Shared fixtures: embedded clusters (tui.localcluster) that tests talk to over real HTTP."""

from __future__ import annotations

import pytest

from tui.localcluster import LocalCluster


@pytest.fixture
def make_cluster():
    """Factory: make_cluster(**LocalCluster kwargs) starts a cluster that is stopped when the test ends."""
    clusters: list[LocalCluster] = []

    def make(**kw) -> LocalCluster:
        cluster = LocalCluster(**{"scenario": "empty", **kw})
        cluster.start()
        clusters.append(cluster)
        return cluster

    yield make
    for cluster in reversed(clusters):
        cluster.stop()


@pytest.fixture
def localcluster(make_cluster) -> LocalCluster:
    """A started cluster with the `empty` scenario (namespaces default and kube-system)."""
    return make_cluster()
