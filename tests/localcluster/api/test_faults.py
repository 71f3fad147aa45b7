"""Fault injection: failing requests (500, 429 with Retry-After), latency, and the admin-only endpoint."""

from __future__ import annotations

import json

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException

from tests.kube import api_client, raw_request


def test_fail_next_requests_with_500_then_recover(api_cluster):
    api_cluster.faults.fail_next(2)
    with api_client(api_cluster) as api:
        core = client.CoreV1Api(api)
        for _ in range(2):
            with pytest.raises(ApiException) as err:
                core.list_namespace()
            assert err.value.status == 500 and json.loads(err.value.body)["reason"] == "InternalError"
        assert [n.metadata.name for n in core.list_namespace().items] == ["default", "kube-system"]


def test_fail_next_with_429_carries_retry_after(api_cluster):
    api_cluster.faults.fail_next(1, status=429, retry_after=3)
    status, headers, body = raw_request(api_cluster, "/api/v1/namespaces")
    assert status == 429 and headers["Retry-After"] == "3"
    answer = json.loads(body)
    assert answer["reason"] == "TooManyRequests" and answer["details"] == {"retryAfterSeconds": 3}
    assert raw_request(api_cluster, "/api/v1/namespaces")[0] == 200


def test_requests_without_the_token_get_401(api_cluster):
    status, _, body = raw_request(api_cluster, "/api/v1/namespaces", token="")
    assert status == 401 and json.loads(body)["message"] == "Unauthorized"
    assert raw_request(api_cluster, "/version", token="")[0] == 200


def test_latency_delays_but_answers(api_cluster):
    api_cluster.faults.set_latency(0.05)
    with api_client(api_cluster) as api:
        assert client.CoreV1Api(api).list_namespace().items
    api_cluster.faults.set_latency(0)


def _post_fault(cluster, body: dict, token: str | None = None):
    status, _, answer = raw_request(
        cluster,
        "/localcluster/faults",
        method="POST",
        token=token,
        body=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    return status, json.loads(answer)


def test_admin_endpoint_injects_faults_and_refuses_the_readonly_user(api_cluster):
    status, _ = _post_fault(
        api_cluster, {"action": "fail_next", "count": 1}, token=api_cluster.readonly_token
    )
    assert status == 403
    assert _post_fault(api_cluster, {"action": "fail_next", "count": 1, "status": 503}) == (200, {"ok": True})
    assert raw_request(api_cluster, "/api/v1/namespaces")[0] == 503
    status, answer = _post_fault(api_cluster, {"action": "explode"})
    assert status == 400 and "unknown fault action" in answer["message"]
    assert _post_fault(api_cluster, {"action": "compact"}) == (200, {"ok": True})
    assert _post_fault(api_cluster, {"action": "drop_watches"}) == (200, {"dropped": 0})
