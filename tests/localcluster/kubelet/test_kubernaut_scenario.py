"""The kubernaut scenario end to end: real processes, kubectl as the client."""

import hashlib
import json

import pytest

from tests.waiting import eventually
from tui.localcluster import LocalCluster

from .conftest import Kubectl, pod_ready, processes_under

SYNC_DELAY = 3.0
NS = "kubernaut-system"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def kubernaut(tmp_path_factory):
    workdir = str(tmp_path_factory.mktemp("kubernaut"))
    cluster = LocalCluster("kubernaut", sync_delay=SYNC_DELAY, time_scale=0.1, workdir=workdir, seed=1)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()
    assert processes_under(workdir) == []


def all_ready(kubectl):
    pods = kubectl.json("get", "pods", "-A")["items"]
    return len(pods) >= 17 and all(pod_ready(p) for p in pods) and pods


def test_every_pod_of_the_scenario_runs_and_turns_ready_within_20s(kubernaut):
    kubectl = Kubectl(kubernaut)
    pods = eventually(
        lambda: all_ready(kubectl), interval=0.2, timeout=20, message="all pods Running and Ready"
    )
    assert {p["metadata"]["namespace"] for p in pods} == {NS, "kube-system"}
    assert len(processes_under(kubernaut.options.workdir)) == len(pods)
    table = kubectl.run("get", "pods", "-A")
    assert "CrashLoopBackOff" not in table and "Pending" not in table


def test_secret_value_reaches_the_process_but_never_its_logs(kubernaut):
    kubectl = Kubectl(kubernaut)
    eventually(lambda: all_ready(kubectl), interval=0.2, timeout=20)
    pod = kubectl.pods(NS, "app.kubernetes.io/name=kubernaut-agent")[0]["metadata"]["name"]
    logs = kubectl.run("logs", "-n", NS, pod)
    assert '"apiKey":"set"' in logs
    assert "sk-demo" not in logs


def _reload_lines(kubectl, pod, digest):
    return [
        ln
        for ln in kubectl.run("logs", "-n", NS, pod).splitlines()
        if "Configuration reloaded successfully" in ln and json.loads(ln)["hash"] == digest
    ]


def test_patching_a_hot_key_reloads_every_replica_and_a_bad_value_keeps_the_old_config(kubernaut):
    kubectl = Kubectl(kubernaut)
    eventually(lambda: all_ready(kubectl), interval=0.2, timeout=20)
    selector = "app.kubernetes.io/name=workflowexecution"
    pods = [p["metadata"]["name"] for p in kubectl.pods(NS, selector)]
    assert len(pods) == 2
    current = kubectl.json("get", "configmap", "-n", NS, "workflowexecution-config")["data"][
        "workflowexecution.yaml"
    ]

    debug = current.replace("level: INFO", "level: DEBUG")
    kubectl.run(
        "patch",
        "configmap",
        "-n",
        NS,
        "workflowexecution-config",
        "--type=merge",
        "-p",
        json.dumps({"data": {"workflowexecution.yaml": debug}}),
    )
    digest = hashlib.sha256(debug.encode()).hexdigest()
    for pod in pods:
        eventually(
            lambda pod=pod: _reload_lines(kubectl, pod, digest),
            interval=0.2,
            timeout=SYNC_DELAY + 2,
            message=f"reload of {pod}",
        )

    bad = debug.replace("level: DEBUG", "level: VERBOSE")
    kubectl.run(
        "patch",
        "configmap",
        "-n",
        NS,
        "workflowexecution-config",
        "--type=merge",
        "-p",
        json.dumps({"data": {"workflowexecution.yaml": bad}}),
    )
    bad_digest = hashlib.sha256(bad.encode()).hexdigest()

    def rejected(pod):
        return [
            json.loads(ln)
            for ln in kubectl.run("logs", "-n", NS, pod).splitlines()
            if "Callback rejected new content, keeping previous" in ln and bad_digest in ln
        ]

    for pod in pods:
        record = eventually(
            lambda pod=pod: rejected(pod), interval=0.2, timeout=SYNC_DELAY + 2, message=f"rejection in {pod}"
        )[0]
        assert "logging.level" in record["error"]
        effective = [
            json.loads(ln)
            for ln in kubectl.run("logs", "-n", NS, pod).splitlines()
            if '"Effective configuration"' in ln
        ][-1]
        assert effective["settings"]["logging.level"] == "DEBUG"


def test_invalid_cooldown_flag_makes_new_pods_crash_loop_with_the_error_in_previous_logs(kubernaut):
    kubectl = Kubectl(kubernaut)
    eventually(lambda: all_ready(kubectl), interval=0.2, timeout=20)
    selector = "app.kubernetes.io/name=workflowexecution-legacy"
    old = {p["metadata"]["name"] for p in kubectl.pods(NS, selector)}
    kubectl.run(
        "patch",
        "deployment",
        "-n",
        NS,
        "workflowexecution-legacy",
        "--type=json",
        "-p",
        json.dumps(
            [
                {
                    "op": "replace",
                    "path": "/spec/template/spec/containers/0/args/0",
                    "value": "--cooldown-period=-1",
                }
            ]
        ),
    )

    def crash_looping():
        for pod in kubectl.pods(NS, selector):
            if pod["metadata"]["name"] in old:
                continue
            for status in pod["status"].get("containerStatuses") or []:
                waiting = status["state"].get("waiting") or {}
                if waiting.get("reason") == "CrashLoopBackOff" and status["restartCount"] >= 1:
                    return pod["metadata"]["name"]
        return None

    pod = eventually(crash_looping, interval=0.2, timeout=30, message="CrashLoopBackOff")
    previous = kubectl.run("logs", "-n", NS, pod, "--previous")
    line = json.loads(previous.strip().splitlines()[-1])
    assert line["msg"] == "invalid value for flag --cooldown-period"
    assert "greater than 0" in line["error"]
    # The old pod keeps serving: the rollout cannot make progress.
    assert old <= {p["metadata"]["name"] for p in kubectl.pods(NS, selector)}
    events = kubectl.run("get", "events", "-n", NS, "--field-selector", f"involvedObject.name={pod}")
    assert "BackOff" in events


def test_stopping_the_cluster_while_pods_start_leaves_no_process(tmp_path):
    workdir = str(tmp_path / "cluster")
    cluster = LocalCluster("kubernaut", sync_delay=SYNC_DELAY, workdir=workdir, seed=2)
    cluster.start()
    cluster.stop()
    assert processes_under(workdir) == []
