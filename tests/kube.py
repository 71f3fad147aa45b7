"""Helpers for tests that talk to a LocalCluster: the real kubectl, and the official Python client."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess

import pytest

from tests.waiting import eventually

KUBECTL = shutil.which("kubectl")
requires_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not on PATH")
CONTEXTS = {"admin": "kubeknobs-demo", "readonly": "kubeknobs-demo-readonly"}


def kubectl(
    cluster,
    *args: str,
    user: str = "admin",
    input: str | None = None,
    env: dict | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess:
    """Run the real kubectl against `cluster` as `user` ("admin" or "readonly"); never raises on exit code."""
    if KUBECTL is None:
        pytest.skip("kubectl is not on PATH")
    cache = os.path.join(cluster.options.workdir, "kubectl-cache")
    full_env = {**os.environ, "KUBECACHEDIR": cache, "KUBECONFIG": cluster.kubeconfig, **(env or {})}
    command = [KUBECTL, "--kubeconfig", cluster.kubeconfig, "--context", CONTEXTS[user], *args]
    return subprocess.run(command, input=input, capture_output=True, text=True, env=full_env, timeout=timeout)


def kubectl_stdout(cluster, *args: str, input: str | None = None, timeout: float = 60, **kw) -> str:
    """`kubectl` that must succeed: its stdout; AssertionError with kubectl's stderr otherwise."""
    result = kubectl(cluster, *args, input=input, timeout=timeout, **kw)
    assert result.returncode == 0, f"kubectl {' '.join(args)} failed: {result.stderr}"
    return result.stdout


@contextlib.contextmanager
def api_client(cluster, user: str = "admin"):
    """A kubernetes.client.ApiClient for `cluster`, closed (with its thread pool) on exit."""
    from kubernetes import config

    client = config.new_client_from_config(config_file=cluster.kubeconfig, context=CONTEXTS[user])
    try:
        yield client
    finally:
        client.close()


def raw_request(
    cluster,
    path: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    token: str | None = None,
    headers: dict | None = None,
    timeout: float = 30,
):
    """One HTTPS request without client-side retries: (status, headers, body bytes)."""
    import ssl
    import urllib.error
    import urllib.request

    context = ssl.create_default_context(cafile=cluster.ca_path)
    if body is not None and "Content-Type" not in (headers or {}):
        headers = {"Content-Type": "application/json", **(headers or {})}
    request = urllib.request.Request(
        cluster.url + path,
        data=body,
        method=method,
        headers={"Authorization": f"Bearer {cluster.token if token is None else token}", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, context=context, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, dict(err.headers), err.read()


def pods_ready(cluster, namespace: str, selector: str) -> bool:
    """Every live pod matching `selector` reports Ready (its app serves its readiness probe), as kubectl sees it."""
    out = kubectl(cluster, "-n", namespace, "get", "pods", "-l", selector, "-o", "json")
    if out.returncode != 0:
        return False
    live = [p for p in json.loads(out.stdout)["items"] if not p["metadata"].get("deletionTimestamp")]
    return bool(live) and all(
        any(
            c.get("type") == "Ready" and c.get("status") == "True"
            for c in (p.get("status") or {}).get("conditions") or []
        )
        for p in live
    )


def wait_pods_ready(cluster, namespace: str, selector: str, *, timeout: float = 60) -> None:
    """Block until `pods_ready`: every app started, its config read and its file watcher on."""
    eventually(
        lambda: pods_ready(cluster, namespace, selector),
        timeout,
        interval=0.2,
        message=f"pods {selector} in {namespace} to be ready",
    )
