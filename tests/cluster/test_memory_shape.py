"""What the session keeps is small, and keeping less changes nothing it answers."""

from __future__ import annotations

import threading

from tests.cluster.conftest import configmap
from tests.waiting import eventually
from tui.cluster import rows as rows_module
from tui.cluster import session as session_module
from tui.cluster.connect import load_connection
from tui.cluster.informer import Informer, rv_of
from tui.cluster.reloadwatch import written_at
from tui.cluster.resources import RESOURCES
from tui.cluster.session import ClusterSession
from tui.cluster.slim import HANDED_ON, slim_configmap, slim_event, slim_pod, slim_workload
from tui.model.classify import classify
from tui.model.events import KubeEvent
from tui.model.objects import ClusterObjects
from tui.model.profiles import ProfileSet


class Puts:
    """A batcher that records each hand-over, so that a relist can be run on the test's own thread."""

    def __init__(self):
        self.puts: list[list] = []

    def put(self, items):
        if items:
            self.puts.append(list(items))

    def backlog(self):
        return 0

    @property
    def deltas(self):
        return [d for batch in self.puts for d in batch]


def event(name: str, at: str, namespace: str = "default") -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "type": "Normal",
        "reason": "Pulled",
        "message": f"{name} pulled",
        "lastTimestamp": at,
        "involvedObject": {"kind": "Pod", "name": name, "namespace": namespace},
        "metadata": {"name": f"{name}.1", "namespace": namespace},
    }


def create(cluster, resource: str, *objs: dict) -> None:
    def run():
        for obj in objs:
            cluster.store.create(resource, obj)

    cluster.call(run)


def test_events_are_kept_as_versions_and_a_relist_hands_on_only_what_changed(cluster, admin):
    create(cluster, "events", *(event(f"web-{i}", f"2026-01-01T10:00:0{i}Z") for i in range(5)))
    puts = Puts()
    informer = Informer(
        admin,
        RESOURCES["events"],
        namespace="default",
        batcher=puts,
        page_size=2,
        transform=slim_event,
        keep_objects="events" not in HANDED_ON,
    )
    informer._relist()
    assert len(puts.puts) == 3  # one hand-over per page: a page is never held until the list ends
    assert sorted(d.obj["metadata"]["name"] for d in puts.deltas) == [f"web-{i}.1" for i in range(5)]
    assert all(isinstance(held, str) for held in informer._store.values())
    stub = informer.get("default", "web-0.1")
    assert stub["metadata"] == {
        "namespace": "default",
        "name": "web-0.1",
        "resourceVersion": rv_of(puts.deltas[0].obj),
    }

    create(cluster, "events", event("web-9", "2026-01-01T10:00:09Z"))
    cluster.call(cluster.store.delete, "events", "default", "web-0.1")
    puts.puts.clear()
    informer._relist()
    assert [(d.type, d.key[1]) for d in puts.deltas] == [("added", "web-9.1"), ("deleted", "web-0.1")]


def test_a_kept_kind_relist_goes_out_in_one_batch_even_when_a_later_page_fails(cluster, admin):
    create(cluster, "configmaps", *(configmap(f"cm-{i}", {"k": str(i)}) for i in range(5)))
    puts = Puts()
    failed = threading.Event()

    def fail_second_page(obj):
        if not failed.is_set():
            failed.set()
            cluster.faults.fail_next(1, status=500)
        return obj

    informer = Informer(
        admin,
        RESOURCES["configmaps"],
        namespace="default",
        batcher=puts,
        page_size=2,
        transform=fail_second_page,
    )
    try:
        informer._relist()
        raise AssertionError("the second page was to fail")
    except Exception as exc:  # noqa: BLE001 - the 500 of the second page
        assert "500" in str(exc) or "Internal" in str(exc)
    # the first page is in the store, so its changes went out although the list did not finish
    assert [d.key[1] for d in puts.deltas] == ["cm-0", "cm-1"] == [k[1] for k in informer.snapshot()]
    puts.puts.clear()
    informer._relist()
    assert len(puts.puts) == 1
    assert sorted(d.key[1] for d in puts.deltas) == ["cm-2", "cm-3", "cm-4"]


def _pod(name: str, namespace: str = "shop") -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "resourceVersion": "7",
            "uid": f"uid-{name}",
            "annotations": {"kubeknobs.io/phantom": "true"},
            "generateName": "web-7d4b9c-",
            "labels": {"app": "web", "pod-template-hash": "7d4b9c"},
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "name": "web-7d4b9c",
                    "uid": "rs-1",
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": {"nodeName": "node-1", "containers": [{"name": "web", "image": "nginx:1.27"}]},
        "status": {
            "phase": "Running",
            "podIP": "10.0.0.1",
            "hostIP": "172.18.0.2",
            "containerStatuses": [
                {
                    "name": "web",
                    "ready": True,
                    "restartCount": 0,
                    "lastState": {},
                    "state": {"running": {"startedAt": "2026-01-01T10:00:00Z"}},
                }
            ],
            "conditions": [{"type": "Ready", "status": "True", "lastProbeTime": None}],
        },
    }


