"""What explain says offline is what the model says about the same objects read back from an API server."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.kube import kubectl, requires_kubectl
from tui.model.classify import classify
from tui.model.objects import ClusterObjects
from tui.model.profiles import ProfileSet

pytestmark = requires_kubectl
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "manifests"


def ok(cluster, *args, input=None):
    result = kubectl(cluster, *args, input=input)
    assert result.returncode == 0, result.stderr
    return result.stdout


def offline(path):
    env = {**os.environ, "XDG_CONFIG_HOME": "/nonexistent-kubeknobs-config"}
    result = subprocess.run(
        [sys.executable, "-m", "tui", "explain", "-f", str(path), "-o", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["settings"]


@pytest.mark.parametrize(
    ("fixture", "namespace"),
    [("kubernaut.yaml", "kubernaut-system"), ("reloader.yaml", "payments"), ("immutable.yaml", "shop")],
)
def test_applied_manifests_classify_like_the_files(make_cluster, fixture, namespace):
    cluster = make_cluster(components=False)
    ok(cluster, "create", "namespace", namespace)
    # the embedded API serves workloads, ConfigMaps and Secrets; the fixtures' Services stay offline
    documents = [
        d
        for d in yaml.safe_load_all((FIXTURES / fixture).read_text())
        if d and d["kind"] in ("Deployment", "ConfigMap", "Secret")
    ]
    ok(cluster, "apply", "--validate=false", "-f", "-", input=yaml.safe_dump_all(documents))
    listed = json.loads(ok(cluster, "get", "deployments,configmaps,secrets", "-n", namespace, "-o", "json"))
    objects = ClusterObjects(item for item in listed["items"] if item["kind"] in ("ConfigMap", "Secret"))
    profiles = ProfileSet.builtin()
    live = [
        s.to_json()
        for item in listed["items"]
        if item["kind"] == "Deployment"
        for s in classify(item, objects, profiles)
    ]

    def view(settings):
        return sorted(
            (
                s["workload"],
                s["container"],
                s["name"],
                s["layer"],
                s["auto_restart"],
                s["managed_by"],
                s["value"],
            )
            for s in settings
        )

    assert view(live) == view(offline(FIXTURES / fixture))
    assert "sk-do-not-show-this-value" not in json.dumps(live)
    assert "sk-do-not-show-this-value" not in repr(vars(objects))
