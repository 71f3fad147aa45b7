"""Scenario `scale:N`: N Deployments, each with its ConfigMap, spread over namespaces; phantom pods.

Phantom pods (annotation `kubeknobs.io/phantom: "true"`) get a Running/Ready status from
the kubelet and no process, so one machine can hold ten thousand workloads.
"""

from __future__ import annotations

from tui.localcluster.kubelet.component import PHANTOM_ANNOTATION
from tui.localcluster.kubelet.node import node_object

PER_NAMESPACE = 100
NODES = 3
SHAPES = ("volume", "subpath", "env", "flags")


def parse_count(name: str) -> int:
    try:
        count = int(name.split(":", 1)[1])
    except (IndexError, ValueError):
        raise ValueError(f"scenario {name!r}: use scale:N with N a whole number, e.g. scale:1000") from None
    if not 1 <= count <= 100_000:
        raise ValueError(f"scenario {name!r}: use scale:N with N between 1 and 100000")
    return count


def deployment(namespace: str, name: str, shape: str) -> dict:
    labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "scale-test"}
    container: dict = {"name": "app", "image": f"registry.example.com/scale/{shape}-app:1.0"}
    volumes: list = []
    if shape == "volume":
        container["args"] = ["--config=/etc/app/config.yaml"]
        container["volumeMounts"] = [{"name": "config", "mountPath": "/etc/app"}]
        volumes = [{"name": "config", "configMap": {"name": f"{name}-config"}}]
    elif shape == "subpath":
        container["args"] = ["--config=/etc/app/config.yaml"]
        container["volumeMounts"] = [
            {"name": "config", "mountPath": "/etc/app/config.yaml", "subPath": "config.yaml"}
        ]
        volumes = [{"name": "config", "configMap": {"name": f"{name}-config"}}]
    elif shape == "env":
        container["envFrom"] = [{"configMapRef": {"name": f"{name}-config"}, "prefix": "APP_"}]
    else:
        container["args"] = ["--workers=4", "--timeout=30s", "--log-level=info"]
        container["env"] = [
            {"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": f"{name}-config", "key": "mode"}}}
        ]
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels, "annotations": {PHANTOM_ANNOTATION: "true"}},
                "spec": {"containers": [container], "volumes": volumes},
            },
        },
    }


def configmap(namespace: str, name: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": f"{name}-config", "namespace": namespace},
        "data": {"config.yaml": f"logging:\n  level: INFO\nname: {name}\n", "mode": "batch"},
    }


def load(cluster, name: str) -> None:
    from tui.localcluster.scenarios.empty import load as load_empty

    count = parse_count(name)
    load_empty(cluster)
    store = cluster.store
    for index in range(NODES):
        node = f"scale-node-{index + 1}"
        if store.get("nodes", None, node) is None:
            store.create("nodes", node_object(node, index))
    for i in range(count):
        namespace = f"scale-{i // PER_NAMESPACE:03d}"
        if i % PER_NAMESPACE == 0 and store.get("namespaces", None, namespace) is None:
            store.create("namespaces", {"metadata": {"name": namespace}})
        workload = f"app-{i:05d}"
        store.create("configmaps", configmap(namespace, workload))
        store.create("deployments", deployment(namespace, workload, SHAPES[i % len(SHAPES)]))
