"""Parsing seen to go wrong on real manifests, each on a small manifest in the shape of the upstream one."""

import os
import subprocess
import sys

from tests.explain.test_explain_cli import FIXTURES, explain, settings_of
from tui.model.content import key_paths


def test_a_bare_equals_sign_is_the_string_it_is_for_kubectl():
    found = settings_of("-f", str(FIXTURES / "crd-enum.yaml"))
    assert ("Deployment/silencer", "silencer", "--rules") in found
    assert key_paths("yaml", "matchers:\n  - {name: severity, op: =}\n").leaves == (
        ("matchers", '[{"name":"severity","op":"="}]'),
    )


def grafana():
    found = settings_of("-f", str(FIXTURES / "grafana-dashboards.yaml"))
    return {name: s for (workload, _, name), s in found.items() if workload == "Deployment/grafana"}


def test_the_configmaps_of_a_configmaplist_are_known():
    assert sorted(grafana()) == ["dashboard-nodes/nodes.json", "dashboard-pods/pods.json"]
    assert grafana()["dashboard-nodes/nodes.json"]["value"] == '{"title": "Nodes", "refresh": "30s"}'


def test_items_of_a_typed_list_take_its_kind_as_the_api_leaves_it_out():
    text = (
        "kind: ConfigMapList\nitems:\n- metadata: {name: env, namespace: monitoring}\n  data: {LEVEL: debug}\n"
        "---\nkind: DeploymentList\nitems:\n- metadata: {name: web, namespace: monitoring}\n"
        "  spec:\n    selector: {matchLabels: {app: web}}\n    template:\n      spec:\n        containers:\n"
        "        - {name: web, image: web:1, envFrom: [{configMapRef: {name: env}}]}\n"
    )
    found = settings_of("-f", "-", stdin=text)
    assert found[("Deployment/web", "web", "LEVEL")]["value"] == "debug"


def test_checksum_annotations_without_helm_markers_are_no_helm_release():
    for setting in grafana().values():
        assert (setting["auto_restart"], setting["managed_by"]) == (None, None)
        assert not any("helm" in line.lower() for line in setting["evidence"] + setting["plan"])


def settings_in(fixture, workload):
    found = settings_of("-f", str(FIXTURES / fixture))
    return {(container, name): s for (w, container, name), s in found.items() if w == workload}


def test_a_repeated_flag_keeps_every_value():
    operation = settings_in("policy-audit.yaml", "Deployment/policy-audit")[("manager", "--operation")]
    assert operation["value"] == "audit\nstatus\nmutation-status"
    assert any("given 3 times" in line and "every value" in line for line in operation["evidence"])
    table = explain("-f", str(FIXTURES / "policy-audit.yaml")).stdout
    for value in ("audit", "status", "mutation-status"):
        assert any(cell.strip() == value for line in table.splitlines() for cell in line.split("│"))


def test_a_flag_and_its_substituted_value_in_one_argument():
    found = settings_in("session-cache.yaml", "Deployment/session-cache")
    password = found[("redis", "--requirepass")]
    assert password["value"] is None  # the whole value comes from a Secret
    assert any(
        "takes $(REDIS_PASSWORD) from Secret session-cache-auth key auth" in e for e in password["evidence"]
    )
    assert found[("redis", "--appendonly")]["value"] == "no"


def test_init_containers_running_file_utilities_have_no_flag_settings():
    found = settings_in("session-cache.yaml", "Deployment/session-cache")
    assert not [name for container, name in found if container in ("copy-tool", "link-tool")]
    store = settings_in("metrics-store.yaml", "StatefulSet/metrics-store")
    assert sorted(store) == [("store", "--retention"), ("store", "--storage.path")]


def test_args_after_a_wrapper_entrypoint_get_no_go_flag_warning():
    found = settings_in("edge-controller.yaml", "Deployment/edge-controller")
    assert found[("controller", "--configmap")]["value"] == "edge/edge-controller"
    for setting in found.values():
        assert not any("Go's flag package" in line for line in setting["evidence"])


def test_piped_table_is_not_squeezed_to_80_columns():
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    result = subprocess.run(
        [sys.executable, "-m", "tui", "explain", "-f", str(FIXTURES / "kubernaut.yaml")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert max(len(line) for line in result.stdout.splitlines()) > 80


def test_json_piped_into_head_ends_quietly():
    shell = f"{sys.executable} -m tui explain -f {FIXTURES} -o json | head -1"
    result = subprocess.run(["sh", "-c", shell], capture_output=True, text=True, timeout=60)
    assert result.stdout == "{\n" and "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr
