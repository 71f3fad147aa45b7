"""Pods on the empty cluster: volumes, subPath, FailedMount, back-off, deletion, phantom pods."""

import json
import os

import pytest

from tests.waiting import eventually
from tui.localcluster import LocalCluster

from .conftest import Kubectl, pod_ready, processes_under

pytestmark = pytest.mark.slow

CONFIG = "logging:\n  level: INFO\n"


def pod_manifest(
    name, *, args=None, image="quay.io/kubernaut-ai/gateway:v1", volumes=(), mounts=(), extra=None
):
    container = {
        "name": "app",
        "image": image,
        "args": args or ["--config=/etc/app/config.yaml"],
        "volumeMounts": list(mounts),
    }
    container.update(extra or {})
    return json.dumps(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"terminationGracePeriodSeconds": 5, "containers": [container], "volumes": list(volumes)},
        }
    )


def configmap(name, data):
    return json.dumps(
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": "default"},
            "data": data,
        }
    )


def get_pod(kubectl, name):
    return kubectl.json("get", "pod", name)


def test_volume_follows_configmap_subpath_copy_stays_and_annotation_syncs_at_once(tmp_path):
    cluster = LocalCluster("empty", sync_delay=600, time_scale=0.1, workdir=str(tmp_path), seed=3)
    cluster.start()
    try:
        kubectl = Kubectl(cluster)
        kubectl.run("apply", "--validate=false", "-f", "-", input=configmap("app", {"config.yaml": CONFIG}))
        kubectl.run(
            "apply",
            "--validate=false",
            "-f",
            "-",
            input=pod_manifest(
                "app",
                volumes=[{"name": "cfg", "configMap": {"name": "app"}}],
                mounts=[
                    {"name": "cfg", "mountPath": "/etc/app"},
                    {"name": "cfg", "mountPath": "/etc/copy/config.yaml", "subPath": "config.yaml"},
                ],
            ),
        )
        eventually(lambda: pod_ready(get_pod(kubectl, "app")), interval=0.2, timeout=20, message="pod ready")
        root = os.path.join(str(tmp_path), "pods", "default", "app")
        assert os.readlink(os.path.join(root, "etc/app/config.yaml")) == "..data/config.yaml"

        new = CONFIG.replace("INFO", "DEBUG")
        kubectl.run("patch", "configmap", "app", "-p", json.dumps({"data": {"config.yaml": new}}))
        # With a 10-minute sync delay nothing moves until the pod's annotations change.
        with open(os.path.join(root, "etc/app/config.yaml")) as handle:
            assert handle.read() == CONFIG
        kubectl.run("annotate", "pod", "app", "kubeknobs.io/propagate=1")

        def synced():
            with open(os.path.join(root, "etc/app/config.yaml")) as handle:
                return handle.read() == new

        eventually(synced, interval=0.2, timeout=5, message="volume synced after annotation")
        with open(os.path.join(root, "etc/copy/config.yaml")) as handle:
            assert handle.read() == CONFIG
        logs = kubectl.run("logs", "app")
        eventually(
            lambda: "Configuration reloaded successfully" in kubectl.run("logs", "app"),
            interval=0.2,
            timeout=5,
        )
        assert "Initial content loaded" in logs
    finally:
        cluster.stop()
    assert processes_under(str(tmp_path)) == []


def test_missing_configmap_fails_mount_until_it_is_created(empty_cluster):
    kubectl = Kubectl(empty_cluster)
    kubectl.run(
        "apply",
        "--validate=false",
        "-f",
        "-",
        input=pod_manifest(
            "waits",
            volumes=[{"name": "cfg", "configMap": {"name": "later"}}],
            mounts=[{"name": "cfg", "mountPath": "/etc/app"}],
        ),
    )
    eventually(
        lambda: (
            "FailedMount" in kubectl.run("get", "events", "--field-selector", "involvedObject.name=waits")
        ),
        interval=0.2,
        timeout=10,
        message="FailedMount event",
    )
    events = kubectl.json("get", "events", "--field-selector", "reason=FailedMount")["items"]
    assert 'configmap "later" not found' in events[0]["message"]
    pod = get_pod(kubectl, "waits")
    assert pod["status"]["phase"] == "Pending"
    assert pod["status"]["containerStatuses"][0]["state"]["waiting"]["reason"] == "ContainerCreating"
    kubectl.run("apply", "--validate=false", "-f", "-", input=configmap("later", {"config.yaml": CONFIG}))
    eventually(
        lambda: pod_ready(get_pod(kubectl, "waits")),
        interval=0.2,
        timeout=20,
        message="pod ready after ConfigMap",
    )


