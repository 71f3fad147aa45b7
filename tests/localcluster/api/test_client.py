"""The official Python client against the embedded API: CRUD, lists, error shapes."""

from __future__ import annotations

import json

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException

from tests.kube import api_client


def _status(exc: ApiException) -> dict:
    return json.loads(exc.body)


def test_configmap_crud_through_the_python_client(api_cluster):
    with api_client(api_cluster) as api:
        core = client.CoreV1Api(api)
        created = core.create_namespaced_config_map(
            "default", {"metadata": {"name": "app"}, "data": {"k": "v"}}
        )
        assert created.metadata.resource_version and created.data == {"k": "v"}
        created.data["k"] = "w"
        replaced = core.replace_namespaced_config_map("app", "default", created)
        assert int(replaced.metadata.resource_version) > int(created.metadata.resource_version)
        listed = core.list_namespaced_config_map("default")
        assert [c.metadata.name for c in listed.items] == ["app"] and listed.metadata.resource_version
        core.delete_namespaced_config_map("app", "default")
        assert core.list_namespaced_config_map("default").items == []


def test_empty_lists_have_items_and_kind(api_cluster):
    with api_client(api_cluster) as api:
        raw = client.AppsV1Api(api).list_deployment_for_all_namespaces(_preload_content=False)
        body = json.loads(raw.data)
    assert body["kind"] == "DeploymentList" and body["items"] == [] and body["metadata"]["resourceVersion"]


def test_deployment_is_stored_schema_complete(api_cluster):
    deployment = {
        "metadata": {"name": "web"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "nginx"}]},
            },
        },
    }
    with api_client(api_cluster) as api:
        created = client.AppsV1Api(api).create_namespaced_deployment("default", deployment)
    assert created.spec.strategy.rolling_update.max_surge == "25%"
    assert created.spec.template.spec.containers[0].image_pull_policy == "Always"
    assert created.metadata.generation == 1


def test_error_shapes_401_403_404_409_422(api_cluster):
    with api_client(api_cluster) as api:
        core = client.CoreV1Api(api)
        core.create_namespaced_config_map("default", {"metadata": {"name": "x"}})
        with pytest.raises(ApiException) as err:
            core.create_namespaced_config_map("default", {"metadata": {"name": "x"}})
        assert err.value.status == 409 and _status(err.value)["reason"] == "AlreadyExists"
        assert _status(err.value)["message"] == 'configmaps "x" already exists'
        with pytest.raises(ApiException) as err:
            core.read_namespaced_config_map("missing", "default")
        assert err.value.status == 404 and _status(err.value)["message"] == 'configmaps "missing" not found'
        with pytest.raises(ApiException) as err:
            core.create_namespaced_config_map("default", {"metadata": {"name": "Bad_Name"}})
        status = _status(err.value)
        assert err.value.status == 422 and status["reason"] == "Invalid"
        assert status["message"].startswith(
            'ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: '
            '"Bad_Name": a lowercase RFC 1123 subdomain'
        )
    with api_client(api_cluster, user="readonly") as api:
        with pytest.raises(ApiException) as err:
            client.CoreV1Api(api).patch_namespaced_config_map("x", "default", {"data": {"a": "b"}})
        assert err.value.status == 403 and _status(err.value)["message"] == (
            'configmaps "x" is forbidden: User "kubeknobs-demo-readonly" cannot patch resource "configmaps" '
            'in API group "" in the namespace "default"'
        )
        assert client.CoreV1Api(api).read_namespaced_config_map("x", "default").metadata.name == "x"
    with api_client(api_cluster) as api:
        api.configuration.refresh_api_key_hook = None
        api.configuration.api_key = {"authorization": "Bearer wrong"}
        with pytest.raises(ApiException) as err:
            client.CoreV1Api(api).list_namespace()
        assert err.value.status == 401 and _status(err.value)["reason"] == "Unauthorized"