def test_pods_of_one_workload_share_their_repeated_strings():
    # each pod decoded on its own, as two list pages would be
    a, b = slim_pod(_pod("web-7d4b9c-aaaaa")), slim_pod(_pod("web-7d4b9c-bbbbb"))
    assert a["metadata"]["namespace"] is b["metadata"]["namespace"]
    assert a["metadata"]["ownerReferences"][0]["name"] is b["metadata"]["ownerReferences"][0]["name"]
    assert a["spec"]["containers"][0]["image"] is b["spec"]["containers"][0]["image"]
    assert a["metadata"]["ownerReferences"] == [
        {"kind": "ReplicaSet", "name": "web-7d4b9c", "controller": True}
    ]
    assert "annotations" not in a["metadata"] and "podIP" not in a["status"]
    assert a["status"]["conditions"] == [{"type": "Ready", "status": "True"}]
    assert "lastState" not in a["status"]["containerStatuses"][0]


def test_a_slim_workload_classifies_like_the_whole_one():
    applied = '{"kind":"Deployment","spec":{"replicas":1}}'
    whole = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "web",
            "namespace": "shop",
            "resourceVersion": "3",
            "annotations": {
                "kubectl.kubernetes.io/last-applied-configuration": applied,
                "reloader.stakater.com/auto": "true",
            },
            "managedFields": [{"manager": "kubectl", "time": "2026-01-01T10:00:00Z"}],
        },
        "spec": {
            "replicas": 2,
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "web",
                            "image": "nginx",
                            "args": ["--workers=4"],
                            "envFrom": [{"configMapRef": {"name": "web"}}],
                        }
                    ]
                }
            },
        },
    }
    slim = slim_workload(whole)
    assert "managedFields" not in slim["metadata"]
    assert slim["metadata"]["annotations"] == {"reloader.stakater.com/auto": "true"}
    assert "managedFields" in whole["metadata"]  # the object read is left as it was
    objects = ClusterObjects([{**configmap("web", {"MODE": "fast"}, namespace="shop"), "kind": "ConfigMap"}])
    profiles, _errors = ProfileSet.load()
    assert classify(slim, objects, profiles) == classify(whole, objects, profiles)


def test_a_slim_configmap_still_tells_when_it_was_written():
    whole = {**configmap("web", {"k": "v"}), "kind": "ConfigMap"}
    whole["metadata"]["managedFields"] = [
        {"manager": "kubectl", "time": "2026-01-01T10:00:00Z", "fieldsV1": {}},
        {"manager": "kubeknobs", "time": "2026-01-01T10:05:00Z", "fieldsV1": {}},
    ]
    slim = slim_configmap(whole)
    assert slim["metadata"]["managedFields"] == [{"time": "2026-01-01T10:05:00Z"}]
    assert written_at(slim) == written_at(whole)


def test_first_lists_hand_over_only_the_newest_events_in_time_order(cluster, monkeypatch):
    monkeypatch.setattr(session_module, "FIRST_EVENTS", 3)
    # store order (by name) is not time order
    create(
        cluster,
        "events",
        *(
            event(f"pod-{name}", f"2026-01-01T10:00:{sec:02}Z")
            for name, sec in (("a", 5), ("b", 1), ("c", 9), ("d", 3), ("e", 7))
        ),
    )
    received: list = []
    synced = threading.Event()

    class Sink:
        def workloads_changed(self, upserts, deletes): ...

        def state_changed(self, state): ...

        def events(self, events):
            received.extend(e for e in events if isinstance(e, KubeEvent))

        def synced(self):
            synced.set()

    s = ClusterSession(load_connection(cluster.kubeconfig), namespaces=["default"])
    s.start(Sink())
    try:
        assert synced.wait(30)
        eventually(lambda: len(received) == 3)
        assert [e.involved for e in received] == ["Pod/pod-a", "Pod/pod-e", "Pod/pod-c"]
    finally:
        s.stop()


def test_settings_of_a_workload_no_longer_cached_are_classified_again(cluster, monkeypatch):
    monkeypatch.setattr(rows_module, "SETTINGS_KEPT", 1)
    deployments = [
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": f"app-{i}", "namespace": "default"},
            "spec": {
                "selector": {"matchLabels": {"app": f"app-{i}"}},
                "template": {
                    "metadata": {"labels": {"app": f"app-{i}"}},
                    "spec": {"containers": [{"name": "c", "image": "x", "args": [f"--workers={i + 1}"]}]},
                },
            },
        }
        for i in range(3)
    ]
    create(cluster, "deployments", *deployments)

    class Sink:
        rows: dict = {}

        def workloads_changed(self, upserts, deletes):
            self.rows.update({r.key: r for r in upserts})

        def state_changed(self, state): ...

        def events(self, events): ...

        def synced(self): ...

    sink = Sink()
    s = ClusterSession(load_connection(cluster.kubeconfig), namespaces=["default"], kinds=("deployments",))
    s.start(sink)
    try:
        eventually(
            lambda: len(sink.rows) == 3 and all(r.summary not in ("", "…") for r in sink.rows.values())
        )
        assert s.row_builder.settings_kept == 1
        for i in range(3):
            settings = s.settings(("Deployment", "default", f"app-{i}"))
            assert [(x.name, x.value) for x in settings] == [("--workers", str(i + 1))]
        assert s.row_builder.settings_kept == 1
    finally:
        s.stop()
