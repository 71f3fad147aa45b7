"""The Deployment controller as kubectl sees it: rollout status, restart, history, undo, strategies."""

from __future__ import annotations

import re

from tests.kube import kubectl
from tests.localcluster.controllers.conftest import apply, deployment, get, items, run
from tests.waiting import eventually
from tui.localcluster.controllers.hashing import SAFE_ALPHABET

REVISION = "deployment.kubernetes.io/revision"


def owned_replicasets(cluster, name: str) -> list[dict]:
    return [rs for rs in items(cluster, "replicasets") if rs["metadata"]["name"].startswith(name + "-")]


def rollout_status(cluster, name: str, kind: str = "deployment", timeout: str = "60s") -> str:
    return run(cluster, "rollout", "status", f"{kind}/{name}", f"--timeout={timeout}")


def test_new_deployment_gets_a_replicaset_named_by_template_hash_with_revision_1(cluster):
    apply(cluster, deployment("web"))
    assert 'deployment "web" successfully rolled out' in rollout_status(cluster, "web")

    (rs,) = owned_replicasets(cluster, "web")
    pod_hash = rs["metadata"]["labels"]["pod-template-hash"]
    assert rs["metadata"]["name"] == f"web-{pod_hash}"
    assert set(pod_hash) <= set(SAFE_ALPHABET)
    assert rs["spec"]["selector"]["matchLabels"] == {"app": "web", "pod-template-hash": pod_hash}
    assert rs["metadata"]["annotations"] == {
        REVISION: "1",
        "deployment.kubernetes.io/desired-replicas": "3",
        "deployment.kubernetes.io/max-replicas": "4",
    }
    d = get(cluster, "deployments", "web")
    (owner,) = rs["metadata"]["ownerReferences"]
    assert owner == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "web",
        "uid": d["metadata"]["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }

    pods = [p for p in items(cluster, "pods") if p["metadata"]["name"].startswith(rs["metadata"]["name"])]
    assert len(pods) == 3
    for pod in pods:
        assert re.fullmatch(rf"web-{pod_hash}-[{SAFE_ALPHABET}]{{5}}", pod["metadata"]["name"])
        assert pod["metadata"]["ownerReferences"][0]["uid"] == rs["metadata"]["uid"]
        assert pod["spec"]["nodeName"]

    assert d["metadata"]["annotations"][REVISION] == "1"
    status = d["status"]
    assert (
        status["replicas"],
        status["updatedReplicas"],
        status["readyReplicas"],
        status["availableReplicas"],
    ) == (3, 3, 3, 3)
    assert status["observedGeneration"] == d["metadata"]["generation"]
    conditions = {c["type"]: c for c in status["conditions"]}
    assert conditions["Available"]["reason"] == "MinimumReplicasAvailable"
    assert conditions["Available"]["message"] == "Deployment has minimum availability."
    assert conditions["Progressing"]["reason"] == "NewReplicaSetAvailable"
    assert conditions["Progressing"]["message"] == f'ReplicaSet "web-{pod_hash}" has successfully progressed.'
    for cond in conditions.values():
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", cond["lastUpdateTime"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", cond["lastTransitionTime"])

    events = run(cluster, "get", "events", "--field-selector", "involvedObject.kind=Deployment")
    assert f"Scaled up replica set web-{pod_hash} from 0 to 3" in events


def test_rollout_restart_replaces_every_pod_and_rollout_status_completes(cluster):
    apply(cluster, deployment("web"))
    rollout_status(cluster, "web")
    before = {p["metadata"]["name"] for p in items(cluster, "pods")}

    run(cluster, "rollout", "restart", "deployment/web")
    assert 'deployment "web" successfully rolled out' in rollout_status(cluster, "web")

    after = {p["metadata"]["name"] for p in items(cluster, "pods")}
    assert len(after) == 3 and not before & after
    new_rs = [rs for rs in owned_replicasets(cluster, "web") if rs["spec"]["replicas"] == 3]
    assert len(new_rs) == 1 and new_rs[0]["metadata"]["annotations"][REVISION] == "2"
    restarted = new_rs[0]["spec"]["template"]["metadata"]["annotations"]
    assert "kubectl.kubernetes.io/restartedAt" in restarted


