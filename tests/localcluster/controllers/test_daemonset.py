"""The DaemonSet controller: one pod per node, node selectors, rolling update, history and undo."""

from __future__ import annotations

from tests.localcluster.controllers.conftest import NODES, apply, get, items, node, run
from tests.waiting import eventually


def daemonset(name: str = "agent", image: str = "fluent-bit:3.0", **spec) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "agent", "image": image}]},
            },
            **spec,
        },
    }


def pods_by_node(cluster) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for pod in items(cluster, "pods"):
        out.setdefault(pod["spec"].get("nodeName"), []).append(pod)
    return out


def test_daemonset_runs_one_pod_on_every_node(cluster):
    apply(cluster, daemonset())
    out = run(cluster, "rollout", "status", "daemonset/agent", "--timeout=60s")
    assert 'daemon set "agent" successfully rolled out' in out

    by_node = pods_by_node(cluster)
    assert sorted(by_node) == sorted(NODES)
    assert all(len(pods) == 1 for pods in by_node.values())
    ds = get(cluster, "daemonsets", "agent")
    status = ds["status"]
    assert (
        status["desiredNumberScheduled"],
        status["currentNumberScheduled"],
        status["numberReady"],
        status["numberAvailable"],
        status["updatedNumberScheduled"],
        status["numberMisscheduled"],
    ) == (3, 3, 3, 3, 3, 0)
    (revision,) = items(cluster, "controllerrevisions")
    pod = by_node[NODES[0]][0]
    assert (
        pod["metadata"]["labels"]["controller-revision-hash"]
        == revision["metadata"]["labels"]["controller-revision-hash"]
    )
    assert pod["metadata"]["labels"]["pod-template-generation"] == "1"
    terms = pod["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert terms["nodeSelectorTerms"][0]["matchFields"][0]["values"] == [NODES[0]]


def test_daemonset_follows_node_selector_and_new_nodes(cluster):
    cluster.call(
        lambda: cluster.store.update(
            "nodes",
            {
                **cluster.store.get("nodes", None, "node-a"),
                "metadata": {
                    **cluster.store.get("nodes", None, "node-a")["metadata"],
                    "labels": {"role": "edge"},
                },
            },
        )
    )
    manifest = daemonset()
    manifest["spec"]["template"]["spec"]["nodeSelector"] = {"role": "edge"}
    apply(cluster, manifest)
    run(cluster, "rollout", "status", "daemonset/agent", "--timeout=60s")
    assert sorted(pods_by_node(cluster)) == ["node-a"]

    cluster.call(lambda: cluster.store.create("nodes", node("node-d", {"role": "edge"})))
    eventually(lambda: sorted(pods_by_node(cluster)) == ["node-a", "node-d"], message="pod on the new node")
    run(cluster, "rollout", "status", "daemonset/agent", "--timeout=60s")
    assert get(cluster, "daemonsets", "agent")["status"]["desiredNumberScheduled"] == 2


def test_daemonset_rolling_update_replaces_one_node_at_a_time(cluster, recorder):
    apply(cluster, daemonset())
    run(cluster, "rollout", "status", "daemonset/agent", "--timeout=60s")
    rec = recorder("pods")
    ready = {p["metadata"]["name"]: True for p in items(cluster, "pods")}
    run(cluster, "set", "image", "daemonset/agent", "agent=fluent-bit:3.1")
    out = run(cluster, "rollout", "status", "daemonset/agent", "--timeout=60s")
    assert 'daemon set "agent" successfully rolled out' in out

    low_ready = len(ready)
    for event_type, _, pod in rec.snapshot():
        name = pod["metadata"]["name"]
        if event_type == "DELETED":
            ready.pop(name, None)
        else:
            ready[name] = any(
                c["type"] == "Ready" and c["status"] == "True"
                for c in pod.get("status", {}).get("conditions", [])
            )
        low_ready = min(low_ready, sum(ready.values()))
    assert low_ready >= 2
    by_node = pods_by_node(cluster)
    assert sorted(by_node) == sorted(NODES)
    assert {pods[0]["spec"]["containers"][0]["image"] for pods in by_node.values()} == {"fluent-bit:3.1"}


def test_daemonset_history_and_undo(cluster):
    apply(cluster, daemonset())
    run(cluster, "rollout", "status", "daemonset/agent", "--timeout=60s")
    run(cluster, "set", "image", "daemonset/agent", "agent=fluent-bit:3.1")
    run(cluster, "rollout", "status", "daemonset/agent", "--timeout=60s")
    history = run(cluster, "rollout", "history", "daemonset/agent")
    assert [line.split()[0] for line in history.splitlines()[2:] if line.strip()] == ["1", "2"]

    run(cluster, "rollout", "undo", "daemonset/agent")
    run(cluster, "rollout", "status", "daemonset/agent", "--timeout=60s")
    images = {p["spec"]["containers"][0]["image"] for p in items(cluster, "pods")}
    assert images == {"fluent-bit:3.0"}
    assert len(items(cluster, "pods")) == 3


def test_daemonset_with_max_surge_starts_the_new_pod_before_stopping_the_old(cluster, recorder):
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}
    apply(cluster, daemonset(updateStrategy=strategy))
    run(cluster, "rollout", "status", "daemonset/agent", "--timeout=60s")
    rec = recorder("pods")
    ready = {p["metadata"]["name"]: True for p in items(cluster, "pods")}
    run(cluster, "set", "image", "daemonset/agent", "agent=fluent-bit:3.1")
    run(cluster, "rollout", "status", "daemonset/agent", "--timeout=60s")
    low_ready = len(ready)
    for event_type, _, pod in rec.snapshot():
        name = pod["metadata"]["name"]
        if event_type == "DELETED":
            ready.pop(name, None)
        else:
            ready[name] = any(
                c["type"] == "Ready" and c["status"] == "True"
                for c in pod.get("status", {}).get("conditions", [])
            )
        low_ready = min(low_ready, sum(ready.values()))
    assert low_ready >= 3
    eventually(lambda: len(items(cluster, "pods")) == 3, message="old pods gone")
