"""Clusters with three nodes, manifests applied with kubectl, and a recorder of store changes."""

from __future__ import annotations

import copy
import json

import pytest

from tests.kube import kubectl_stdout

NODES = ("node-a", "node-b", "node-c")


def node(name: str, labels: dict | None = None) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, **(labels or {})}},
        "status": {"conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady"}]},
    }


def add_nodes(cluster, labels: dict[str, dict] | None = None) -> None:
    def create() -> None:
        for name in NODES:
            if cluster.store.get("nodes", None, name) is None:
                cluster.store.create("nodes", node(name, (labels or {}).get(name)))

    cluster.call(create)


@pytest.fixture
def cluster(make_cluster):
    """Pods are phantoms (Running and Ready at once, no processes); three nodes."""
    c = make_cluster(run_processes=False, seed=7)
    add_nodes(c)
    return c


@pytest.fixture
def process_cluster(make_cluster):
    """Pods run placeholder processes unless their template asks to be phantoms; three nodes."""
    c = make_cluster(run_processes=True, seed=7, time_scale=0.1)
    add_nodes(c)
    return c


def run(cluster, *args: str, input: str | None = None, timeout: float = 90):
    """kubectl that must succeed: returns stdout."""
    return kubectl_stdout(cluster, *args, input=input, timeout=timeout)


def apply(cluster, manifest: dict) -> str:
    return run(cluster, "apply", "--validate=false", "-f", "-", input=json.dumps(manifest))


def get(cluster, resource: str, name: str, namespace: str = "default") -> dict | None:
    found = cluster.call(cluster.store.get, resource, namespace, name)
    return copy.deepcopy(found) if found is not None else None


def items(cluster, resource: str, namespace: str = "default") -> list[dict]:
    return copy.deepcopy(cluster.call(lambda: cluster.store.list(resource, namespace)[0]))


class Recorder:
    """Every committed change of some resources, in order, as (type, resource, object) copies."""

    def __init__(self, cluster, resources: tuple[str, ...]) -> None:
        self.cluster = cluster
        self.resources = resources
        self.changes: list[tuple[str, str, dict]] = []
        cluster.call(cluster.store.add_listener, self._on_change)

    def _on_change(self, event_type: str, resource: str, obj: dict) -> None:
        if resource in self.resources:
            self.changes.append((event_type, resource, copy.deepcopy(obj)))

    def close(self) -> None:
        self.cluster.call(self.cluster.store.remove_listener, self._on_change)

    def snapshot(self) -> list[tuple[str, str, dict]]:
        return self.cluster.call(lambda: list(self.changes))


@pytest.fixture
def recorder(cluster):
    made: list[Recorder] = []

    def make(*resources: str) -> Recorder:
        rec = Recorder(cluster, resources)
        made.append(rec)
        return rec

    yield make
    for rec in made:
        rec.close()


def deployment(name: str, image: str = "nginx:1.25", replicas: int = 3, **spec) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "app", "image": image}]},
            },
            **spec,
        },
    }
