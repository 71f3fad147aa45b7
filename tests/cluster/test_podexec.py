"""A command in a pod through pods/exec, as the change wizard runs it to read a file's hash: against the
embedded cluster over real WebSocket, with kubectl as the independent client that checks the answer."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.kube import kubectl_stdout, requires_kubectl
from tests.localcluster.kubelet.conftest import processes_under
from tests.waiting import eventually
from tui.cluster.access import AccessReview
from tui.cluster.actions import Actions
from tui.cluster.backups import Backups
from tui.cluster.connect import load_connection, open_api
from tui.localcluster import LocalCluster

pytestmark = [pytest.mark.slow, requires_kubectl]
CONTENT = "level: info\nport: 8080\n"
MANIFESTS = [
    {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "app", "namespace": "default"},
        "data": {"config.yaml": CONTENT},
    },
    {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "terminationGracePeriodSeconds": 5,
            "containers": [
                {
                    "name": "app",
                    "image": "busybox:1.36",
                    "volumeMounts": [{"name": "config", "mountPath": "/etc/app"}],
                }
            ],
            "volumes": [{"name": "config", "configMap": {"name": "app"}}],
        },
    },
]


def running(cluster) -> bool:
    status = json.loads(kubectl_stdout(cluster, "get", "pod", "web", "-o", "json"))["status"]
    return all("running" in c["state"] for c in status.get("containerStatuses") or [{"state": {}}])


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    workdir = str(tmp_path_factory.mktemp("podexec") / "cluster")
    cluster = LocalCluster("empty", sync_delay=2, time_scale=0.1, workdir=workdir, seed=3)
    cluster.start()
    try:
        for manifest in MANIFESTS:
            kubectl_stdout(cluster, "apply", "--validate=false", "-f", "-", input=json.dumps(manifest))
        eventually(lambda: running(cluster), timeout=30)
        yield cluster
    finally:
        cluster.stop()
    assert processes_under(workdir) == []


def actions(cluster, tmp_path, context: str = "kubeknobs-demo", **kw) -> Actions:
    api = open_api(load_connection(cluster.kubeconfig, context))
    return Actions(api, AccessReview(api), backups=Backups(context, tmp_path), **kw)


def test_the_hash_of_a_mounted_file_is_the_configmap_values(cluster, tmp_path):
    result = actions(cluster, tmp_path).run_in_pod(
        "default", "web", "app", ["sha256sum", "/etc/app/config.yaml"]
    )
    assert result.exit_code == 0 and not result.problem, result
    assert result.stdout.split()[0] == hashlib.sha256(CONTENT.encode()).hexdigest()
    by_kubectl = kubectl_stdout(
        cluster, "exec", "web", "-c", "app", "--", "sha256sum", "/etc/app/config.yaml"
    )
    assert by_kubectl.split()[0] == result.stdout.split()[0]


def test_an_exit_code_and_stderr_come_back(cluster, tmp_path):
    result = actions(cluster, tmp_path).run_in_pod("default", "web", "app", ["sha256sum", "/etc/app/none"])
    assert result.exit_code == 1 and "No such file" in result.stderr and not result.problem


def test_a_missing_pod_is_a_problem_in_the_servers_words(cluster, tmp_path):
    result = actions(cluster, tmp_path).run_in_pod("default", "gone", "app", ["true"])
    assert result.exit_code is None and "404" in result.problem and "gone" in result.problem


def test_a_user_without_pods_exec_is_refused_and_told(cluster, tmp_path):
    result = actions(cluster, tmp_path, "kubeknobs-demo-readonly").run_in_pod(
        "default", "web", "app", ["true"]
    )
    assert result.exit_code is None and "403" in result.problem


def test_read_only_mode_runs_nothing_in_a_pod(cluster, tmp_path):
    result = actions(cluster, tmp_path, readonly=True).run_in_pod("default", "web", "app", ["true"])
    assert result.exit_code is None and "read-only" in result.problem
