"""`kubeknobs demo-cluster --scenario kubernaut` as an operator runs it, checked with kubectl."""

import os
import signal
import subprocess
import sys

import pytest

from tests.waiting import eventually

from .conftest import processes_under

pytestmark = pytest.mark.slow


def test_demo_cluster_command_runs_kubernaut_ready_within_20s_and_leaves_no_process(tmp_path):
    kubeconfig = tmp_path / "kubeconfig"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tui",
            "demo-cluster",
            "--scenario",
            "kubernaut",
            "--sync-delay",
            "3",
            "--kubeconfig",
            str(kubeconfig),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("ready:"), line
        env = dict(os.environ, KUBECONFIG=str(kubeconfig))

        def table_all_ready():
            out = subprocess.run(
                ["kubectl", "get", "pods", "-A", "--no-headers"],
                env=env,
                capture_output=True,
                text=True,
                timeout=30,
            ).stdout.splitlines()
            rows = [row.split() for row in out]
            return (
                len(rows) >= 17
                and all(r[3] == "Running" and r[2].split("/")[0] == r[2].split("/")[1] for r in rows)
                and rows
            )

        rows = eventually(table_all_ready, timeout=20, interval=0.5, message="kubectl get pods -A all Ready")
        workdirs = {p.split("KUBEKNOBS_POD_ROOT=", 1)[1].split("/pods/", 1)[0] for p in _pod_roots(proc.pid)}
        assert len(workdirs) == 1
        workdir = workdirs.pop()
        assert len(processes_under(workdir)) == len(rows)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        proc.stdout.close()
    assert proc.returncode == 0
    assert processes_under(workdir) == []


def _pod_roots(parent: int) -> list[str]:
    roots = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                ppid = int(handle.read().rsplit(b")", 1)[1].split()[1])
            if ppid != parent:
                continue
            with open(f"/proc/{entry}/environ", "rb") as handle:
                environ = handle.read().split(b"\0")
        except OSError:
            continue
        roots += [v.decode() for v in environ if v.startswith(b"KUBEKNOBS_POD_ROOT=")]
    return roots
