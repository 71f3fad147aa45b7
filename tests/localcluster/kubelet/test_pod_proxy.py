"""pods/proxy: GET and POST through the API server to the local port a pod's container port is mapped to."""

from __future__ import annotations

import json

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException

from tests.kube import api_client, kubectl, kubectl_stdout, requires_kubectl
from tests.waiting import eventually
from tui.localcluster import LocalCluster

from .conftest import pod_ready, processes_under

pytestmark = [pytest.mark.slow, requires_kubectl]

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web", "namespace": "default"},
    "spec": {
        "terminationGracePeriodSeconds": 5,
        "containers": [
            {"name": "app", "image": "busybox:1.36", "ports": [{"containerPort": 8080, "name": "http"}]},
            {"name": "metrics", "image": "busybox:1.36", "ports": [{"containerPort": 9090}]},
        ],
    },
}
BASE = "/api/v1/namespaces/default/pods"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    workdir = str(tmp_path_factory.mktemp("proxy") / "cluster")
    cluster = LocalCluster("empty", sync_delay=2, time_scale=0.1, workdir=workdir, seed=7)
    cluster.start()
    try:
        kubectl_stdout(cluster, "apply", "--validate=false", "-f", "-", input=json.dumps(POD))
        eventually(
            lambda: pod_ready(json.loads(kubectl_stdout(cluster, "get", "pod", "web", "-o", "json"))),
            timeout=30,
        )
        yield cluster
    finally:
        cluster.stop()
    assert processes_under(workdir) == []


@pytest.mark.parametrize("target", ["web:8080", "web:http", "web", "http:web:8080", "web:9090"])
def test_get_reaches_the_pods_port(cluster, target):
    """By number, by the port's name, the first declared port by default, and a second container's port."""
    assert kubectl_stdout(cluster, "get", "--raw", f"{BASE}/{target}/proxy/healthz") == "ok"


def test_the_pods_own_answer_comes_back(cluster):
    result = kubectl(cluster, "get", "--raw", f"{BASE}/web:8080/proxy/no/such/page")
    assert result.returncode == 1 and "NotFound" in result.stderr


def test_post_reaches_the_pods_port(cluster):
    assert (
        kubectl_stdout(cluster, "create", "--raw", f"{BASE}/web:8080/proxy/healthz", "-f", "-", input="{}")
        == "ok"
    )
    with api_client(cluster) as api:
        answer = client.CoreV1Api(api).connect_post_namespaced_pod_proxy_with_path(
            "web:8080", "default", "healthz", _preload_content=False
        )
        assert (answer.status, answer.data) == (200, b"ok")


def test_a_port_nobody_declares_is_unreachable(cluster):
    result = kubectl(cluster, "get", "--raw", f"{BASE}/web:7777/proxy/")
    assert result.returncode == 1
    assert "ServiceUnavailable" in result.stderr and "error trying to reach service" in result.stderr


def test_the_read_only_user_may_not_proxy(cluster):
    """The `view` role, as a ServiceAccount bound to it has, lacks pods/proxy."""
    result = kubectl(cluster, "get", "--raw", f"{BASE}/web:8080/proxy/healthz", user="readonly")
    assert 'cannot get resource "pods/proxy"' in result.stderr
    can_i = ("auth", "can-i", "get", "pods", "--subresource=proxy")
    assert kubectl(cluster, *can_i, user="readonly").stdout == "no\n"
    assert kubectl(cluster, *can_i).stdout == "yes\n"
    with api_client(cluster, "readonly") as api, pytest.raises(ApiException) as raised:
        client.CoreV1Api(api).connect_post_namespaced_pod_proxy_with_path("web:8080", "default", "healthz")
    assert raised.value.status == 403
    assert 'cannot create resource "pods/proxy"' in json.loads(raised.value.body)["message"]
