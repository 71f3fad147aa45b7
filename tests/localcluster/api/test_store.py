"""The store's contract, used directly by controllers and the kubelet on the cluster loop."""

from __future__ import annotations

import pytest

from tui.localcluster.api.errors import ApiError
from tui.localcluster.api.events import record_event

DEPLOYMENT = {
    "metadata": {"name": "web", "namespace": "default"},
    "spec": {
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
        },
    },
}


def test_create_fills_metadata_and_apiserver_defaults(api_cluster):
    created = api_cluster.call(api_cluster.store.create, "deployments", DEPLOYMENT)
    meta = created["metadata"]
    assert meta["uid"] and meta["creationTimestamp"].endswith("Z") and meta["generation"] == 1
    assert int(meta["resourceVersion"]) > 0
    spec = created["spec"]
    assert spec["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
    }
    assert (spec["revisionHistoryLimit"], spec["progressDeadlineSeconds"], spec["replicas"]) == (10, 600, 1)
    pod_spec = spec["template"]["spec"]
    assert pod_spec["restartPolicy"] == "Always" and pod_spec["terminationGracePeriodSeconds"] == 30
    assert pod_spec["dnsPolicy"] == "ClusterFirst"
    container = pod_spec["containers"][0]
    assert container["terminationMessagePath"] == "/dev/termination-log"
    assert container["imagePullPolicy"] == "IfNotPresent"


def test_generation_moves_on_spec_changes_only(api_cluster):
    store = api_cluster.store

    def scenario():
        created = store.create("deployments", DEPLOYMENT)
        relabelled = {**created, "metadata": {**created["metadata"], "labels": {"tier": "front"}}}
        after_label = store.update("deployments", relabelled)
        status = store.update("deployments", {**after_label, "status": {"replicas": 1}}, subresource="status")
        spec = {**status, "spec": {**status["spec"], "replicas": 3}}
        after_spec = store.update("deployments", spec)
        return after_label, status, after_spec

    after_label, status, after_spec = api_cluster.call(scenario)
    assert after_label["metadata"]["generation"] == 1
    assert status["metadata"]["generation"] == 1 and status["status"] == {"replicas": 1}
    assert after_spec["metadata"]["generation"] == 2 and after_spec["status"] == {"replicas": 1}


def test_stale_resource_version_is_a_conflict_with_the_apiserver_wording(api_cluster):
    store = api_cluster.store

    def scenario():
        first = store.create("configmaps", {"metadata": {"name": "x"}, "data": {"a": "1"}})
        store.update("configmaps", {**first, "data": {"a": "2"}})
        store.update("configmaps", {**first, "data": {"a": "3"}})

    with pytest.raises(ApiError) as err:
        api_cluster.call(scenario)
    assert err.value.code == 409
    assert err.value.message == (
        'Operation cannot be fulfilled on configmaps "x": the object has been '
        "modified; please apply your changes to the latest version and try again"
    )


def test_listeners_hear_each_committed_write_and_noop_updates_write_nothing(api_cluster):
    store = api_cluster.store
    heard = []

    def scenario():
        store.add_listener(
            lambda kind, resource, obj: heard.append((kind, resource, obj["metadata"]["name"]))
        )
        created = store.create("configmaps", {"metadata": {"name": "x"}, "data": {"a": "1"}})
        same = store.update("configmaps", created)
        store.delete("configmaps", "default", "x")
        return created, same

    created, same = api_cluster.call(scenario)
    assert same["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]
    assert heard == [("ADDED", "configmaps", "x"), ("DELETED", "configmaps", "x")]


def test_list_filters_by_label_and_field_selectors(api_cluster):
    store = api_cluster.store

    def scenario():
        for name, tier in (("a", "front"), ("b", "back"), ("c", "front")):
            store.create("configmaps", {"metadata": {"name": name, "labels": {"tier": tier}}})
        front, rv = store.list("configmaps", "default", label_selector="tier in (front)")
        named, _ = store.list("configmaps", None, field_selector="metadata.name!=a")
        return [o["metadata"]["name"] for o in front], [o["metadata"]["name"] for o in named], rv

    front, named, rv = api_cluster.call(scenario)
    assert front == ["a", "c"] and named == ["b", "c"] and rv.isdigit()


def test_immutable_configmap_refuses_data_changes(api_cluster):
    store = api_cluster.store

    def scenario():
        created = store.create(
            "configmaps", {"metadata": {"name": "x"}, "data": {"a": "1"}, "immutable": True}
        )
        store.update("configmaps", {**created, "data": {"a": "2"}})

    with pytest.raises(ApiError) as err:
        api_cluster.call(scenario)
    assert err.value.code == 422
    assert (
        err.value.message
        == 'ConfigMap "x" is invalid: data: Forbidden: field is immutable when `immutable` is set'
    )


def test_generate_name_and_uids_follow_the_seed(make_cluster):
    names = []
    for _ in range(2):
        cluster = make_cluster(components=False, seed=42)
        obj = cluster.call(cluster.store.create, "configmaps", {"metadata": {"generateName": "web-"}})
        names.append((obj["metadata"]["name"], obj["metadata"]["uid"]))
    assert names[0] == names[1] and names[0][0].startswith("web-") and len(names[0][0]) == 9


def test_record_event_aggregates_repeats(api_cluster):
    store = api_cluster.store

    def scenario():
        pod = store.create(
            "pods", {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "i"}]}}
        )
        record_event(
            store, pod, "BackOff", "Back-off restarting failed container", "Warning", component="kubelet"
        )
        return record_event(
            store, pod, "BackOff", "Back-off restarting failed container", "Warning", component="kubelet"
        )

    event = api_cluster.call(scenario)
    assert event["count"] == 2 and event["involvedObject"]["name"] == "p" and event["type"] == "Warning"
    assert event["source"] == {"component": "kubelet"}


def test_namespaced_lists_do_not_mix_namespaces_with_shared_prefixes(api_cluster):
    store = api_cluster.store

    def scenario():
        for namespace in ("team", "team-b", "tea"):
            store.create("namespaces", {"metadata": {"name": namespace}})
            store.create("configmaps", {"metadata": {"name": "x", "namespace": namespace}})
        return {
            ns: [o["metadata"]["namespace"] for o in store.list("configmaps", ns)[0]]
            for ns in ("team", "team-b", "tea", "te")
        }

    assert api_cluster.call(scenario) == {"team": ["team"], "team-b": ["team-b"], "tea": ["tea"], "te": []}


def test_orphan_deletion_keeps_dependents_and_drops_their_owner_reference(api_cluster):
    from kubernetes import client

    from tests.kube import api_client

    def scenario():
        owner = api_cluster.store.create("deployments", DEPLOYMENT)
        ref = {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": "web",
            "uid": owner["metadata"]["uid"],
            "controller": True,
        }
        rs = {
            "metadata": {"name": "web-1", "ownerReferences": [ref], "labels": {"app": "web"}},
            "spec": DEPLOYMENT["spec"],
        }
        api_cluster.store.create("replicasets", rs)

    api_cluster.call(scenario)
    with api_client(api_cluster) as api:
        client.AppsV1Api(api).delete_namespaced_deployment(
            "web", "default", body=client.V1DeleteOptions(propagation_policy="Orphan")
        )
    kept = api_cluster.call(api_cluster.store.get, "replicasets", "default", "web-1")
    assert kept is not None and "ownerReferences" not in kept["metadata"]
    assert api_cluster.call(api_cluster.store.get, "deployments", "default", "web") is None
