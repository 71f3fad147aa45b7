"""A rollout whose new pods never become ready: ProgressDeadlineExceeded, then `rollout undo` recovers."""

from __future__ import annotations

from tests.kube import kubectl
from tests.localcluster.controllers.conftest import apply, deployment, get, items, run

PHANTOM = {"kubeknobs.io/phantom": "true"}


def test_stalled_rollout_exceeds_its_progress_deadline_and_undo_recovers(process_cluster):
    cluster = process_cluster
    manifest = deployment("stall")
    manifest["spec"]["template"]["metadata"]["annotations"] = PHANTOM
    apply(cluster, manifest)
    run(cluster, "rollout", "status", "deployment/stall", "--timeout=60s")

    # The new template runs a service that exits at start for want of its config file: never ready.
    broken = deployment("stall", image="quay.io/kubernaut-ai/gateway:v1.4", progressDeadlineSeconds=2)
    broken["spec"]["template"]["spec"]["containers"][0]["readinessProbe"] = {
        "tcpSocket": {"port": 8080},
        "periodSeconds": 1,
    }
    apply(cluster, broken)
    stalled = kubectl(cluster, "rollout", "status", "deployment/stall", "--timeout=60s", timeout=90)
    assert stalled.returncode != 0
    assert 'error: deployment "stall" exceeded its progress deadline' in stalled.stderr

    d = get(cluster, "deployments", "stall")
    progressing = next(c for c in d["status"]["conditions"] if c["type"] == "Progressing")
    new_rs = [
        rs
        for rs in items(cluster, "replicasets")
        if rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2"
    ][0]
    assert progressing["status"] == "False"
    assert progressing["reason"] == "ProgressDeadlineExceeded"
    assert progressing["message"] == f'ReplicaSet "{new_rs["metadata"]["name"]}" has timed out progressing.'
    available = next(c for c in d["status"]["conditions"] if c["type"] == "Available")
    assert available["status"] == "True"
    assert d["status"]["availableReplicas"] == 3

    run(cluster, "rollout", "undo", "deployment/stall")
    assert "successfully rolled out" in run(cluster, "rollout", "status", "deployment/stall", "--timeout=60s")
    d = get(cluster, "deployments", "stall")
    assert d["spec"]["template"]["metadata"]["annotations"] == PHANTOM
    progressing = next(c for c in d["status"]["conditions"] if c["type"] == "Progressing")
    assert progressing["reason"] == "NewReplicaSetAvailable"
    assert get(cluster, "replicasets", new_rs["metadata"]["name"])["spec"]["replicas"] == 0
