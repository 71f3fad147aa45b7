"""Every kubectl minor on the machine (1.27-1.33) runs the everyday commands without errors or warnings."""

from __future__ import annotations

import glob
import os
import re
import subprocess

import pytest

VERSIONED = sorted(
    glob.glob("/usr/lib/google-cloud-sdk/bin/kubectl.1.*"), key=lambda p: int(p.rsplit(".", 1)[1])
)
NOISE = re.compile(r"^(?:[EW]\d{4} |Warning:)", re.MULTILINE)
DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.27", env: [{name: LOG_LEVEL, value: info}]}]
"""
COMMANDS = [
    (("get", "ns"), None),
    (("create", "configmap", "settings", "--from-literal=level=info"), None),
    (("apply", "--validate=false", "-f", "-"), DEPLOYMENT),
    (("apply", "--validate=false", "-f", "-"), DEPLOYMENT.replace("info", "debug")),
    (("patch", "cm", "settings", "-p", '{"data":{"a":"1"}}'), None),
    (("patch", "cm", "settings", "--type=merge", "-p", '{"data":{"b":"2"}}'), None),
    (("patch", "cm", "settings", "--type=json", "-p", '[{"op":"remove","path":"/data/a"}]'), None),
    (("get", "all,cm", "-A", "-o", "wide"), None),
    (("auth", "can-i", "patch", "configmaps"), None),
    (("create", "secret", "generic", "token", "--from-literal=t=x"), None),
    (("create", "namespace", "team"), None),
    (("scale", "deploy", "web", "--replicas=3"), None),
    (("rollout", "restart", "deploy", "web"), None),
    (("label", "cm", "settings", "team=ops"), None),
    (("delete", "cm", "settings"), None),
    (("get", "cm", "-w", "--request-timeout=1s"), None),
]


@pytest.mark.skipif(not VERSIONED, reason="no versioned kubectl binaries (kubectl.1.NN) on this machine")
@pytest.mark.parametrize("binary", VERSIONED, ids=lambda p: p.rsplit("kubectl.", 1)[1])
def test_everyday_commands_are_clean_with_each_kubectl_minor(api_cluster, binary):
    env = {**os.environ, "KUBECACHEDIR": os.path.join(api_cluster.options.workdir, "cache")}
    for args, stdin in COMMANDS:
        result = subprocess.run(
            [binary, "--kubeconfig", api_cluster.kubeconfig, *args, "-v=2"],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert result.returncode == 0, (args, result.stderr)
        assert not NOISE.search(result.stderr), (args, result.stderr)
    deployment = subprocess.run(
        [
            binary,
            "--kubeconfig",
            api_cluster.kubeconfig,
            "get",
            "deploy",
            "web",
            "-o",
            "jsonpath={.spec.replicas} {.metadata.generation}",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert deployment.stdout == "3 4"
