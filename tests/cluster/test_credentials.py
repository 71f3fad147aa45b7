"""Plain kubeconfig credentials reach the cluster without importing the kubernetes client."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tui.cluster.connect import load_connection, open_api, probe
from tui.cluster.credentials import plain_credentials
from tui.cluster.errors import ConnectError


def _edited(cluster, tmp_path, change) -> str:
    doc = yaml.safe_load(Path(cluster.kubeconfig).read_text())
    change(doc)
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(doc))
    return str(path)


def test_token_and_ca_data_connect_without_the_kubernetes_client(cluster):
    code = (
        "import sys; from tui.cluster.connect import load_connection, probe; "
        f"probe(load_connection({str(cluster.kubeconfig)!r}, 'kubeknobs-demo')); "
        "print('kubernetes' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_plain_credentials_list_and_write_as_the_user(cluster):
    api = open_api(load_connection(cluster.kubeconfig, "kubeknobs-demo"))
    try:
        api.request("POST", "/api/v1/namespaces/default/configmaps", body={"metadata": {"name": "plain"}})
        names = [i["metadata"]["name"] for i in api.get("/api/v1/namespaces/default/configmaps")["items"]]
    finally:
        api.close()
    assert "plain" in names


def test_insecure_skip_tls_verify_is_honoured(cluster, tmp_path):
    def insecure(doc):
        for entry in doc["clusters"]:
            entry["cluster"].pop("certificate-authority-data", None)
            entry["cluster"]["insecure-skip-tls-verify"] = True

    probe(load_connection(_edited(cluster, tmp_path, insecure), "kubeknobs-demo"), timeout=5)


def test_ca_data_that_is_not_base64_is_a_kubeconfig_error(cluster, tmp_path):
    def broken(doc):
        for entry in doc["clusters"]:
            entry["cluster"]["certificate-authority-data"] = "not base64!"

    with pytest.raises(ConnectError) as err:
        probe(load_connection(_edited(cluster, tmp_path, broken), "kubeknobs-demo"), timeout=5)
    assert err.value.kind == "bad-kubeconfig" and "base64" in err.value.title


def test_exec_plugins_and_auth_providers_go_through_the_client(cluster, tmp_path):
    def plugin(doc):
        for entry in doc["users"]:
            entry["user"] = {"auth-provider": {"name": "oidc", "config": {}}}

    assert plain_credentials(load_connection(_edited(cluster, tmp_path, plugin), "kubeknobs-demo")) is None


def test_a_connect_runs_the_credential_plugin_once(cluster, tmp_path):
    runs = tmp_path / "runs"
    script = tmp_path / "token.sh"
    script.write_text(
        "#!/bin/sh\n"
        f"echo run >> {runs}\n"
        """echo '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","""
        f'''"status":{{"token":"{cluster.token}"}}}}'\n'''
    )
    script.chmod(0o755)

    def plugin(doc):
        for entry in doc["users"]:
            entry["user"] = {
                "exec": {
                    "apiVersion": "client.authentication.k8s.io/v1beta1",
                    "command": str(script),
                    "interactiveMode": "Never",
                }
            }

    # what the dashboard does on a connect: the probe, then the session's client
    connection = load_connection(_edited(cluster, tmp_path, plugin), "kubeknobs-demo")
    probe(connection, timeout=5)
    api = open_api(connection)
    try:
        assert api.get("/api/v1/namespaces/default")["metadata"]["name"] == "default"
    finally:
        api.close()
    assert runs.read_text().splitlines() == ["run"]


def test_relative_certificate_paths_resolve_against_the_file_that_names_them(cluster, tmp_path, monkeypatch):
    import base64

    doc = yaml.safe_load(Path(cluster.kubeconfig).read_text())
    here = tmp_path / "team"
    here.mkdir()
    for entry in doc["clusters"]:
        ca = base64.b64decode(entry["cluster"].pop("certificate-authority-data"))
        (here / "ca.crt").write_bytes(ca)
        entry["cluster"]["certificate-authority"] = "ca.crt"
    (here / "config").write_text(yaml.safe_dump({k: v for k, v in doc.items() if k != "current-context"}))
    first = tmp_path / "first"
    first.mkdir()
    (first / "config").write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "Config", "clusters": []}))
    monkeypatch.setenv("KUBECONFIG", f"{first / 'config'}:{here / 'config'}")
    monkeypatch.chdir(tmp_path)  # neither file's directory: a path read as relative to the process fails too
    probe(load_connection(None, "kubeknobs-demo"), timeout=5)
