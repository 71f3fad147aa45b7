"""Patches: strategic merge directives, JSON merge, JSON patch, and the content types the server takes."""

from __future__ import annotations

import json

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException

from tests.kube import api_client
from tui.localcluster.api.errors import ApiError
from tui.localcluster.api.patch import json_patch, merge_patch, strategic_merge

POD_SPEC = {
    "containers": [
        {
            "name": "app",
            "image": "app:1",
            "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
            "ports": [{"containerPort": 80}],
            "volumeMounts": [{"name": "cfg", "mountPath": "/etc/cfg"}],
        },
        {"name": "sidecar", "image": "side:1"},
    ],
    "volumes": [{"name": "cfg", "configMap": {"name": "cfg"}}],
    "finalizers": ["a"],
}


def test_strategic_merge_merges_lists_by_key():
    patched = strategic_merge(
        POD_SPEC,
        {"containers": [{"name": "app", "env": [{"name": "B", "value": "3"}, {"name": "C", "value": "4"}]}]},
    )
    app = patched["containers"][0]
    assert app["image"] == "app:1" and len(patched["containers"]) == 2
    assert app["env"] == [
        {"name": "A", "value": "1"},
        {"name": "B", "value": "3"},
        {"name": "C", "value": "4"},
    ]


def test_strategic_merge_directives():
    deleted = strategic_merge(POD_SPEC, {"containers": [{"name": "sidecar", "$patch": "delete"}]})
    assert [c["name"] for c in deleted["containers"]] == ["app"]
    replaced = strategic_merge(
        POD_SPEC, {"volumes": [{"name": "new", "emptyDir": {}}, {"$patch": "replace"}]}
    )
    assert replaced["volumes"] == [{"name": "new", "emptyDir": {}}]
    whole = strategic_merge(
        POD_SPEC, {"containers": [{"name": "app", "image": "app:2", "$patch": "replace"}]}
    )
    assert whole["containers"][0] == {"name": "app", "image": "app:2"}
    ordered = strategic_merge(
        POD_SPEC,
        {
            "$setElementOrder/containers": [{"name": "sidecar"}, {"name": "app"}],
            "containers": [{"name": "app", "image": "app:3"}],
        },
    )
    assert [c["name"] for c in ordered["containers"]] == ["sidecar", "app"]
    retained = strategic_merge(
        {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}},
        {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}},
    )
    assert retained == {"strategy": {"type": "Recreate"}}
    primitive = strategic_merge(POD_SPEC, {"$deleteFromPrimitiveList/finalizers": ["a"]})
    assert primitive["finalizers"] == []
    merged = strategic_merge(POD_SPEC, {"finalizers": ["b"]})
    assert merged["finalizers"] == ["a", "b"]
    mounts = strategic_merge(
        POD_SPEC,
        {"containers": [{"name": "app", "volumeMounts": [{"mountPath": "/etc/cfg", "readOnly": True}]}]},
    )
    assert mounts["containers"][0]["volumeMounts"] == [
        {"name": "cfg", "mountPath": "/etc/cfg", "readOnly": True}
    ]
    removed = strategic_merge(POD_SPEC, {"volumes": None})
    assert "volumes" not in removed and "volumes" in POD_SPEC


def test_json_merge_patch_replaces_lists_and_removes_nulls():
    assert merge_patch({"a": {"b": 1, "c": 2}, "l": [1, 2]}, {"a": {"b": None}, "l": [3]}) == {
        "a": {"c": 2},
        "l": [3],
    }


def test_json_patch_operations():
    doc = {"a": {"b": 1}, "l": [1, 2]}
    ops = [
        {"op": "add", "path": "/l/-", "value": 3},
        {"op": "replace", "path": "/a/b", "value": 2},
        {"op": "test", "path": "/a/b", "value": 2},
        {"op": "copy", "from": "/a", "path": "/c"},
        {"op": "move", "from": "/l/0", "path": "/first"},
        {"op": "remove", "path": "/a"},
        {"op": "add", "path": "/k~1x", "value": "slash"},
    ]
    assert json_patch(doc, ops) == {"l": [2, 3], "c": {"b": 2}, "first": 1, "k/x": "slash"}
    assert doc == {"a": {"b": 1}, "l": [1, 2]}
    with pytest.raises(ApiError) as err:
        json_patch(doc, [{"op": "test", "path": "/a/b", "value": 9}])
    assert err.value.code == 422


def test_each_patch_content_type_through_the_python_client(api_cluster):
    with api_client(api_cluster) as api:
        core = client.CoreV1Api(api)
        core.create_namespaced_config_map("default", {"metadata": {"name": "x"}, "data": {"a": "1"}})
        strategic = core.patch_namespaced_config_map("x", "default", {"data": {"b": "2"}})
        assert strategic.data == {"a": "1", "b": "2"}
        merged = core.patch_namespaced_config_map(
            "x", "default", {"data": {"a": None}}, _content_type="application/merge-patch+json"
        )
        assert merged.data == {"b": "2"}
        patched = core.patch_namespaced_config_map(
            "x", "default", [{"op": "add", "path": "/data/c", "value": "3"}]
        )
        assert patched.data == {"b": "2", "c": "3"}
        with pytest.raises(ApiException) as err:
            core.patch_namespaced_config_map(
                "x", "default", {"data": {"d": "4"}}, _content_type="application/apply-patch+yaml"
            )
        assert err.value.status == 415 and json.loads(err.value.body)["reason"] == "UnsupportedMediaType"


def test_patch_with_stale_resource_version_conflicts_and_dry_run_stores_nothing(api_cluster):
    with api_client(api_cluster) as api:
        core = client.CoreV1Api(api)
        created = core.create_namespaced_config_map(
            "default", {"metadata": {"name": "x"}, "data": {"a": "1"}}
        )
        core.patch_namespaced_config_map("x", "default", {"data": {"a": "2"}})
        with pytest.raises(ApiException) as err:
            core.patch_namespaced_config_map(
                "x",
                "default",
                {"metadata": {"resourceVersion": created.metadata.resource_version}, "data": {"a": "3"}},
            )
        assert err.value.status == 409
        dry = core.patch_namespaced_config_map("x", "default", {"data": {"a": "dry"}}, dry_run="All")
        assert dry.data == {"a": "dry"}
        assert core.read_namespaced_config_map("x", "default").data == {"a": "2"}


def test_scale_subresource(api_cluster):
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
        apps = client.AppsV1Api(api)
        apps.create_namespaced_deployment("default", deployment)
        scale = apps.patch_namespaced_deployment_scale("web", "default", {"spec": {"replicas": 4}})
        assert scale.spec.replicas == 4 and scale.status.selector == "app=web"
        assert apps.read_namespaced_deployment("web", "default").spec.replicas == 4
