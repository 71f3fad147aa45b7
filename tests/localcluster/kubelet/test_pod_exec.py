"""pods/exec: the real kubectl (WebSocket v5.channel.k8s.io) and the Python client (v5 and v4) run commands
in a pod's container, with its env and files, stdin, a TTY, exit codes, and PID 1 as its main process."""

from __future__ import annotations

import glob
import json
import os
import pty
import select
import subprocess
import time

import pytest
from kubernetes import client
from kubernetes.stream import stream

from tests.kube import KUBECTL, api_client, kubectl, kubectl_stdout, raw_request, requires_kubectl
from tests.waiting import eventually
from tui.localcluster import LocalCluster

from .conftest import processes_under

pytestmark = [pytest.mark.slow, requires_kubectl]
VERSIONED = sorted(
    glob.glob("/usr/lib/google-cloud-sdk/bin/kubectl.1.*"), key=lambda p: int(p.rsplit(".", 1)[1])
)


def pod(name: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "terminationGracePeriodSeconds": 5,
            "containers": [
                {
                    "name": "app",
                    "image": "busybox:1.36",
                    "env": [{"name": "GREETING", "value": "hello from the pod"}],
                    "volumeMounts": [{"name": "config", "mountPath": "/etc/app"}],
                },
                {"name": "sidecar", "image": "busybox:1.36"},
            ],
            "volumes": [{"name": "config", "configMap": {"name": "app"}}],
        },
    }


CONFIGMAP = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {"name": "app", "namespace": "default"},
    "data": {"config.yaml": "level: info\n"},
}


def running(cluster, name: str) -> bool:
    status = json.loads(kubectl_stdout(cluster, "get", "pod", name, "-o", "json"))["status"]
    return all("running" in c["state"] for c in status.get("containerStatuses") or [{"state": {}}])


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    workdir = str(tmp_path_factory.mktemp("exec") / "cluster")
    cluster = LocalCluster("empty", sync_delay=2, time_scale=0.1, workdir=workdir, seed=7)
    cluster.start()
    try:
        for manifest in (CONFIGMAP, pod("web")):
            kubectl_stdout(cluster, "apply", "--validate=false", "-f", "-", input=json.dumps(manifest))
        eventually(lambda: running(cluster, "web"), timeout=30)
        yield cluster
    finally:
        cluster.stop()
    assert processes_under(workdir) == []


def exec_(cluster, *command: str, user: str = "admin", input: str | None = None, flags=()):
    return kubectl(cluster, "exec", *flags, "web", "-c", "app", "--", *command, user=user, input=input)


def test_stdout_stderr_and_env_of_the_container(cluster):
    result = exec_(cluster, "sh", "-c", 'echo "$GREETING in $HOSTNAME"; echo to stderr >&2')
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "hello from the pod in web\n",
        "to stderr\n",
    )


def test_a_non_zero_exit_code_is_kubectls_exit_code(cluster):
    result = exec_(cluster, "sh", "-c", "exit 3")
    assert result.returncode == 3 and "command terminated with exit code 3" in result.stderr


def test_stdin_reaches_the_command_and_its_end_ends_it(cluster):
    result = exec_(cluster, "cat", input="first line\nsecond line\n", flags=("-i",))
    assert (result.returncode, result.stdout) == (0, "first line\nsecond line\n")


def test_a_path_in_a_volume_mount_is_the_pods_file(cluster):
    assert exec_(cluster, "cat", "/etc/app/config.yaml").stdout == "level: info\n"


def test_a_missing_executable_is_an_error_not_an_exit_code(cluster):
    result = exec_(cluster, "no-such-program")
    assert result.returncode == 1
    assert 'exec: "no-such-program": executable file not found in $PATH' in result.stderr


def test_kill_of_a_pid_other_than_1_is_refused(cluster):
    result = exec_(cluster, "kill", "-HUP", "4242")
    assert result.returncode == 1 and "only PID 1" in result.stderr


