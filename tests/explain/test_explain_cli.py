"""`kubeknobs explain` run as the operator runs it, on manifests shaped like real ones."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "manifests"
JSON_KEYS = {
    "namespace",
    "workload",
    "container",
    "source",
    "name",
    "value",
    "layer",
    "auto_restart",
    "managed_by",
    "evidence",
    "plan",
    "mechanism",
    "takes_effect_s",
    "trigger",
    "via",
    "key",
}


def explain(*args, stdin=None, env_extra=None, tmp_home=None):
    env = {
        **os.environ,
        "XDG_CONFIG_HOME": str(tmp_home or "/nonexistent-kubeknobs-config"),
        "COLUMNS": "200",
        "NO_COLOR": "1",
        **(env_extra or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "tui", "explain", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def settings_of(*args, **kwargs):
    result = explain(*args, "-o", "json", **kwargs)
    assert result.returncode == 0, result.stderr
    return {(s["workload"], s["container"], s["name"]): s for s in json.loads(result.stdout)["settings"]}


@pytest.fixture(scope="module")
def everything():
    return settings_of("-f", str(FIXTURES))


EXPECTED = [
    # (workload, container, name, layer, auto_restart, managed_by)
    (
        "Deployment/workflowexecution-controller",
        "workflowexecution-controller",
        "--config",
        "restart",
        None,
        "helm",
    ),
    (
        "Deployment/workflowexecution-controller",
        "workflowexecution-controller",
        "workflowexecution-config/workflowexecution.yaml",
        "hot-reload",
        "helm-checksum",
        "helm",
    ),
    (
        "Deployment/workflowexecution-controller",
        "workflowexecution-controller",
        "workflowexecution-config/workflowexecution.yaml#logging.level",
        "hot-reload",
        "helm-checksum",
        "helm",
    ),
    (
        "Deployment/workflowexecution-controller",
        "workflowexecution-controller",
        "workflowexecution-config/workflowexecution.yaml#execution.cooldownPeriod",
        "restart",
        "helm-checksum",
        "helm",
    ),
    (
        "Deployment/workflowexecution-controller",
        "workflowexecution-controller",
        "workflowexecution-config/workflowexecution.yaml#controller.metricsAddr",
        "restart",
        "helm-checksum",
        "helm",
    ),
    (
        "Deployment/signalprocessing-controller",
        "signalprocessing-controller",
        "signalprocessing-config/config.yaml",
        "restart",
        "helm-checksum",
        "helm",
    ),
    (
        "Deployment/signalprocessing-controller",
        "signalprocessing-controller",
        "signalprocessing-policy/policy.rego",
        "hot-reload",
        "helm-checksum",
        "helm",
    ),
    ("Deployment/aianalysis-controller", "aianalysis-controller", "-config", "restart", None, "helm"),
    (
        "Deployment/aianalysis-controller",
        "aianalysis-controller",
        "aianalysis-policies/approval.rego",
        "hot-reload",
        "helm-checksum",
        "helm",
    ),
    (
        "Deployment/aianalysis-controller",
        "aianalysis-controller",
        "aianalysis-config/config.yaml#logging.level",
        "hot-reload",
        "helm-checksum",
        "helm",
    ),
    (
        "Deployment/kubernaut-agent",
        "kubernaut-agent",
        "kubernaut-agent-llm-runtime/llm-runtime.yaml#llm.model",
        "restart",
        None,
        "helm",
    ),
    (
        "Deployment/kubernaut-agent",
        "kubernaut-agent",
        "kubernaut-agent-llm-runtime/llm-runtime.yaml#llm.temperature",
        "hot-reload",
        None,
        "helm",
    ),
    (
        "Deployment/kubernaut-agent",
        "kubernaut-agent",
        "kubernaut-agent-llm-runtime/llm-runtime.yaml#llm.maxRetries",
        "hot-reload",
        None,
        "helm",
    ),
    ("Deployment/kubernaut-agent", "kubernaut-agent", "LLM_API_KEY", "restart", None, None),
    (
        "Deployment/datastorage",
        "datastorage",
        "datastorage-config/config.yaml#database.port",
        "restart",
        None,
        "helm",
    ),
    (
        "Deployment/datastorage",
        "datastorage",
        "datastorage-config/config.yaml#logging.level",
        "hot-reload",
        None,
        "helm",
    ),
    ("Deployment/coredns", "coredns", "coredns/Corefile", "hot-reload", None, None),
    ("Deployment/coredns-static", "coredns", "coredns-static/Corefile", "restart", None, None),
    ("Deployment/web", "web", "web-config/nginx.conf", "restart", "helm-checksum", "helm"),
    ("Deployment/web", "web", "WEB_FEATURE_FLAGS", "restart", "helm-checksum", "helm"),
    ("Deployment/web", "web", "WEB_LOG_LEVEL", "restart", None, "helm"),
    ("Deployment/api-auto", "api", "api-config/settings.json", "file-propagates", "reloader", None),
    ("Deployment/api-auto", "api", "api-static/banner.txt", "file-propagates", None, None),
    ("Deployment/api-named", "api", "api-config/settings.json", "file-propagates", "reloader", None),
    ("Deployment/api-named", "api", "RATE_LIMIT", "restart", None, None),
    ("Deployment/api-search", "api", "RATE_LIMIT", "restart", "reloader", None),
    ("Deployment/api-search", "api", "api-config/settings.json", "file-propagates", None, None),
    ("StatefulSet/worker", "worker", "QUEUE", "restart", None, "argocd"),
    ("StatefulSet/worker", "worker", "--concurrency", "restart", None, "argocd"),
    ("DaemonSet/node-agent", "agent", "-scrape-interval", "restart", None, "flux"),
    ("Deployment/pricing", "pricing", "TAX_RATE", "immutable", None, None),
    ("Deployment/pricing", "pricing", "pricing-v3/prices.yaml", "immutable", None, None),
    ("Deployment/projected-app", "app", "app-settings/app.properties", "file-propagates", None, None),
    ("Deployment/projected-app", "app", "app-tls/tls.crt", "file-propagates", None, None),
    ("Deployment/orders", "migrate", "migrate-config/migrate.yaml", "restart", None, None),
    ("Deployment/orders", "migrate", "--schema", "restart", None, None),
    ("Deployment/orders", "orders", "--workers", "restart", None, None),
    ("Deployment/workflowexecution-controller", "manager", "--cooldown-period", "restart", None, None),
    ("Deployment/router", "router", "router-config/routes.yaml#server.port", "restart", None, None),
    ("Deployment/router", "router", "router-config/routes.yaml#logging.level", "hot-reload", None, None),
    ("Deployment/router", "router", "router-config/startup.ini", "restart", None, None),
]


@pytest.mark.parametrize(
    ("workload", "container", "name", "layer", "auto", "manager"),
    EXPECTED,
    ids=[f"{e[0]}:{e[2]}" for e in EXPECTED],
)
def test_every_fixture_is_classified_right(everything, workload, container, name, layer, auto, manager):
    setting = everything[(workload, container, name)]
    assert (setting["layer"], setting["auto_restart"], setting["managed_by"]) == (layer, auto, manager)


def test_json_has_exactly_the_documented_keys(everything):
    for setting in everything.values():
        # a Secret's name is under `secret`, any other source's under `configmap`: never both
        assert set(setting) in (JSON_KEYS | {"configmap"}, JSON_KEYS | {"secret"})
        assert isinstance(setting["evidence"], list) and setting["evidence"]
        assert isinstance(setting["plan"], list) and setting["plan"]


def test_restart_only_key_in_a_watched_file(everything):
    setting = everything[
        (
            "Deployment/workflowexecution-controller",
            "workflowexecution-controller",
            "workflowexecution-config/workflowexecution.yaml#execution.cooldownPeriod",
        )
    ]
    assert setting["namespace"] == "kubernaut-system"
    assert setting["source"] == "file-key"
    assert setting["value"] == "5m"
    assert setting["plan"][:2] == [
        "Edit ConfigMap workflowexecution-config",
        "Restart Deployment/workflowexecution-controller (2 pods)",
    ]
    assert (
        "declared by profile kubernaut-workflowexecution: the app watches workflowexecution.yaml but reads "
        "execution.cooldownPeriod only at start"
    ) in setting["evidence"]


def test_flags_are_named_as_written_and_values_expanded(everything):
    aianalysis = everything[("Deployment/aianalysis-controller", "aianalysis-controller", "-config")]
    assert aianalysis["source"] == "flag"
    assert aianalysis["value"] == "/etc/aianalysis/config.yaml"
    assert any("points at aianalysis-config/config.yaml" in e for e in aianalysis["evidence"])
    legacy = everything[("Deployment/workflowexecution-controller", "manager", "--cooldown-period")]
    assert legacy["value"] == "0s"
    assert any("must be a duration greater than 0" in e for e in legacy["evidence"])


def test_secret_values_are_never_output():
    result = explain("-f", str(FIXTURES), "-o", "json")
    table = explain("-f", str(FIXTURES))
    for output in (result.stdout, table.stdout):
        assert "sk-do-not-show-this-value" not in output
        assert "Q0VSVElGSUNBVEU=" not in output
    agent = json.loads(result.stdout)["settings"]
    secret_settings = [s for s in agent if s["name"] in ("LLM_API_KEY", "app-tls/tls.crt", "app-tls/tls.key")]
    assert len(secret_settings) == 3 and all(s["value"] is None for s in secret_settings)


def test_namespace_defaults_to_default(everything):
    assert everything[("Deployment/projected-app", "app", "--properties")]["namespace"] == "default"


def test_stdin_and_several_files():
    text = (FIXTURES / "coredns.yaml").read_text()
    from_stdin = settings_of("-f", "-", "-f", str(FIXTURES / "immutable.yaml"), stdin=text)
    assert ("Deployment/coredns", "coredns", "coredns/Corefile") in from_stdin
    assert ("Deployment/pricing", "pricing", "TAX_RATE") in from_stdin


def test_other_kinds_are_ignored():
    text = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n"
    assert settings_of("-f", "-", stdin=text) == {}


@pytest.mark.parametrize(
    ("path", "words"),
    [
        (FIXTURES / "invalid" / "bad-yaml.yaml", ["bad-yaml.yaml: document 2: not valid YAML"]),
        (
            FIXTURES / "invalid" / "missing-containers.yaml",
            [
                "missing-containers.yaml: document 2: Deployment/empty-pod: spec.template.spec.containers is missing"
            ],
        ),
        (FIXTURES / "nope.yaml", ["nope.yaml: no such file or directory"]),
    ],
)
def test_bad_input_exits_2_with_a_message_naming_file_and_document(path, words):
    result = explain("-f", str(path), "-o", "json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr


def test_a_non_mapping_document_is_bad_input():
    result = explain("-f", "-", stdin="---\n- just\n- a list\n")
    assert result.returncode == 2
    assert (
        "<stdin>: document 2: not a Kubernetes object" in result.stderr
        or "<stdin>: document 1: not a Kubernetes object" in result.stderr
    )


def test_values_are_printed_literally_never_as_markup_or_escapes():
    result = explain("-f", str(FIXTURES / "annotations.yaml"))
    assert result.returncode == 0, result.stderr
    assert "[bold]x[/]" in result.stdout
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\\x1b" in result.stdout


def test_table_shows_one_titled_table_per_workload():
    result = explain("-f", str(FIXTURES / "kubernaut.yaml"))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Deployment/workflowexecution-controller in kubernaut-system — 1 hot · 6 restart" in out
    for column in ("setting", "value", "layer", "what to do"):
        assert column in out
    assert "2. Restart" in out and "1. Edit ConfigMap workflowexecution-config" in out


def test_extra_profile_directory_changes_the_verdict(tmp_path):
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "api.yaml").write_text(
        "name: payments-api\nmatch: {images: ['example.com/payments/api']}\n"
        "files: [{key: settings.json, format: json, watched: true, live: [timeout]}]\n"
    )
    found = settings_of("-f", str(FIXTURES / "reloader.yaml"), "--profiles", str(profiles))
    assert found[("Deployment/api-search", "api", "api-config/settings.json")]["layer"] == "hot-reload"
    assert (
        found[("Deployment/api-search", "api", "api-config/settings.json#timeout")]["layer"] == "hot-reload"
    )
    assert found[("Deployment/api-search", "api", "api-config/settings.json#retries")]["layer"] == "restart"


def test_a_bad_user_profile_is_reported_and_skipped(tmp_path):
    user_dir = tmp_path / "kubeknobs" / "profiles"
    user_dir.mkdir(parents=True)
    (user_dir / "bad.yaml").write_text("name: [")
    result = explain("-f", str(FIXTURES / "coredns.yaml"), "-o", "json", tmp_home=tmp_path)
    assert result.returncode == 0
    assert "profile skipped" in result.stderr and "bad.yaml" in result.stderr


def test_printable_escapes_controls_and_bidi_marks_but_keeps_text():
    from tui.explain import printable

    assert printable("a\x1b[31mb\x07c\u202ed\u200be é") == "a\\x1b[31mb\\x07c\\u202ed\\u200be é"


def test_kubernaut_agent_config_and_llm_runtime_files(everything):
    agent = {name: s for (w, c, name), s in everything.items() if w == "Deployment/kubernaut-agent"}
    assert agent["-config"]["evidence"][-1] == (
        "points at kubernaut-agent-config/config.yaml, mounted at /etc/kubernaut-agent/config.yaml"
    )
    assert agent["kubernaut-agent-config/config.yaml#server.port"]["layer"] == "restart"
    assert agent["kubernaut-agent-config/config.yaml#logging.level"]["layer"] == "hot-reload"
    assert (
        "declared by profile kubernaut-agent: the app watches llm-runtime.yaml and applies llm.endpoint live"
        in agent["kubernaut-agent-llm-runtime/llm-runtime.yaml#llm.endpoint"]["evidence"]
    )
    assert agent["kubernaut-agent-llm-runtime/llm-runtime.yaml#llm.provider"]["layer"] == "restart"


def test_the_table_names_each_layer_as_the_dashboard_does():
    """A file-propagates setting is "file" here as in the controllers table and the detail."""
    result = explain("-f", str(FIXTURES / "reloader.yaml"))
    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if "api-static/banner.txt" in line)
    assert " file " in row and "file-propagates" not in result.stdout
    assert "file-propagates" in {
        s["layer"] for s in settings_of("-f", str(FIXTURES / "reloader.yaml")).values()
    }
