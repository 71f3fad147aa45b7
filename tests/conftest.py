"""Shared fixtures: embedded clusters (tui.localcluster) that tests talk to over real HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.localcluster import LocalCluster

# what each variable points at, under the test's own tmp_path
ISOLATED_DIRS = {
    "XDG_CONFIG_HOME": "config",
    "XDG_STATE_HOME": "xdg-state",
    "XDG_CACHE_HOME": "cache",
    "KUBEKNOBS_STATE_DIR": "state",
}


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch) -> Path:
    """Every test has config, state and cache dirs of its own: the developer's profiles, themes,
    backups and history are never read or written (subprocesses inherit the same)."""
    for variable, name in ISOLATED_DIRS.items():
        monkeypatch.setenv(variable, str(tmp_path / name))
    return tmp_path


@pytest.fixture
def state_dir(isolated_dirs) -> Path:
    """Where this test's ConfigMap backups and change history land ($KUBEKNOBS_STATE_DIR)."""
    return isolated_dirs / ISOLATED_DIRS["KUBEKNOBS_STATE_DIR"]


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
