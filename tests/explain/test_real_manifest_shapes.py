"""Parsing seen to go wrong on real manifests, each on a small manifest in the shape of the upstream one."""

from tests.explain.test_explain_cli import FIXTURES, settings_of
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
