"""Bad input, each refused with a sentence that says why, and nothing changed on the server or on disk."""

from __future__ import annotations

import base64
import json

import pytest

from tests.ui.harness import CONTEXT
from tui.cluster.access import AccessReview
from tui.cluster.actions import CONFIGMAP_LIMIT, Actions
from tui.cluster.backups import Backups
from tui.cluster.connect import load_connection, open_api

NS = "default"
CM = "app-config"
WORKLOAD = ("Deployment", NS, "app")
YAML_TEXT = "logging:\n  level: INFO  # applied live\nexecution:\n  cooldownPeriod: 5m\n"
JSON_TEXT = '{\n  "llm": {\n    "temperature": 0.2\n  }\n}\n'
TOML_TEXT = "[server]\nport = 8080\n"
BLOB = base64.b64encode(bytes(range(256))).decode()
DEPLOY = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "app", "namespace": NS},
    "spec": {
        "replicas": 1,
        "selector": {"matchLabels": {"app": "app"}},
        "template": {
            "metadata": {"labels": {"app": "app"}},
            "spec": {
                "containers": [
                    {
                        "name": "app",
                        "image": "example/app:1",
                        "args": ["--cooldown-period=5m", "--workers=4", "--config=/etc/app/config.yaml"],
                    }
                ]
            },
        },
    },
}


@pytest.fixture
def cluster(make_cluster):
    cluster = make_cluster(components=False)
    cluster.call(
        cluster.store.create,
        "configmaps",
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": CM, "namespace": NS},
            "data": {
                "config.yaml": YAML_TEXT,
                "config.json": JSON_TEXT,
                "config.toml": TOML_TEXT,
                "mode": "a",
            },
            "binaryData": {"blob.bin": BLOB},
        },
    )
    cluster.call(cluster.store.create, "deployments", DEPLOY)
    return cluster


@pytest.fixture
def actions(cluster, tmp_path):
    api = open_api(load_connection(cluster.kubeconfig, CONTEXT))
    yield Actions(api, AccessReview(api), backups=Backups("bad-input", tmp_path / "state"))
    api.close()


def server(cluster, plural: str = "configmaps", name: str = CM) -> dict:
    return cluster.call(cluster.store.get, plural, NS, name)


def assert_nothing_changed(cluster, actions, before: dict, plural: str = "configmaps") -> None:
    after = server(cluster, plural, before["metadata"]["name"])
    assert after["metadata"]["resourceVersion"] == before["metadata"]["resourceVersion"]
    assert not list(actions.backups.root.rglob("*.json")) if actions.backups.root.exists() else True


BAD_VALUES = [
    ("config.yaml", "logging:\n  level: [INFO\n", "not valid YAML at line"),
    ("config.yaml", "logging:\n  level: INFO\n  level: DEBUG\n", "duplicate key"),
    ("config.json", '{"llm": {"temperature": 0.2,}}', "not valid JSON"),
    ("config.json", '{"a": 1, "a": 2}', "duplicate key"),
    ("config.toml", "[server\nport = 8080\n", "not valid TOML"),
    ("mode", "before\x00after", "NUL"),
    ("mode", "caf\udce9", "UTF-8"),
]


@pytest.mark.parametrize(
    ("key", "value", "says"),
    BAD_VALUES,
    ids=["yaml", "yaml-duplicate-keys", "json", "json-duplicate-keys", "toml", "nul-byte", "not-utf8"],
)
def test_an_invalid_value_is_refused_and_changes_nothing(cluster, actions, key, value, says):
    before = server(cluster)
    result = actions.edit_configmap_key(NS, CM, key, value)
    assert result.status == "invalid", result
    assert says in result.message
    assert_nothing_changed(cluster, actions, before)


@pytest.mark.parametrize(
    ("key_path", "says"),
    [
        ("nope.level", "nope does not exist"),
        ("logging.levle", "logging.levle does not exist"),
        ("logging", "mapping or list"),
        ("", "empty key path"),
    ],
)
def test_a_key_path_that_does_not_exist_is_refused(cluster, actions, key_path, says):
    before = server(cluster)
    result = actions.edit_configmap_key_path(NS, CM, "config.yaml", key_path, "DEBUG")
    assert result.status == "invalid", result
    assert says in result.message
    assert_nothing_changed(cluster, actions, before)


