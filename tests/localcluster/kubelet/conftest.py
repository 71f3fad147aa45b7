import json
import os
import subprocess

import pytest

from tui.localcluster import LocalCluster


def processes_under(workdir: str) -> list[int]:
    """Pids of live processes started for pods of the cluster using `workdir` (read from /proc)."""
    marker = f"KUBEKNOBS_POD_ROOT={workdir}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as handle:
                environ = handle.read()
            with open(f"/proc/{entry}/stat", "rb") as handle:
                state = handle.read().rsplit(b")", 1)[1].split()[0]
        except OSError:
            continue
        if marker in environ and state != b"Z":
            found.append(int(entry))
    return found


class Kubectl:
    def __init__(self, cluster):
        self.env = dict(os.environ, KUBECONFIG=cluster.kubeconfig)

    def run(self, *args, input=None, check=True) -> str:
        out = subprocess.run(
            ["kubectl", *args], env=self.env, capture_output=True, text=True, input=input, timeout=60
        )
        if check and out.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed: {out.stderr}")
        return out.stdout + (out.stderr if not check else "")

    def json(self, *args) -> dict:
        return json.loads(self.run(*args, "-o", "json"))

    def pods(self, namespace: str, selector: str | None = None) -> list[dict]:
        args = ["get", "pods", "-n", namespace] + (["-l", selector] if selector else [])
        return self.json(*args)["items"]


def pod_ready(pod: dict) -> bool:
    status = pod.get("status") or {}
    return status.get("phase") == "Running" and any(
        c.get("type") == "Ready" and c.get("status") == "True" for c in status.get("conditions") or []
    )


@pytest.fixture
def empty_cluster(tmp_path):
    cluster = LocalCluster("empty", sync_delay=2, time_scale=0.1, workdir=str(tmp_path / "cluster"), seed=7)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()
    assert processes_under(cluster.options.workdir) == []