def test_the_read_only_user_may_not_exec(cluster):
    """The `view` role, as a ServiceAccount bound to it has, lacks create on pods/exec."""
    result = exec_(cluster, "true", user="readonly")
    assert result.returncode != 0
    assert 'cannot create resource "pods/exec" in API group "" in the namespace "default"' in result.stderr
    status, _, body = raw_request(
        cluster,
        "/api/v1/namespaces/default/pods/web/exec?command=true&stdout=true",
        method="POST",
        token=cluster.readonly_token,
    )
    assert status == 403 and json.loads(body)["reason"] == "Forbidden"
    can_i = ("auth", "can-i", "create", "pods", "--subresource=exec")
    assert kubectl(cluster, *can_i, user="readonly").stdout == "no\n"
    assert kubectl(cluster, *can_i).stdout == "yes\n"


def test_a_request_that_is_not_a_websocket_is_told_what_the_server_speaks(cluster):
    status, _, body = raw_request(
        cluster,
        "/api/v1/namespaces/default/pods/web/exec?container=app&command=true&stdout=true",
        method="POST",
        headers={"Upgrade": "SPDY/3.1", "Connection": "Upgrade"},
    )
    message = json.loads(body)["message"]
    assert status == 400 and "v5.channel.k8s.io" in message and "not SPDY/3.1" in message


def test_a_signal_to_pid_1_reaches_the_containers_main_process(cluster):
    kubectl_stdout(cluster, "apply", "--validate=false", "-f", "-", input=json.dumps(pod("signalled")))
    eventually(lambda: running(cluster, "signalled"), timeout=30)
    result = kubectl(cluster, "exec", "signalled", "-c", "app", "--", "kill", "-HUP", "1")
    assert (result.returncode, result.stderr) == (0, "")

    def app_status():
        statuses = json.loads(kubectl_stdout(cluster, "get", "pod", "signalled", "-o", "json"))["status"]
        return next(s for s in statuses["containerStatuses"] if s["name"] == "app")

    # The demo program does not handle SIGHUP: it dies of it (128 + 1) and the kubelet restarts it.
    app = eventually(lambda: (s := app_status())["restartCount"] == 1 and s, timeout=30)
    assert app["lastState"]["terminated"]["exitCode"] == 129
    sidecar = next(
        s
        for s in json.loads(kubectl_stdout(cluster, "get", "pod", "signalled", "-o", "json"))["status"][
            "containerStatuses"
        ]
        if s["name"] == "sidecar"
    )
    assert sidecar["restartCount"] == 0
    eventually(lambda: running(cluster, "signalled"), timeout=30)
    # A command still running in the container ends with its main process, as in its PID namespace.
    before = set(processes_under(cluster.options.workdir))
    command = [
        KUBECTL,
        "--kubeconfig",
        cluster.kubeconfig,
        "exec",
        "signalled",
        "-c",
        "app",
        "--",
        "sleep",
        "300",
    ]
    with subprocess.Popen(command, stderr=subprocess.PIPE, text=True) as sleeper:
        eventually(lambda: set(processes_under(cluster.options.workdir)) - before, timeout=30)
        kubectl_stdout(cluster, "exec", "signalled", "-c", "app", "--", "kill", "-s", "TERM", "1")
        assert sleeper.wait(30) == 137
        assert sleeper.stderr is not None and "command terminated with exit code 137" in sleeper.stderr.read()
    eventually(
        lambda: "Shutdown signal received" in kubectl_stdout(cluster, "logs", "signalled", "-c", "app", "-p")
    )
    kubectl_stdout(cluster, "delete", "pod", "signalled", "--wait=false")


def test_a_command_ends_when_kubectl_goes_away(cluster):
    before = set(processes_under(cluster.options.workdir))
    command = [KUBECTL, "--kubeconfig", cluster.kubeconfig, "exec", "web", "-c", "app", "--", "sleep", "300"]
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as client_process:
        started = eventually(lambda: set(processes_under(cluster.options.workdir)) - before, timeout=30)
        client_process.kill()
    eventually(lambda: not started & set(processes_under(cluster.options.workdir)), timeout=30)


