"""What the reliability tests do over and over: wait for the dashboard, read the server with kubectl."""

from __future__ import annotations

import json

from tests.kube import kubectl
from tests.waiting import eventually_async

NS = "kubernaut-system"
WE = ("Deployment", NS, "workflowexecution-controller")
WE_CONFIG = "workflowexecution-config"
WE_KEY = "workflowexecution.yaml"
PLURALS = {"Deployment": "deployments", "StatefulSet": "statefulsets", "DaemonSet": "daemonsets"}


async def synced(app, pilot, *, at_least: int = 11, timeout: float = 60):
    await eventually_async(
        pilot,
        lambda: app.synced and app.controllers_screen.table.total_count >= at_least,
        message="the controllers of the demo",
        timeout=timeout,
    )
    return app.controllers_screen.table


def server_controllers(cluster) -> set[tuple[str, str, str]]:
    """Every Deployment, StatefulSet and DaemonSet the server holds, read with kubectl."""
    found = set()
    for plural in PLURALS.values():
        out = kubectl(cluster, "get", plural, "-A", "-o", "json")
        assert out.returncode == 0, out.stderr
        for item in json.loads(out.stdout)["items"]:
            found.add((item["kind"], item["metadata"]["namespace"], item["metadata"]["name"]))
    return found


def get_json(cluster, *args: str) -> dict:
    out = kubectl(cluster, *args, "-o", "json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def restarted_at(obj: dict) -> str | None:
    return (obj["spec"]["template"]["metadata"].get("annotations") or {}).get(
        "kubectl.kubernetes.io/restartedAt"
    )


def writes_to(cluster, path: str) -> int:
    """Writes (not dry runs) the server received for `path`."""
    return sum(
        n
        for (method, p, kind), n in cluster.faults.requests.items()
        if p == path and method in ("PUT", "PATCH", "POST", "DELETE") and kind != "dry-run"
    )


def deployment_path(name: str, namespace: str = NS) -> str:
    return f"/apis/apps/v1/namespaces/{namespace}/deployments/{name}"


def configmap_path(name: str, namespace: str = NS) -> str:
    return f"/api/v1/namespaces/{namespace}/configmaps/{name}"


def minimal_deployment(name: str, namespace: str = NS) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "replicas": 0,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "app", "image": "example/app:1"}]},
            },
        },
    }
