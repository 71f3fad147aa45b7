"""Connecting to a running API server: success, and each way it can fail."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tui.cluster.connect import ConnectError, load_connection, probe


def _edit_kubeconfig(cluster, tmp_path, change):
    doc = yaml.safe_load(Path(cluster.kubeconfig).read_text())
    change(doc)
    path = tmp_path / "edited"
    path.write_text(yaml.safe_dump(doc))
    return str(path)


def test_probe_succeeds_for_both_users(cluster):
    probe(load_connection(cluster.kubeconfig), timeout=5)
    probe(load_connection(cluster.kubeconfig, "kubeknobs-demo-readonly"), timeout=5)


def test_wrong_token_is_unauthorized(cluster, tmp_path):
    def bad_token(doc):
        for user in doc["users"]:
            user["user"]["token"] = "not-a-token"

    conn = load_connection(_edit_kubeconfig(cluster, tmp_path, bad_token))
    with pytest.raises(ConnectError) as err:
        probe(conn, timeout=5)
    assert err.value.kind == "unauthorized" and conn.user in err.value.title


def test_forbidden_list_says_what_was_denied(cluster):
    conn = load_connection(cluster.kubeconfig, "kubeknobs-demo-readonly")
    with pytest.raises(ConnectError) as err:
        probe(conn, timeout=5, resources=("deployments", "secrets"))
    assert err.value.kind == "forbidden"
    assert "list secrets in namespace default" in err.value.title


def test_unknown_certificate_authority_is_a_tls_error(cluster, tmp_path):
    def drop_ca(doc):
        for c in doc["clusters"]:
            c["cluster"].pop("certificate-authority-data", None)
            c["cluster"].pop("certificate-authority", None)

    conn = load_connection(_edit_kubeconfig(cluster, tmp_path, drop_ca))
    with pytest.raises(ConnectError) as err:
        probe(conn, timeout=5)
    assert err.value.kind == "tls" and "certificate" in err.value.hint


def test_server_that_never_answers_fails_within_the_timeout(cluster):
    cluster.faults.set_latency(3)
    try:
        with pytest.raises(ConnectError) as err:
            probe(load_connection(cluster.kubeconfig), timeout=0.5)
    finally:
        cluster.faults.set_latency(0)
    assert err.value.kind == "unreachable" and "0.5s" in err.value.title


def test_probe_for_all_namespaces_checks_the_cluster_wide_list(cluster):
    conn = load_connection(cluster.kubeconfig, "kubeknobs-demo-readonly")
    with pytest.raises(ConnectError) as err:
        probe(conn, timeout=5, namespaces=None, resources=("secrets",))
    assert "list secrets in all namespaces" in err.value.title
    probe(conn, timeout=5, namespaces=["kube-system"])