def test_rollout_history_lists_revisions_with_change_cause(cluster):
    manifest = deployment("web")
    manifest["metadata"]["annotations"] = {"kubernetes.io/change-cause": "first image"}
    apply(cluster, manifest)
    rollout_status(cluster, "web")
    run(cluster, "set", "image", "deployment/web", "app=nginx:1.26")
    run(cluster, "annotate", "--overwrite", "deployment/web", "kubernetes.io/change-cause=bump to 1.26")
    rollout_status(cluster, "web")

    history = run(cluster, "rollout", "history", "deployment/web")
    rows = [line.split(None, 1) for line in history.splitlines()[2:] if line.strip()]
    assert [r[0] for r in rows] == ["1", "2"]
    assert rows[0][1].strip() == "first image"
    assert rows[1][1].strip() == "bump to 1.26"
    detail = run(cluster, "rollout", "history", "deployment/web", "--revision=2")
    assert "nginx:1.26" in detail


def test_rollout_undo_restores_the_previous_template_and_reuses_its_replicaset(cluster):
    apply(cluster, deployment("web"))
    rollout_status(cluster, "web")
    (first,) = owned_replicasets(cluster, "web")
    run(cluster, "set", "image", "deployment/web", "app=nginx:1.26")
    rollout_status(cluster, "web")

    assert "rolled back" in run(cluster, "rollout", "undo", "deployment/web")
    rollout_status(cluster, "web")

    d = get(cluster, "deployments", "web")
    assert d["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.25"
    assert "pod-template-hash" not in d["spec"]["template"]["metadata"]["labels"]
    assert d["metadata"]["annotations"][REVISION] == "3"
    back = get(cluster, "replicasets", first["metadata"]["name"])
    assert back["metadata"]["uid"] == first["metadata"]["uid"]
    assert back["spec"]["replicas"] == 3
    assert back["metadata"]["annotations"][REVISION] == "3"
    assert back["metadata"]["annotations"]["deployment.kubernetes.io/revision-history"] == "1"
    assert len(owned_replicasets(cluster, "web")) == 2
    images = {p["spec"]["containers"][0]["image"] for p in items(cluster, "pods")}
    assert images == {"nginx:1.25"}
    history = run(cluster, "rollout", "history", "deployment/web")
    assert [line.split()[0] for line in history.splitlines()[2:] if line.strip()] == ["2", "3"]


def test_rolling_update_stays_within_max_surge_and_max_unavailable(cluster, recorder):
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 1}}
    apply(cluster, deployment("web", replicas=4, strategy=strategy))
    rollout_status(cluster, "web")
    rec = recorder("pods")
    ready = {p["metadata"]["name"]: is_ready(p) for p in items(cluster, "pods")}
    run(cluster, "set", "image", "deployment/web", "app=nginx:1.26")
    rollout_status(cluster, "web")

    peak_pods, low_ready = len(ready), sum(ready.values())
    for event_type, _, pod in rec.snapshot():
        if event_type == "DELETED":
            ready.pop(pod["metadata"]["name"], None)
        else:
            ready[pod["metadata"]["name"]] = is_ready(pod)
        peak_pods = max(peak_pods, len(ready))
        low_ready = min(low_ready, sum(ready.values()))
    assert peak_pods <= 4 + 1
    assert low_ready >= 4 - 1
    assert sorted(rs["spec"]["replicas"] for rs in owned_replicasets(cluster, "web")) == [0, 4]


def is_ready(pod: dict) -> bool:
    return any(
        c["type"] == "Ready" and c["status"] == "True" for c in pod.get("status", {}).get("conditions", [])
    )


def test_recreate_scales_the_old_replicaset_to_zero_before_creating_the_new_one(cluster, recorder):
    apply(cluster, deployment("web", strategy={"type": "Recreate"}))
    rollout_status(cluster, "web")
    (old,) = owned_replicasets(cluster, "web")
    rec = recorder("replicasets", "pods")
    run(cluster, "set", "image", "deployment/web", "app=nginx:1.26")
    rollout_status(cluster, "web")

    old_name = old["metadata"]["name"]
    changes = rec.snapshot()
    first_new = next(
        i
        for i, (t, r, o) in enumerate(changes)
        if r == "replicasets" and t == "ADDED" and o["metadata"]["name"] != old_name
    )
    old_pod_deletions = [
        i
        for i, (t, r, o) in enumerate(changes)
        if r == "pods" and t == "DELETED" and o["metadata"]["name"].startswith(old_name)
    ]
    assert len(old_pod_deletions) == 3
    assert max(old_pod_deletions) < first_new