def test_a_key_path_missing_in_json_is_refused(cluster, actions):
    before = server(cluster)
    result = actions.edit_configmap_key_path(NS, CM, "config.json", "llm.temprature", "0.5")
    assert result.status == "invalid" and "llm.temprature does not exist" in result.message
    assert_nothing_changed(cluster, actions, before)


@pytest.mark.parametrize(
    ("flag", "value_type", "value", "says"),
    [
        ("cooldown-period", "duration", "soon", "duration"),
        ("cooldown-period", "duration", "-5m", "greater than 0"),
        ("workers", "int", "four", "not an integer"),
        ("workers", "int", "4; reboot", "not an integer"),
        ("cooldown-period", "duration", "5m; rm -rf /", "duration"),
        ("config", "path", "/etc/app/config.yaml\nx", "not a usable path"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused(cluster, actions, flag, value_type, value, says):
    before = server(cluster, "deployments", "app")
    result = actions.edit_container_value(
        WORKLOAD, "app", "flag", flag, value, value_type=value_type, positive=True
    )
    assert result.status == "invalid", result
    assert says in result.message and flag in result.message
    assert_nothing_changed(cluster, actions, before, "deployments")


@pytest.mark.parametrize("value", ["$(rm -rf /)", "`reboot`", "a;b|c&&d>e<f", "'\"$HOME\"'", "*?[]{}~!#"])
def test_shell_metacharacters_in_a_string_flag_are_kept_literally_or_refused(cluster, actions, value):
    """No shell ever sees a flag; only the kubelet's $(VAR) expansion could change it, so that is refused."""
    before = server(cluster, "deployments", "app")
    result = actions.edit_container_value(WORKLOAD, "app", "flag", "name", value, value_type="string")
    if "$(" in value:
        assert result.status == "invalid" and "$(" in result.message, result
        assert_nothing_changed(cluster, actions, before, "deployments")
        return
    assert result.ok, result.message
    args = server(cluster, "deployments", "app")["spec"]["template"]["spec"]["containers"][0]["args"]
    assert args[-1] == f"--name={value}"


def test_a_configmap_just_under_one_mebibyte_applies_and_one_over_is_refused(cluster, actions):
    others = sum(len(k) + len(v.encode()) for k, v in server(cluster)["data"].items() if k != "mode")
    others += len("blob.bin") + len(BLOB) * 3 // 4
    room = CONFIGMAP_LIMIT - others - len("mode")
    near = "x" * (room - 1024)
    assert actions.edit_configmap_key(NS, CM, "mode", near).ok
    assert server(cluster)["data"]["mode"] == near
    before = server(cluster)
    result = actions.edit_configmap_key(NS, CM, "mode", "x" * (room + 1))
    assert result.status == "invalid" and "1 MiB" in result.message
    after = server(cluster)
    assert after["metadata"]["resourceVersion"] == before["metadata"]["resourceVersion"]


def test_binary_data_is_not_edited_as_text(cluster, actions):
    before = server(cluster)
    result = actions.edit_configmap_key(NS, CM, "blob.bin", "text")
    assert result.status == "refused" and "binary" in result.message
    assert_nothing_changed(cluster, actions, before)


def test_very_long_lines_are_written_and_read_back_exactly(cluster, actions):
    line = "k: " + "v" * 300_000 + "\n"
    assert actions.edit_configmap_key(NS, CM, "config.yaml", line).ok
    assert server(cluster)["data"]["config.yaml"] == line
    assert json.loads(json.dumps(server(cluster)))["data"]["config.yaml"] == line


DUPLICATE_MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: default}
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
      - name: app
        image: example/app:1
        args: ["--cooldown-period=5m"]
        args: ["--cooldown-period=0s"]
"""


def test_explain_refuses_a_manifest_with_duplicate_keys(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "app.yaml"
    path.write_text(DUPLICATE_MANIFEST)
    out = subprocess.run(
        [sys.executable, "-m", "tui", "explain", "-f", str(path)], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 2, out.stdout
    assert "duplicate key 'args'" in out.stderr and str(path) in out.stderr
    assert "cooldown" not in out.stdout  # no table from a manifest that kubectl would refuse


def test_a_configmap_file_with_duplicate_keys_is_called_out_not_classified():
    from tui.model.content import key_paths

    parsed = key_paths("yaml", "logging:\n  level: INFO\n  level: DEBUG\n")
    assert parsed.leaves == () and "duplicate key 'level'" in parsed.error