def test_crash_loop_backs_off_keeps_previous_logs_and_counts_restarts(empty_cluster):
    kubectl = Kubectl(empty_cluster)
    kubectl.run(
        "apply",
        "--validate=false",
        "-f",
        "-",
        input=pod_manifest(
            "crashy", image="quay.io/kubernaut-ai/workflowexecution:legacy", args=["--cooldown-period=0s"]
        ),
    )

    def backing_off():
        status = get_pod(kubectl, "crashy")["status"]["containerStatuses"][0]
        waiting = status["state"].get("waiting") or {}
        return waiting.get("reason") == "CrashLoopBackOff" and status["restartCount"] >= 1 and status

    status = eventually(backing_off, interval=0.2, timeout=20, message="CrashLoopBackOff")
    assert status["lastState"]["terminated"]["exitCode"] == 1
    assert status["lastState"]["terminated"]["reason"] == "Error"
    assert status["ready"] is False
    assert "back-off" in status["state"]["waiting"]["message"]
    assert "--cooldown-period" in kubectl.run("logs", "crashy", "--previous")
    reasons = {
        e["reason"]
        for e in kubectl.json("get", "events", "--field-selector", "involvedObject.name=crashy")["items"]
    }
    assert {"Scheduled", "Pulled", "Created", "Started", "BackOff"} <= reasons


def test_deleting_a_pod_stops_its_process_group(empty_cluster):
    kubectl = Kubectl(empty_cluster)
    kubectl.run(
        "apply",
        "--validate=false",
        "-f",
        "-",
        input=pod_manifest("short", image="busybox:1.36", args=["sleep", "3600"]),
    )
    eventually(
        lambda: pod_ready(get_pod(kubectl, "short")), interval=0.2, timeout=20, message="placeholder ready"
    )
    pids = processes_under(empty_cluster.options.workdir)
    assert len(pids) == 1
    assert "placeholder container started" in kubectl.run("logs", "short")
    kubectl.run("delete", "pod", "short", "--wait=false")
    eventually(
        lambda: processes_under(empty_cluster.options.workdir) == [],
        interval=0.2,
        timeout=10,
        message="process gone",
    )
    assert not os.path.exists(os.path.join(empty_cluster.options.workdir, "pods", "default", "short"))
    events = kubectl.json("get", "events", "--field-selector", "involvedObject.name=short")["items"]
    assert any(e["reason"] == "Killing" and e["message"] == "Stopping container app" for e in events)


def test_env_from_configmap_and_var_expansion_reach_the_process(empty_cluster):
    kubectl = Kubectl(empty_cluster)
    kubectl.run(
        "apply", "--validate=false", "-f", "-", input=configmap("env", {"CONFIG_PATH": "/etc/ds/config.yaml"})
    )
    kubectl.run("apply", "--validate=false", "-f", "-", input=configmap("ds", {"config.yaml": CONFIG}))
    kubectl.run(
        "apply",
        "--validate=false",
        "-f",
        "-",
        input=pod_manifest(
            "ds",
            image="quay.io/kubernaut-ai/datastorage:v1",
            args=["--leader-elect"],
            volumes=[{"name": "cfg", "configMap": {"name": "ds"}}],
            mounts=[{"name": "cfg", "mountPath": "/etc/ds"}],
            extra={"envFrom": [{"configMapRef": {"name": "env"}}]},
        ),
    )
    eventually(
        lambda: "Initial content loaded" in kubectl.run("logs", "ds"),
        interval=0.2,
        timeout=20,
        message="config loaded",
    )
    assert '"path":"/etc/ds/config.yaml"' in kubectl.run("logs", "ds")