def test_paused_deployment_rolls_out_only_after_resume(cluster):
    apply(cluster, deployment("web"))
    rollout_status(cluster, "web")
    run(cluster, "rollout", "pause", "deployment/web")
    eventually(
        lambda: any(
            c.get("reason") == "DeploymentPaused"
            for c in get(cluster, "deployments", "web")["status"]["conditions"]
        ),
        message="paused",
    )
    run(cluster, "set", "image", "deployment/web", "app=nginx:1.26")
    d = eventually(
        lambda: (
            (d := get(cluster, "deployments", "web"))["status"].get("observedGeneration")
            == d["metadata"]["generation"]
            and d
        ),
        message="paused generation observed",
    )
    assert len(owned_replicasets(cluster, "web")) == 1
    progressing = next(c for c in d["status"]["conditions"] if c["type"] == "Progressing")
    assert (progressing["status"], progressing["message"]) == ("Unknown", "Deployment is paused")

    run(cluster, "rollout", "resume", "deployment/web")
    rollout_status(cluster, "web")
    images = {p["spec"]["containers"][0]["image"] for p in items(cluster, "pods")}
    assert images == {"nginx:1.26"}


def test_scaling_a_deployment_scales_its_replicaset(cluster):
    apply(cluster, deployment("web"))
    rollout_status(cluster, "web")
    run(cluster, "scale", "deployment/web", "--replicas=5")
    rollout_status(cluster, "web")
    (rs,) = owned_replicasets(cluster, "web")
    assert rs["spec"]["replicas"] == 5
    assert rs["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] == "5"
    assert len(items(cluster, "pods")) == 5
    run(cluster, "scale", "deployment/web", "--replicas=1")
    eventually(lambda: len(items(cluster, "pods")) == 1, message="scale down to one pod")


def test_revision_history_limit_deletes_the_oldest_idle_replicasets(cluster):
    apply(cluster, deployment("web", revisionHistoryLimit=1))
    rollout_status(cluster, "web")
    for tag in ("1.26", "1.27", "1.28"):
        run(cluster, "set", "image", "deployment/web", f"app=nginx:{tag}")
        rollout_status(cluster, "web")
    eventually(lambda: len(owned_replicasets(cluster, "web")) == 2, message="old replica sets cleaned up")
    revisions = sorted(
        int(rs["metadata"]["annotations"][REVISION]) for rs in owned_replicasets(cluster, "web")
    )
    assert revisions == [3, 4]


def test_min_ready_seconds_holds_back_availability(cluster, recorder):
    rec = recorder("deployments")
    apply(cluster, deployment("web", minReadySeconds=4))
    rollout_status(cluster, "web")
    statuses = [o.get("status", {}) for _, _, o in rec.snapshot()]
    assert any(s.get("readyReplicas") == 3 and s.get("availableReplicas", 0) < 3 for s in statuses)
    assert statuses[-1]["availableReplicas"] == 3


def test_deleting_a_deployment_deletes_its_replicasets_and_pods(cluster):
    apply(cluster, deployment("web"))
    rollout_status(cluster, "web")
    run(cluster, "delete", "deployment/web")
    eventually(lambda: not items(cluster, "replicasets") and not items(cluster, "pods"), message="cascade")


def test_deployment_without_progress_deadline_has_no_progressing_condition(cluster):
    apply(cluster, deployment("web", progressDeadlineSeconds=2**31 - 1))
    rollout_status(cluster, "web")
    conditions = get(cluster, "deployments", "web")["status"]["conditions"]
    assert [c["type"] for c in conditions] == ["Available"]
    assert kubectl(cluster, "rollout", "status", "deployment/web").returncode == 0


def test_relabelled_pod_is_released_and_replaced(cluster):
    apply(cluster, deployment("web"))
    rollout_status(cluster, "web")
    (rs,) = owned_replicasets(cluster, "web")
    victim = items(cluster, "pods")[0]["metadata"]["name"]

    run(cluster, "label", "--overwrite", f"pod/{victim}", "app=quarantine")
    eventually(lambda: len(items(cluster, "pods")) == 4, message="a replacement pod")
    rollout_status(cluster, "web")
    released = get(cluster, "pods", victim)
    assert not released["metadata"].get("ownerReferences")
    owned = [
        p
        for p in items(cluster, "pods")
        if any(r["uid"] == rs["metadata"]["uid"] for r in p["metadata"].get("ownerReferences") or [])
    ]
    assert len(owned) == 3 and victim not in {p["metadata"]["name"] for p in owned}

    run(cluster, "label", "--overwrite", f"pod/{victim}", "app=web")
    eventually(lambda: len(items(cluster, "pods")) == 3, message="the surplus pod removed after adoption")
