"""Finding the cluster: kubeconfig files, contexts, and the errors an operator can hit."""

from __future__ import annotations

import os
import socket
import textwrap

import pytest

from tui.cluster.connect import ConnectError, load_connection, probe


def write(path, text):
    path.write_text(textwrap.dedent(text))
    return str(path)


ONE = """
    apiVersion: v1
    kind: Config
    current-context: alpha
    clusters:
    - name: c1
      cluster: {server: "https://127.0.0.1:1"}
    contexts:
    - name: alpha
      context: {cluster: c1, user: u1, namespace: team-a}
    - name: beta
      context: {cluster: c1, user: u1}
    users:
    - name: u1
      user: {token: abc}
"""

TWO = """
    apiVersion: v1
    kind: Config
    current-context: gamma
    clusters:
    - name: c1
      cluster: {server: "https://127.0.0.2:1"}
    - name: c2
      cluster: {server: "https://127.0.0.3:1"}
    contexts:
    - name: alpha
      context: {cluster: c2, user: u2}
    - name: gamma
      context: {cluster: c2, user: u2}
    users:
    - name: u2
      user: {token: def}
"""


def test_kubeconfig_flag_reads_current_context_and_its_namespace(tmp_path):
    conn = load_connection(write(tmp_path / "k", ONE))
    assert (conn.context, conn.server, conn.user, conn.namespace) == (
        "alpha",
        "https://127.0.0.1:1",
        "u1",
        "team-a",
    )
    assert conn.contexts == ["alpha", "beta"]


def test_switching_context_keeps_the_same_files(tmp_path):
    conn = load_connection(write(tmp_path / "k", ONE)).with_context("beta")
    assert conn.context == "beta" and conn.namespace is None


def test_kubeconfig_env_merges_files_first_one_wins(tmp_path, monkeypatch):
    a, b = write(tmp_path / "a", ONE), write(tmp_path / "b", TWO)
    monkeypatch.setenv("KUBECONFIG", os.pathsep.join([a, str(tmp_path / "missing"), b]))
    conn = load_connection()
    assert conn.context == "alpha"  # current-context of the first file
    assert conn.server == "https://127.0.0.1:1"  # cluster c1 and context alpha from the first file
    assert conn.contexts == ["alpha", "beta", "gamma"]
    gamma = conn.with_context("gamma")
    assert gamma.server == "https://127.0.0.3:1" and gamma.user == "u2"


def test_no_kubeconfig_anywhere_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    with pytest.raises(ConnectError) as err:
        load_connection()
    assert err.value.kind == "no-kubeconfig" and "--demo" in err.value.hint


def test_missing_kubeconfig_flag_names_the_file(tmp_path):
    with pytest.raises(ConnectError) as err:
        load_connection(str(tmp_path / "nope"))
    assert err.value.kind == "no-kubeconfig" and "nope" in err.value.title


def test_broken_yaml_reports_the_line(tmp_path):
    path = write(tmp_path / "k", "clusters: [\n  - name: x\n  bad: : :\n")
    with pytest.raises(ConnectError) as err:
        load_connection(path)
    assert err.value.kind == "bad-kubeconfig" and "line" in err.value.title


def test_kubeconfig_that_is_not_a_mapping(tmp_path):
    with pytest.raises(ConnectError) as err:
        load_connection(write(tmp_path / "k", "- just\n- a list\n"))
    assert err.value.kind == "bad-kubeconfig"


def test_unknown_context_lists_the_known_ones(tmp_path):
    with pytest.raises(ConnectError) as err:
        load_connection(write(tmp_path / "k", ONE), context="prod")
    assert err.value.kind == "unknown-context" and "alpha, beta" in err.value.detail


def test_context_whose_cluster_is_missing(tmp_path):
    text = ONE.replace("{cluster: c1, user: u1, namespace", "{cluster: gone, user: u1, namespace")
    with pytest.raises(ConnectError) as err:
        load_connection(write(tmp_path / "k", text))
    assert err.value.kind == "bad-kubeconfig" and "gone" in err.value.title


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_server_fails_within_the_timeout(tmp_path):
    port = _free_port()
    text = ONE.replace("https://127.0.0.1:1", f"http://127.0.0.1:{port}")
    conn = load_connection(write(tmp_path / "k", text))
    with pytest.raises(ConnectError) as err:
        probe(conn, timeout=2.0)
    assert err.value.kind == "unreachable" and str(port) in err.value.title


def test_failing_exec_plugin_says_which_plugin(tmp_path):
    text = ONE.replace(
        "user: {token: abc}",
        textwrap.dedent("""\
      user:
          exec:
            apiVersion: client.authentication.k8s.io/v1beta1
            command: /bin/sh
            args: ["-c", "echo 'login expired' >&2; exit 3"]
            interactiveMode: Never
    """)
        .replace("\n", "\n    ")
        .rstrip(),
    )
    conn = load_connection(write(tmp_path / "k", text))
    with pytest.raises(ConnectError) as err:
        probe(conn, timeout=2.0)
    assert err.value.kind == "exec-plugin" and "/bin/sh" in err.value.title
