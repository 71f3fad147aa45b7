"""`kubeknobs demo-cluster` in the foreground: one ready line, a usable kubeconfig, a clean stop on SIGTERM."""

from __future__ import annotations

import base64
import os
import signal
import ssl
import subprocess
import sys
import urllib.request

import yaml

from tests.kube import KUBECTL


def _open_watch(kubeconfig: str):
    with open(kubeconfig) as fh:
        config = yaml.safe_load(fh)
    cluster = config["clusters"][0]["cluster"]
    token = config["users"][0]["user"]["token"]
    context = ssl.create_default_context(
        cadata=base64.b64decode(cluster["certificate-authority-data"]).decode()
    )
    request = urllib.request.Request(
        f"{cluster['server']}/api/v1/namespaces/default/configmaps?watch=true",
        headers={"Authorization": f"Bearer {token}"},
    )
    return urllib.request.urlopen(request, context=context, timeout=30)


def test_demo_cluster_prints_ready_serves_and_stops_on_sigterm(tmp_path):
    kubeconfig = tmp_path / "kubeconfig"
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "demo-cluster", "--kubeconfig", str(kubeconfig)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith(f"ready: kubeconfig={kubeconfig} server=https://127.0.0.1:"), (
            process.stderr.read()
        )
        if KUBECTL:
            out = subprocess.run(
                [KUBECTL, "--kubeconfig", str(kubeconfig), "get", "ns", "-o", "name"],
                capture_output=True,
                text=True,
                timeout=60,
                env={**os.environ, "KUBECACHEDIR": str(tmp_path / "cache")},
            )
            assert out.stdout.split() == ["namespace/default", "namespace/kube-system"], out.stderr
        watch = _open_watch(str(kubeconfig))
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        watch.read()  # returns once the server has closed the open watch
        watch.close()
        assert process.stdout.read() == ""
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        process.stdout.close()
        process.stderr.close()


def test_demo_cluster_refuses_a_busy_port_with_a_clear_message(localcluster):
    port = localcluster.port
    result = subprocess.run(
        [sys.executable, "-m", "tui", "demo-cluster", "--port", str(port)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr
    assert result.stdout == ""


def test_demo_cluster_refuses_an_unwritable_kubeconfig_path(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = subprocess.run(
        [sys.executable, "-m", "tui", "demo-cluster", "--kubeconfig", str(blocker / "kubeconfig")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and "error: cannot write" in result.stderr and result.stdout == ""


def test_demo_cluster_names_the_scenarios_it_knows(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "tui", "demo-cluster", "--scenario", "nope"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "unknown scenario 'nope'" in result.stderr and result.stdout == ""
