"""The contract of `explain --output json` that other tools read: each setting's mechanism, and what was skipped."""

import json

from tests.explain.test_explain_cli import FIXTURES, explain

LAYERS = {"hot-reload", "reload-on-request", "restart", "file-propagates", "immutable"}
MECHANISMS = {
    "flag",
    "env",
    "read-at-start",
    "subpath-copy",
    "file-watch",
    "file-poll",
    "api-watch",
    "signal",
    "http-endpoint",
    "sidecar",
    "immutable",
    "unknown",
}
SOURCES = {"flag", "env", "file", "file-key", "api", "api-key"}


def output(*files: str) -> dict:
    result = explain(*[arg for name in files for arg in ("-f", str(FIXTURES / name))], "-o", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_every_setting_carries_its_layer_mechanism_window_and_origin():
    data = output("ingress-controller.yaml", "reload-sidecars.yaml", "reload-requests.yaml", "coredns.yaml")
    seen = set()
    for item in data["settings"]:
        assert item["layer"] in LAYERS and item["mechanism"] in MECHANISMS and item["source"] in SOURCES
        window = item["takes_effect_s"]
        assert window is None or (len(window) == 2 and 0 <= window[0] <= window[1])
        if item["source"] in ("file", "file-key", "api", "api-key"):
            assert ("configmap" in item) != ("secret" in item) and item[
                "configmap" if "configmap" in item else "secret"
            ]
        seen.add(item["mechanism"])
        if item["layer"] == "reload-on-request":
            assert item["trigger"] and item["takes_effect_s"] is None
        if item["mechanism"] == "sidecar":
            assert item["trigger"] and item["via"]
        if item["mechanism"] == "api-watch":
            assert item["via"] and item["takes_effect_s"] == [0.0, 10.0]
    assert {"api-watch", "sidecar", "signal", "http-endpoint", "file-poll", "flag"} <= seen


def test_the_top_level_lists_every_object_not_classified_and_why(tmp_path):
    manifest = tmp_path / "mixed.yaml"
    manifest.write_text(
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate, namespace: shop}\n"
        "spec: {template: {spec: {containers: [{name: m, image: m:1}], restartPolicy: Never}}}\n---\n"
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: blue, namespace: shop}\n---\n"
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: bare, namespace: shop}\n"
        "spec: {selector: {matchLabels: {a: b}}, template: {spec: {containers: [{name: c, image: c:1}]}}}\n"
    )
    result = explain("-f", str(manifest), "-o", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["settings"] == []
    assert data["skipped"] == [
        {
            "kind": "Job",
            "namespace": "shop",
            "name": "migrate",
            "why": "a Job runs pods, but only Deployments, StatefulSets and DaemonSets are classified",
        },
        {
            "kind": "Widget",
            "namespace": "shop",
            "name": "blue",
            "why": "not a workload: it has no containers to take settings",
        },
        {
            "kind": "Deployment",
            "namespace": "shop",
            "name": "bare",
            "why": "no settings: no flags, env vars or ConfigMap/Secret in its pod template",
        },
    ]
