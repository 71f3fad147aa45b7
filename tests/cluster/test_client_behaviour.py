"""How the client behaves toward the API server: back-off, Retry-After, lazy import, credentials."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from tui.cluster.api import backoff_delay
from tui.cluster.connect import load_connection, open_api, probe
from tui.cluster.errors import ApiError


def test_backoff_is_jittered_and_capped():
    import random

    rng = random.Random(1)
    delays = [backoff_delay(n, base=0.2, cap=5.0, rng=rng) for n in range(20)]
    assert all(0 <= d <= 5.0 for d in delays)
    assert len(set(delays)) == len(delays)


def test_read_honours_retry_after_on_429(cluster, admin):
    cluster.faults.fail_next(2, status=429, retry_after=1)
    assert admin.get("/api/v1/namespaces")["items"]


def test_write_is_not_retried_on_500(cluster, admin):
    cluster.faults.fail_next(1, status=500)
    with pytest.raises(ApiError) as err:
        admin.request(
            "POST", "/api/v1/namespaces/default/configmaps", body={"metadata": {"name": "once"}, "data": {}}
        )
    assert err.value.status == 500
    assert cluster.call(cluster.store.get, "configmaps", "default", "once") is None


def test_importing_the_cluster_layer_does_not_import_kubernetes():
    probe_code = (
        "import sys, tui.cluster.session, tui.cluster.connect, tui.cluster.actions; "
        "print('kubernetes' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe_code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_exec_plugin_token_is_used(cluster, tmp_path):
    doc = yaml.safe_load(Path(cluster.kubeconfig).read_text())
    script = tmp_path / "token.sh"
    script.write_text(
        textwrap.dedent(f"""\
        #!/bin/sh
        echo '{{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential",\
"status":{{"token":"{cluster.token}"}}}}'
    """)
    )
    script.chmod(0o755)
    for user in doc["users"]:
        user["user"] = {
            "exec": {
                "apiVersion": "client.authentication.k8s.io/v1beta1",
                "command": str(script),
                "interactiveMode": "Never",
            }
        }
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(doc))
    probe(load_connection(str(path)), timeout=5)


def test_in_cluster_config_is_used_when_no_kubeconfig_exists(cluster, tmp_path, monkeypatch):
    import tui.cluster.connect as connect

    sa = tmp_path / "sa"
    sa.mkdir()
    (sa / "token").write_text(cluster.token)
    (sa / "namespace").write_text("kubernaut-system")
    (sa / "ca.crt").write_text(Path(cluster.ca_path).read_text())
    host, port = cluster.url.removeprefix("https://").rsplit(":", 1)
    monkeypatch.setattr(connect, "SA_DIR", sa)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", host)
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", port)
    from kubernetes.config import incluster_config

    monkeypatch.setattr(incluster_config, "SERVICE_TOKEN_FILENAME", str(sa / "token"))
    monkeypatch.setattr(incluster_config, "SERVICE_CERT_FILENAME", str(sa / "ca.crt"))
    conn = load_connection()
    assert conn.in_cluster and conn.namespace == "kubernaut-system"
    api = open_api(conn)
    try:
        assert api.get("/api/v1/namespaces/default")["metadata"]["name"] == "default"
    finally:
        api.close()