def test_phantom_pods_run_no_process(tmp_path):
    cluster = LocalCluster("scale:40", run_processes=False, workdir=str(tmp_path), seed=5)
    cluster.start()
    try:
        kubectl = Kubectl(cluster)

        def all_ready():
            pods = kubectl.json("get", "pods", "-A")["items"]
            return len(pods) == 40 and all(pod_ready(p) for p in pods)

        eventually(all_ready, interval=0.2, timeout=30, message="40 phantom pods ready")
        assert processes_under(str(tmp_path)) == []
        assert len(kubectl.json("get", "deployments", "-A")["items"]) == 40
    finally:
        cluster.stop()


def test_init_container_completes_before_the_app_starts(empty_cluster):
    kubectl = Kubectl(empty_cluster)
    manifest = json.loads(pod_manifest("with-init", image="nginx:1.27", args=["nginx"]))
    manifest["spec"]["initContainers"] = [
        {"name": "migrate", "image": "busybox:1.36", "command": ["sh", "-c", "true"]}
    ]
    kubectl.run("apply", "--validate=false", "-f", "-", input=json.dumps(manifest))
    pod = eventually(
        lambda: (p := get_pod(kubectl, "with-init")) and pod_ready(p) and p,
        interval=0.2,
        timeout=20,
        message="pod ready after init",
    )
    init = pod["status"]["initContainerStatuses"][0]
    assert init["state"]["terminated"]["reason"] == "Completed"
    assert init["restartCount"] == 0
    assert pod["status"]["podIP"].startswith("10.244.")
    assert "completed" in kubectl.run("logs", "with-init", "-c", "migrate")


def test_failing_liveness_probe_restarts_the_container(empty_cluster):
    kubectl = Kubectl(empty_cluster)
    kubectl.run("apply", "--validate=false", "-f", "-", input=configmap("gw", {"config.yaml": CONFIG}))
    kubectl.run(
        "apply",
        "--validate=false",
        "-f",
        "-",
        input=pod_manifest(
            "unhealthy",
            volumes=[{"name": "cfg", "configMap": {"name": "gw"}}],
            mounts=[{"name": "cfg", "mountPath": "/etc/app"}],
            extra={
                "ports": [{"name": "http", "containerPort": 8080}],
                "livenessProbe": {
                    "httpGet": {"path": "/wrong-path", "port": "http"},
                    "initialDelaySeconds": 1,
                    "periodSeconds": 1,
                    "failureThreshold": 2,
                },
            },
        ),
    )

    def restarted():
        status = get_pod(kubectl, "unhealthy")["status"]["containerStatuses"][0]
        return status["restartCount"] >= 1 and status

    eventually(restarted, interval=0.2, timeout=30, message="restart after failed liveness")
    events = kubectl.json("get", "events", "--field-selector", "involvedObject.name=unhealthy")["items"]
    assert any(e["reason"] == "Killing" and "failed liveness probe" in e["message"] for e in events)
    assert "Shutdown signal received" in kubectl.run("logs", "unhealthy", "--previous")


def test_pods_past_the_process_limit_are_simulated_not_forked(tmp_path, monkeypatch):
    from tui.localcluster.kubelet import component

    monkeypatch.setattr(component, "MAX_PROCESS_PODS", 2)
    cluster = LocalCluster("empty", time_scale=0.1, workdir=str(tmp_path), seed=7)
    cluster.start()
    try:
        kubectl = Kubectl(cluster)
        kubectl.run("create", "deployment", "many", "--image=nginx:1.27", "--replicas=4")

        def all_ready():
            pods = kubectl.json("get", "pods")["items"]
            return len(pods) == 4 and all(pod_ready(p) for p in pods)

        eventually(all_ready, interval=0.2, timeout=30, message="4 pods ready")
        assert len(processes_under(str(tmp_path))) == 2
        events = kubectl.json("get", "events", "--field-selector", "reason=ProcessLimit")["items"]
        assert len(events) == 2 and all(e["type"] == "Warning" for e in events)
    finally:
        cluster.stop()
    assert processes_under(str(tmp_path)) == []
