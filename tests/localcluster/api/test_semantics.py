"""API semantics over HTTP: paging, dry runs, content types, discovery, tables, selectors, refusals."""

from __future__ import annotations

import json

import pytest
from kubernetes import client

from tests.kube import api_client, raw_request
from tui.localcluster.api.resources import RESOURCES
from tui.localcluster.api.tables import COLUMNS, human_duration, table

TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"


def _configmaps(cluster, *names):
    for name in names:
        cluster.call(cluster.store.create, "configmaps", {"metadata": {"name": name}, "data": {"k": name}})


def test_list_pages_with_limit_and_continue(api_cluster):
    _configmaps(api_cluster, "a", "b", "c", "d", "e")
    with api_client(api_cluster) as api:
        core = client.CoreV1Api(api)
        names, token, pages = [], None, 0
        while True:
            page = core.list_namespaced_config_map("default", limit=2, _continue=token)
            names += [c.metadata.name for c in page.items]
            pages += 1
            token = page.metadata._continue
            if not token:
                break
    assert names == ["a", "b", "c", "d", "e"] and pages == 3


def _post_without_content_type(cluster, path: str, body: bytes) -> tuple[int, bytes]:
    import http.client
    import ssl

    connection = http.client.HTTPSConnection(
        "127.0.0.1", cluster.port, timeout=30, context=ssl.create_default_context(cafile=cluster.ca_path)
    )
    try:
        connection.request("POST", path, body=body, headers={"Authorization": f"Bearer {cluster.token}"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_missing_content_type_is_json_and_yaml_is_accepted(api_cluster):
    status, body = _post_without_content_type(
        api_cluster, "/api/v1/namespaces/default/configmaps", b'{"metadata":{"name":"plain"}}'
    )
    assert status == 201 and json.loads(body)["metadata"]["name"] == "plain"
    status, _, _ = raw_request(
        api_cluster,
        "/api/v1/namespaces/default/configmaps",
        method="POST",
        body=b"metadata:\n  name: from-yaml\ndata:\n  k: v\n",
        headers={"Content-Type": "application/yaml"},
    )
    assert status == 201


def test_dry_run_create_validates_without_storing(api_cluster):
    with api_client(api_cluster) as api:
        core = client.CoreV1Api(api)
        dry = core.create_namespaced_config_map("default", {"metadata": {"name": "dry"}}, dry_run="All")
        assert dry.metadata.name == "dry" and dry.metadata.uid
        assert core.list_namespaced_config_map("default").items == []


def test_creating_in_a_missing_namespace_is_404(api_cluster):
    status, _, body = raw_request(
        api_cluster, "/api/v1/namespaces/nowhere/configmaps", method="POST", body=b'{"metadata":{"name":"x"}}'
    )
    assert status == 404 and json.loads(body)["message"] == 'namespaces "nowhere" not found'


def test_discovery_and_openapi(api_cluster):
    status, _, body = raw_request(api_cluster, "/version")
    assert status == 200 and json.loads(body)["minor"] == "32"
    groups = json.loads(raw_request(api_cluster, "/apis")[2])
    assert {
        "apps",
        "authorization.k8s.io",
        "authentication.k8s.io",
        "batch",
        "rbac.authorization.k8s.io",
    } <= {g["name"] for g in groups["groups"]}
    core = json.loads(raw_request(api_cluster, "/api/v1")[2])
    names = {r["name"] for r in core["resources"]}
    assert {"pods", "pods/log", "configmaps", "secrets", "events", "namespaces", "nodes"} <= names
    apps = json.loads(raw_request(api_cluster, "/apis/apps/v1")[2])
    scale = next(r for r in apps["resources"] if r["name"] == "deployments/scale")
    assert (scale["group"], scale["kind"]) == ("autoscaling", "Scale")
    assert raw_request(api_cluster, "/openapi/v2")[0] == 404
    assert raw_request(api_cluster, "/openapi/v3")[0] == 404
    status, _, body = raw_request(api_cluster, "/apis/storage.k8s.io/v1/storageclasses")
    assert status == 404 and json.loads(body)["reason"] == "NotFound"


def test_event_field_selectors(api_cluster):
    def scenario():
        store = api_cluster.store
        for name in ("one", "two"):
            store.create(
                "events",
                {
                    "metadata": {"name": f"{name}.1"},
                    "reason": "Started",
                    "involvedObject": {"kind": "Pod", "name": name, "namespace": "default"},
                },
            )

    api_cluster.call(scenario)
    with api_client(api_cluster) as api:
        events = client.CoreV1Api(api).list_namespaced_event(
            "default", field_selector="involvedObject.name=two,involvedObject.kind=Pod"
        )
    assert [e.metadata.name for e in events.items] == ["two.1"]
    status, _, body = raw_request(api_cluster, "/api/v1/configmaps?fieldSelector=spec.nodeName%3Dx")
    assert status == 400 and "field label not supported: spec.nodeName" in json.loads(body)["message"]


def test_table_answers_for_lists_with_metadata_rows(api_cluster):
    _configmaps(api_cluster, "a")
    status, _, body = raw_request(
        api_cluster, "/api/v1/namespaces/default/configmaps", headers={"Accept": TABLE}
    )
    answer = json.loads(body)
    assert status == 200 and answer["kind"] == "Table"
    assert [c["name"] for c in answer["columnDefinitions"]] == ["Name", "Data", "Age"]
    row = answer["rows"][0]
    assert row["cells"][:2] == ["a", 1] and row["object"]["kind"] == "PartialObjectMetadata"


@pytest.mark.parametrize("resource", sorted(COLUMNS))
def test_every_table_row_has_one_cell_per_column(resource):
    res = RESOURCES[resource]
    obj = {
        "metadata": {"name": "x", "namespace": "default", "creationTimestamp": "2024-01-01T00:00:00Z"},
        "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "i"}]}}},
        "status": {},
    }
    answer = table(res, [obj], "None", "1")
    assert len(answer["rows"][0]["cells"]) == len(answer["columnDefinitions"])
    assert "object" not in answer["rows"][0]


def test_human_durations_match_kubectl():
    assert [
        human_duration(s) for s in (5, 119, 150, 600, 3 * 3600 + 60, 9 * 3600, 3 * 86400 + 3600, 400 * 86400)
    ] == ["5s", "119s", "2m30s", "10m", "3h1m", "9h", "3d1h", "400d"]


def test_readonly_user_may_read_but_not_secrets(api_cluster):
    api_cluster.call(
        api_cluster.store.create, "secrets", {"metadata": {"name": "s"}, "stringData": {"k": "v"}}
    )
    assert (
        raw_request(api_cluster, "/api/v1/namespaces/default/configmaps", token=api_cluster.readonly_token)[0]
        == 200
    )
    status, _, body = raw_request(
        api_cluster, "/api/v1/namespaces/default/secrets/s", token=api_cluster.readonly_token
    )
    assert status == 403 and json.loads(body)["message"] == (
        'secrets "s" is forbidden: User "kubeknobs-demo-readonly" cannot get resource "secrets" in API group "" '
        'in the namespace "default"'
    )


def test_method_not_allowed_and_bad_json(api_cluster):
    status, _, body = raw_request(
        api_cluster, "/api/v1/namespaces/default/configmaps", method="PUT", body=b"{}"
    )
    assert status == 405 and json.loads(body)["reason"] == "MethodNotAllowed"
    status, _, body = raw_request(
        api_cluster, "/api/v1/namespaces/default/configmaps", method="POST", body=b"{not json"
    )
    assert status == 400 and json.loads(body)["reason"] == "BadRequest"


def test_immutable_secret_refuses_changes_over_http(api_cluster):
    with api_client(api_cluster) as api:
        core = client.CoreV1Api(api)
        core.create_namespaced_secret(
            "default", {"metadata": {"name": "s"}, "data": {"k": "djE="}, "immutable": True}
        )
        status, _, body = raw_request(
            api_cluster,
            "/api/v1/namespaces/default/secrets/s",
            method="PATCH",
            body=b'{"data":{"k":"djI="}}',
            headers={"Content-Type": "application/merge-patch+json"},
        )
    assert status == 422 and json.loads(body)["message"] == (
        'Secret "s" is invalid: data: Forbidden: field is immutable when `immutable` is set'
    )


def _watch_lines(cluster, query: str, accept: str = "application/json") -> list[dict]:
    status, _, body = raw_request(
        cluster, f"/api/v1/namespaces/default/configmaps?watch=true&{query}", headers={"Accept": accept}
    )
    assert status == 200
    return [json.loads(line) for line in body.decode().splitlines() if line]


def test_watch_with_initial_events_ends_them_with_a_bookmark(api_cluster):
    _configmaps(api_cluster, "a", "b")
    events = _watch_lines(
        api_cluster,
        "sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1",
    )
    assert [e["type"] for e in events[:3]] == ["ADDED", "ADDED", "BOOKMARK"]
    assert events[2]["object"]["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}


def test_watch_table_events_carry_column_definitions_on_the_first_event_only(api_cluster):
    _configmaps(api_cluster, "a", "b")
    events = _watch_lines(api_cluster, "timeoutSeconds=1", accept=TABLE)
    assert [len(e["object"]["columnDefinitions"] or []) for e in events] == [3, 0]


def test_watch_events_as_tables_honour_include_object(api_cluster):
    _configmaps(api_cluster, "a")
    for include, kind in (("None", None), ("Metadata", "PartialObjectMetadata"), ("Object", "ConfigMap")):
        events = _watch_lines(api_cluster, f"timeoutSeconds=1&includeObject={include}", accept=TABLE)
        table_event = events[0]["object"]
        assert table_event["kind"] == "Table" and table_event["rows"][0]["cells"][0] == "a"
        assert table_event["rows"][0].get("object", {}).get("kind") == kind


def test_wrong_json_types_are_a_bad_request_that_changes_nothing(api_cluster):
    body = json.dumps({"metadata": {"name": "web"}, "spec": {"replicas": "three"}}).encode()
    status, _, answer = raw_request(
        api_cluster, "/apis/apps/v1/namespaces/default/deployments", method="POST", body=body
    )
    assert status == 400 and json.loads(answer)["message"] == (
        'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go '
        "struct field Deployment.spec.replicas of type int32"
    )
    _configmaps(api_cluster, "a")
    status, _, _ = raw_request(
        api_cluster,
        "/api/v1/namespaces/default/configmaps/a",
        method="PATCH",
        body=b'{"data":{"k":1}}',
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert status == 400
    assert json.loads(raw_request(api_cluster, "/api/v1/namespaces/default/configmaps/a")[2])["data"] == {
        "k": "a"
    }
