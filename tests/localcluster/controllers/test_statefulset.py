"""The StatefulSet controller: ordered start, reverse-ordinal rolling update, partition, revisions."""

from __future__ import annotations

from tests.localcluster.controllers.conftest import apply, get, items, run


def statefulset(
    name: str = "db", image: str = "postgres:16", replicas: int = 3, partition: int | None = None
) -> dict:
    spec = {
        "replicas": replicas,
        "serviceName": name,
        "selector": {"matchLabels": {"app": name}},
        "template": {
            "metadata": {"labels": {"app": name}},
            "spec": {"containers": [{"name": "db", "image": image}]},
        },
    }
    if partition is not None:
        spec["updateStrategy"] = {"type": "RollingUpdate", "rollingUpdate": {"partition": partition}}
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": name, "namespace": "default"},
        "spec": spec,
    }


def image_of(cluster, pod: str) -> str:
    return get(cluster, "pods", pod)["spec"]["containers"][0]["image"]


def test_statefulset_starts_pods_in_ordinal_order_each_after_the_previous_is_ready(cluster, recorder):
    rec = recorder("pods")
    apply(cluster, statefulset())
    out = run(cluster, "rollout", "status", "statefulset/db", "--timeout=60s")
    assert "partitioned roll out complete: 3 new pods have been updated" in out

    created, ready_before_next = [], True
    ready: set[str] = set()
    for event_type, _, pod in rec.snapshot():
        name = pod["metadata"]["name"]
        if event_type == "ADDED":
            if created:
                ready_before_next &= created[-1] in ready
            created.append(name)
        elif any(c["type"] == "Ready" and c["status"] == "True" for c in pod["status"].get("conditions", [])):
            ready.add(name)
    assert created == ["db-0", "db-1", "db-2"]
    assert ready_before_next

    pod = get(cluster, "pods", "db-1")
    sts = get(cluster, "statefulsets", "db")
    assert pod["spec"]["hostname"] == "db-1" and pod["spec"]["subdomain"] == "db"
    assert pod["metadata"]["labels"]["statefulset.kubernetes.io/pod-name"] == "db-1"
    assert pod["metadata"]["labels"]["apps.kubernetes.io/pod-index"] == "1"
    assert pod["metadata"]["labels"]["controller-revision-hash"] == sts["status"]["updateRevision"]
    assert sts["status"]["currentRevision"] == sts["status"]["updateRevision"]
    assert (
        sts["status"]["replicas"],
        sts["status"]["readyReplicas"],
        sts["status"]["availableReplicas"],
    ) == (3, 3, 3)
    (revision,) = items(cluster, "controllerrevisions")
    assert revision["metadata"]["name"] == sts["status"]["updateRevision"]
    assert revision["revision"] == 1
    assert revision["data"]["spec"]["template"]["$patch"] == "replace"


def test_rolling_update_goes_in_reverse_ordinal_order_and_honours_the_partition(cluster, recorder):
    apply(cluster, statefulset(partition=1))
    run(cluster, "rollout", "status", "statefulset/db", "--timeout=60s")
    rec = recorder("pods")
    run(cluster, "set", "image", "statefulset/db", "db=postgres:17")
    out = run(cluster, "rollout", "status", "statefulset/db", "--timeout=60s")
    assert "partitioned roll out complete: 2 new pods have been updated" in out

    deleted = [o["metadata"]["name"] for t, _, o in rec.snapshot() if t == "DELETED"]
    assert deleted == ["db-2", "db-1"]
    assert [image_of(cluster, f"db-{i}") for i in range(3)] == ["postgres:16", "postgres:17", "postgres:17"]
    sts = get(cluster, "statefulsets", "db")
    assert sts["status"]["currentRevision"] != sts["status"]["updateRevision"]
    assert (sts["status"]["currentReplicas"], sts["status"]["updatedReplicas"]) == (1, 2)

    run(
        cluster,
        "patch",
        "statefulset/db",
        "-p",
        '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}',
    )
    out = run(cluster, "rollout", "status", "statefulset/db", "--timeout=60s")
    assert "partitioned roll out complete: 3 new pods have been updated" in out
    assert image_of(cluster, "db-0") == "postgres:17"
    sts = get(cluster, "statefulsets", "db")
    assert sts["status"]["currentRevision"] == sts["status"]["updateRevision"]


def test_statefulset_rollout_history_and_undo_use_controller_revisions(cluster):
    apply(cluster, statefulset())
    run(cluster, "rollout", "status", "statefulset/db", "--timeout=60s")
    run(cluster, "set", "image", "statefulset/db", "db=postgres:17")
    run(cluster, "rollout", "status", "statefulset/db", "--timeout=60s")
    history = run(cluster, "rollout", "history", "statefulset/db")
    assert [line.split()[0] for line in history.splitlines()[2:] if line.strip()] == ["1", "2"]

    run(cluster, "rollout", "undo", "statefulset/db")
    run(cluster, "rollout", "status", "statefulset/db", "--timeout=60s")
    assert {image_of(cluster, f"db-{i}") for i in range(3)} == {"postgres:16"}
    revisions = {r["metadata"]["name"]: r["revision"] for r in items(cluster, "controllerrevisions")}
    sts = get(cluster, "statefulsets", "db")
    assert revisions[sts["status"]["updateRevision"]] == 3
    assert len(revisions) == 2


def test_scaling_down_removes_the_highest_ordinals_first(cluster, recorder):
    apply(cluster, statefulset(replicas=4))
    run(cluster, "rollout", "status", "statefulset/db", "--timeout=60s")
    rec = recorder("pods")
    run(cluster, "scale", "statefulset/db", "--replicas=1")
    run(cluster, "rollout", "status", "statefulset/db", "--timeout=60s")
    deleted = [o["metadata"]["name"] for t, _, o in rec.snapshot() if t == "DELETED"]
    assert deleted == ["db-3", "db-2", "db-1"]
    assert [p["metadata"]["name"] for p in items(cluster, "pods")] == ["db-0"]


def test_parallel_pod_management_creates_all_pods_without_waiting(cluster, recorder):
    rec = recorder("pods")
    manifest = statefulset(replicas=3)
    manifest["spec"]["podManagementPolicy"] = "Parallel"
    apply(cluster, manifest)
    run(cluster, "rollout", "status", "statefulset/db", "--timeout=60s")
    changes = rec.snapshot()
    added = [i for i, (t, _, _) in enumerate(changes) if t == "ADDED"]
    first_ready = next(
        i
        for i, (t, _, o) in enumerate(changes)
        if t == "MODIFIED"
        and any(
            c["type"] == "Ready" and c["status"] == "True" for c in o.get("status", {}).get("conditions", [])
        )
    )
    assert len(added) == 3 and max(added) < first_ready