@pytest.mark.parametrize(
    ("asked", "protocol"),
    [(None, "v5.channel.k8s.io"), ("v4.channel.k8s.io", "v4.channel.k8s.io")],
    ids=["as-the-client-asks", "v4-only"],
)
def test_the_python_clients_stream(cluster, asked, protocol):
    """The client offers v5 then v4 and gets v5; one asking for v4 alone (no half-close) gets v4."""
    headers = {"sec-websocket-protocol": asked} if asked else None
    with api_client(cluster) as api:
        core = client.CoreV1Api(api)
        output = stream(
            core.connect_get_namespaced_pod_exec,
            "web",
            "default",
            container="app",
            command=["sh", "-c", "echo $GREETING"],
            stdout=True,
            stderr=True,
            stdin=False,
            tty=False,
            _headers=headers,
        )
        assert output == "hello from the pod\n"
        failing = stream(
            core.connect_get_namespaced_pod_exec,
            "web",
            "default",
            container="app",
            command=["sh", "-c", "echo bad >&2; exit 7"],
            stdout=True,
            stderr=True,
            stdin=False,
            tty=False,
            _preload_content=False,
            _headers=headers,
        )
        failing.run_forever(timeout=30)
        assert failing.subprotocol == protocol
        assert (failing.returncode, failing.read_stderr()) == (7, "bad\n")
        interactive = stream(
            core.connect_get_namespaced_pod_exec,
            "web",
            "default",
            container="app",
            command=["head", "-n", "1"],
            stdout=True,
            stderr=True,
            stdin=True,
            tty=False,
            _preload_content=False,
            _headers=headers,
        )
        interactive.write_stdin("typed\n")
        interactive.run_forever(timeout=30)
        assert (interactive.returncode, interactive.read_stdout()) == (0, "typed\n")


def test_a_tty_with_its_window_size_through_the_python_client(cluster):
    with api_client(cluster) as api:
        session = stream(
            client.CoreV1Api(api).connect_get_namespaced_pod_exec,
            "web",
            "default",
            container="app",
            command=["sh", "-c", "[ -t 0 ] && echo on a terminal; read line; stty size; echo read $line"],
            stdout=True,
            stderr=True,
            stdin=True,
            tty=True,
            _preload_content=False,
        )
        session.write_channel(4, json.dumps({"Width": 100, "Height": 40}))
        session.write_stdin("go\n")
        session.run_forever(timeout=30)
        # The terminal echoes what was typed and ends lines with CR LF.
        assert session.read_stdout() == "go\r\non a terminal\r\n40 100\r\nread go\r\n"
        assert session.returncode == 0


def test_kubectl_exec_it_gives_an_interactive_shell(cluster):
    """kubectl -t needs a terminal of its own: it runs on one here, as it would in the operator's."""
    user_side, kubectl_side = pty.openpty()
    command = [KUBECTL, "--kubeconfig", cluster.kubeconfig, "exec", "-it", "web", "-c", "app", "--", "sh"]
    seen = b""

    def read_until(text: bytes) -> None:
        nonlocal seen
        deadline = time.monotonic() + 30
        while text not in seen and time.monotonic() < deadline:
            if select.select([user_side], [], [], 0.2)[0]:
                try:
                    seen += os.read(user_side, 4096)
                except OSError:
                    break
        assert text in seen, seen

    try:
        with subprocess.Popen(command, stdin=kubectl_side, stdout=kubectl_side, stderr=kubectl_side) as shell:
            os.close(kubectl_side)
            os.write(user_side, b"echo $((6 * 7)); tty\n")
            read_until(b"42\r\n/dev/pts/")
            os.write(user_side, b"exit 5\n")
            read_until(b"command terminated with exit code 5")
            assert shell.wait(30) == 5
    finally:
        os.close(user_side)


@pytest.mark.skipif(not VERSIONED, reason="no versioned kubectl binaries (kubectl.1.NN) on this machine")
@pytest.mark.parametrize("binary", VERSIONED, ids=lambda p: p.rsplit("kubectl.", 1)[1])
def test_each_kubectl_minor_execs_or_says_the_server_wants_websocket(cluster, binary):
    """kubectl 1.30+ speaks WebSocket; 1.27-1.29 speak only SPDY, which this server does not serve."""
    result = subprocess.run(
        [
            binary,
            "--kubeconfig",
            cluster.kubeconfig,
            "exec",
            "-i",
            "web",
            "-c",
            "app",
            "--",
            "sh",
            "-c",
            "cat; exit 4",
        ],
        input="typed\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    if int(binary.rsplit(".", 1)[1]) >= 30:
        assert (result.returncode, result.stdout) == (4, "typed\n"), result.stderr
    else:
        assert result.returncode == 1
        assert (
            "serves exec over WebSocket (v5.channel.k8s.io, v4.channel.k8s.io), not SPDY/3.1" in result.stderr
        )
