"""Scenario `empty`: only the namespaces every cluster has."""

from __future__ import annotations


def load(cluster, name: str = "empty") -> None:
    for namespace in ("default", "kube-system"):
        if cluster.store.get("namespaces", None, namespace) is None:
            cluster.store.create("namespaces", {"metadata": {"name": namespace}})
    for namespace in ("default", "kube-system"):
        if cluster.store.get("serviceaccounts", namespace, "default") is None:
            cluster.store.create("serviceaccounts", {"metadata": {"name": "default", "namespace": namespace}})
