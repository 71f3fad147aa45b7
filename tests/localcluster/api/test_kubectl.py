"""The real kubectl against the embedded API: each command works and prints no errors or warnings at -v=2."""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading

from tests.kube import CONTEXTS, KUBECTL, kubectl, requires_kubectl

pytestmark = requires_kubectl
KLOG_NOISE = re.compile(r"^(?:[EW]\d{4} |Warning:)", re.MULTILINE)

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        env: [{name: LOG_LEVEL, value: info}]
"""


def ok(cluster, *args, **kw) -> str:
    result = kubectl(cluster, *args, "-v=2", **kw)
    assert result.returncode == 0, result.stderr
    assert not KLOG_NOISE.search(result.stderr), result.stderr
    return result.stdout


def fails(cluster, *args, **kw) -> str:
    result = kubectl(cluster, *args, "-v=2", **kw)
    assert result.returncode != 0, result.stdout
    return result.stderr


def test_get_all_namespaces_prints_kubectl_columns(api_cluster):
    ok(api_cluster, "apply", "--validate=false", "-f", "-", input=DEPLOYMENT)
    ok(api_cluster, "create", "configmap", "settings", "--from-literal=level=info")
    deployments = ok(api_cluster, "get", "deployments", "-A").splitlines()
    assert deployments[0].split() == ["NAMESPACE", "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert deployments[1].split()[:3] == ["default", "web", "0/2"]
    configmaps = ok(api_cluster, "get", "cm", "-A").splitlines()
    assert configmaps[0].split() == ["NAMESPACE", "NAME", "DATA", "AGE"]
    assert configmaps[1].split()[:3] == ["default", "settings", "1"]
    namespaces = ok(api_cluster, "get", "ns").splitlines()
    assert [line.split()[:2] for line in namespaces] == [
        ["NAME", "STATUS"],
        ["default", "Active"],
        ["kube-system", "Active"],
    ]
    wide = ok(api_cluster, "get", "deploy", "-o", "wide").splitlines()[0].split()
    assert wide[-3:] == ["CONTAINERS", "IMAGES", "SELECTOR"]


SERVICES = """apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: edge}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 443}]
"""


def test_services_from_manifests_get_cluster_ips_and_node_ports(api_cluster):
    ok(api_cluster, "apply", "--validate=false", "-f", "-", input=SERVICES)
    rows = [line.split() for line in ok(api_cluster, "get", "svc").splitlines()]
    assert rows[0] == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]
    assert rows[1][:2] == ["edge", "NodePort"] and re.fullmatch(r"443:3\d{4}/TCP", rows[1][4])
    assert rows[2][:2] == ["web", "ClusterIP"] and rows[2][1:5:3] == ["ClusterIP", "80/TCP"]
    before = json.loads(ok(api_cluster, "get", "svc", "edge", "-o", "json"))["spec"]
    ok(
        api_cluster,
        "apply",
        "--validate=false",
        "-f",
        "-",
        input=SERVICES.replace("port: 443", "port: 443, name: tls"),
    )
    after = json.loads(ok(api_cluster, "get", "svc", "edge", "-o", "json"))["spec"]
    assert (
        after["clusterIP"] == before["clusterIP"]
        and after["ports"][0]["nodePort"] == before["ports"][0]["nodePort"]
    )
    assert "Kubernetes control plane is running at https://127.0.0.1:" in ok(api_cluster, "cluster-info")


APP_MANIFEST = """apiVersion: v1
kind: ServiceAccount
metadata: {name: app}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: app-reader}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get, list, watch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: app-reader}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: app-reader}
subjects: [{kind: ServiceAccount, name: app, namespace: default}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: app}
spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: app}
spec: {podSelector: {}, policyTypes: [Ingress]}
"""


def test_a_whole_application_manifest_applies(api_cluster):
    out = ok(api_cluster, "apply", "--validate=false", "-f", "-", input=APP_MANIFEST)
    assert out.splitlines() == [
        "serviceaccount/app created",
        "clusterrole.rbac.authorization.k8s.io/app-reader created",
        "rolebinding.rbac.authorization.k8s.io/app-reader created",
        "poddisruptionbudget.policy/app created",
        "networkpolicy.networking.k8s.io/app created",
    ]
    again = ok(api_cluster, "apply", "--validate=false", "-f", "-", input=APP_MANIFEST)
    assert again.count("unchanged") >= 4 and "created" not in again  # PDB selectors patch as a whole
    assert (
        ok(api_cluster, "get", "clusterrole", "app-reader", "-o", "jsonpath={.rules[0].verbs}")
        == '["get","list","watch"]'
    )


def test_get_yaml_shows_the_defaulted_object(api_cluster):
    ok(api_cluster, "apply", "--validate=false", "-f", "-", input=DEPLOYMENT)
    out = ok(api_cluster, "get", "deploy", "web", "-o", "yaml")
    assert "progressDeadlineSeconds: 600" in out and "maxSurge: 25%" in out
    assert "terminationMessagePath: /dev/termination-log" in out and "generation: 1" in out


def test_create_from_file_and_from_literals(api_cluster):
    assert (
        ok(api_cluster, "create", "--validate=false", "-f", "-", input=DEPLOYMENT).strip()
        == "deployment.apps/web created"
    )
    assert (
        ok(api_cluster, "create", "secret", "generic", "token", "--from-literal=t=s3cr3t").strip()
        == "secret/token created"
    )
    assert ok(api_cluster, "create", "namespace", "team").strip() == "namespace/team created"
    err = fails(api_cluster, "create", "--validate=false", "-f", "-", input=DEPLOYMENT)
    assert 'deployments.apps "web" already exists' in err


def _contained(want, got, path=""):
    """Every field kubectl showed for its client-side dry run is stored with the same value."""
    if isinstance(want, dict):
        for key, value in want.items():
            if key in ("status", "creationTimestamp") or (value in ({}, None, []) and key not in got):
                continue
            assert key in got, f"{path}.{key} missing"
            _contained(value, got[key], f"{path}.{key}")
    elif isinstance(want, list):
        assert len(want) == len(got), path
        for i, (a, b) in enumerate(zip(want, got, strict=True)):
            _contained(a, b, f"{path}[{i}]")
    else:
        assert want == got, path


def test_typed_create_commands_send_protobuf_that_is_stored_faithfully(api_cluster):
    for args, tail in (
        (("create", "deployment", "web", "--image=nginx:1.27", "--replicas=3", "--port=8080"), ()),
        (
            (
                "run",
                "job",
                "--image=busybox",
                "--env=A=1",
                "--port=80",
                "--labels=x=y",
                "--restart=Never",
                "--command",
            ),
            ("--", "sh", "-c", "echo hi"),
        ),
        (("create", "serviceaccount", "robot"), ()),
        (("create", "secret", "generic", "token", "--from-literal=t=x"), ()),
    ):
        want = json.loads(ok(api_cluster, *args, "--dry-run=client", "-o", "json", *tail))
        got = json.loads(ok(api_cluster, *args, "-o", "json", *tail))
        assert got["metadata"]["uid"]
        _contained(want, got)


def test_apply_creates_then_updates(api_cluster):
    assert (
        ok(api_cluster, "apply", "--validate=false", "-f", "-", input=DEPLOYMENT).strip()
        == "deployment.apps/web created"
    )
    changed = DEPLOYMENT.replace("value: info", "value: debug")
    assert (
        ok(api_cluster, "apply", "--validate=false", "-f", "-", input=changed).strip()
        == "deployment.apps/web configured"
    )
    assert (
        ok(api_cluster, "apply", "--validate=false", "-f", "-", input=changed).strip()
        == "deployment.apps/web unchanged"
    )
    obj = json.loads(ok(api_cluster, "get", "deploy", "web", "-o", "json"))
    assert obj["spec"]["template"]["spec"]["containers"][0]["env"] == [
        {"name": "LOG_LEVEL", "value": "debug"}
    ]
    assert obj["metadata"]["generation"] == 2


def test_patch_in_all_three_types(api_cluster):
    ok(api_cluster, "apply", "--validate=false", "-f", "-", input=DEPLOYMENT)
    ok(
        api_cluster,
        "patch",
        "deploy",
        "web",
        "-p",
        '{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"EXTRA","value":"1"}]}]}}}}',
    )
    ok(
        api_cluster,
        "patch",
        "deploy",
        "web",
        "--type=merge",
        "-p",
        '{"metadata":{"labels":{"tier":"front"}}}',
    )
    ok(
        api_cluster,
        "patch",
        "deploy",
        "web",
        "--type=json",
        "-p",
        '[{"op":"replace","path":"/spec/replicas","value":3}]',
    )
    obj = json.loads(ok(api_cluster, "get", "deploy", "web", "-o", "json"))
    env = obj["spec"]["template"]["spec"]["containers"][0]["env"]
    assert env == [{"name": "LOG_LEVEL", "value": "info"}, {"name": "EXTRA", "value": "1"}]
    assert obj["metadata"]["labels"] == {"app": "web", "tier": "front"} and obj["spec"]["replicas"] == 3


def test_edit_with_an_editor_script(api_cluster, tmp_path):
    ok(api_cluster, "create", "configmap", "settings", "--from-literal=level=value-one")
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nsed -i "s/value-one/value-two/" "$1"\n')
    editor.chmod(0o755)
    out = ok(
        api_cluster,
        "edit",
        "--validate=false",
        "configmap",
        "settings",
        env={"KUBE_EDITOR": str(editor), "EDITOR": str(editor)},
    )
    assert out.strip() == "configmap/settings edited"
    assert ok(api_cluster, "get", "cm", "settings", "-o", "jsonpath={.data.level}") == "value-two"


def test_replace_with_a_stale_resource_version_is_refused(api_cluster):
    ok(api_cluster, "create", "configmap", "settings", "--from-literal=level=info")
    stale = ok(api_cluster, "get", "cm", "settings", "-o", "json")
    ok(api_cluster, "patch", "cm", "settings", "-p", '{"data":{"level":"debug"}}')
    err = fails(
        api_cluster, "replace", "--validate=false", "-f", "-", input=stale.replace('"info"', '"warn"')
    )
    assert (
        'Operation cannot be fulfilled on configmaps "settings": the object has been modified; please '
        "apply your changes to the latest version and try again"
    ) in err
    assert ok(api_cluster, "get", "cm", "settings", "-o", "jsonpath={.data.level}") == "debug"


def test_label_annotate_and_delete(api_cluster):
    ok(api_cluster, "create", "configmap", "settings", "--from-literal=level=info")
    assert ok(api_cluster, "label", "cm", "settings", "team=ops").strip() == "configmap/settings labeled"
    assert (
        ok(api_cluster, "annotate", "cm", "settings", "owner=ops").strip() == "configmap/settings annotated"
    )
    assert ok(api_cluster, "get", "cm", "-l", "team=ops", "-o", "name").strip() == "configmap/settings"
    assert ok(api_cluster, "get", "cm", "settings", "-o", "jsonpath={.metadata.annotations.owner}") == "ops"
    assert ok(api_cluster, "delete", "cm", "settings").strip() == 'configmap "settings" deleted'
    assert 'configmaps "settings" not found' in fails(api_cluster, "get", "cm", "settings")


def test_get_watch_prints_rows_as_objects_change(api_cluster):
    env = {**os.environ, "KUBECACHEDIR": os.path.join(api_cluster.options.workdir, "kubectl-cache")}
    process = subprocess.Popen(
        [
            KUBECTL,
            "--kubeconfig",
            api_cluster.kubeconfig,
            "--context",
            CONTEXTS["admin"],
            "get",
            "cm",
            "-w",
            "--request-timeout=30s",
            "-v=2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    lines: list[str] = []
    seen = threading.Event()

    def read():
        for line in process.stdout:
            lines.append(line)
            if line.startswith("late"):
                seen.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        ok(api_cluster, "create", "configmap", "late", "--from-literal=a=b")
        assert seen.wait(20), lines
    finally:
        process.terminate()
        process.wait(10)
        reader.join(10)
        stderr = process.stderr.read()
        process.stderr.close()
        process.stdout.close()
    assert lines[0].split() == ["NAME", "DATA", "AGE"]
    assert lines[-1].split()[:2] == ["late", "1"]
    assert not KLOG_NOISE.search(stderr), stderr


def test_logs_follow_streams_until_the_pod_is_gone(api_cluster):
    pod = {"metadata": {"name": "worker"}, "spec": {"containers": [{"name": "main", "image": "busybox"}]}}
    api_cluster.call(api_cluster.store.create, "pods", pod)
    api_cluster.call(api_cluster.logs.append, "default", "worker", "main", "one")
    env = {**os.environ, "KUBECACHEDIR": os.path.join(api_cluster.options.workdir, "kubectl-cache")}
    process = subprocess.Popen(
        [KUBECTL, "--kubeconfig", api_cluster.kubeconfig, "logs", "-f", "worker"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout.readline() == "one\n"
        api_cluster.call(api_cluster.logs.append, "default", "worker", "main", "two")
        assert process.stdout.readline() == "two\n"
        api_cluster.call(api_cluster.logs.remove, "default", "worker")
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        process.stdout.close()
        process.stderr.close()


def test_auth_can_i_answers_for_both_users(api_cluster):
    assert ok(api_cluster, "auth", "can-i", "patch", "configmaps").strip() == "yes"
    assert ok(api_cluster, "auth", "can-i", "list", "pods", user="readonly").strip() == "yes"
    result = kubectl(api_cluster, "auth", "can-i", "patch", "configmaps", user="readonly")
    assert (result.returncode, result.stdout.strip()) == (1, "no")
    err = fails(api_cluster, "label", "cm", "x", "a=b", user="readonly")
    assert 'User "kubeknobs-demo-readonly" cannot' in err or 'configmaps "x"' in err


def test_auth_whoami_and_can_i_list(api_cluster):
    assert "kubeknobs-demo-readonly" in ok(api_cluster, "auth", "whoami", user="readonly")
    rules = ok(api_cluster, "auth", "can-i", "--list", user="readonly")
    assert any(line.split()[0] == "configmaps" and "[get list watch]" in line for line in rules.splitlines())
    assert not any(line.split()[0] == "secrets" for line in rules.splitlines()[1:])
    assert ok(api_cluster, "auth", "can-i", "--list").splitlines()[1].split()[0] == "*.*"


def test_readonly_user_gets_forbidden_with_the_apiserver_message(api_cluster):
    ok(api_cluster, "create", "configmap", "settings", "--from-literal=level=info")
    err = fails(api_cluster, "patch", "cm", "settings", "-p", '{"data":{"level":"debug"}}', user="readonly")
    assert (
        'configmaps "settings" is forbidden: User "kubeknobs-demo-readonly" cannot patch resource '
        '"configmaps" in API group "" in the namespace "default"'
    ) in err


def test_logs_of_a_pod_written_through_the_python_api(api_cluster):
    pod = {"metadata": {"name": "worker"}, "spec": {"containers": [{"name": "main", "image": "busybox"}]}}
    api_cluster.call(api_cluster.store.create, "pods", pod)
    for line in ("starting", "ready [bold]not markup[/bold]", "done"):
        api_cluster.call(api_cluster.logs.append, "default", "worker", "main", line)
    assert ok(api_cluster, "logs", "worker") == "starting\nready [bold]not markup[/bold]\ndone\n"
    assert ok(api_cluster, "logs", "worker", "--tail=1") == "done\n"
    assert ok(api_cluster, "logs", "worker", "-c", "main", "--since=1h").count("\n") == 3
    assert ok(api_cluster, "logs", "worker", "--since-time=2000-01-01T00:00:00Z").count("\n") == 3
    api_cluster.call(api_cluster.logs.rotate, "default", "worker", "main")
    api_cluster.call(api_cluster.logs.append, "default", "worker", "main", "second run")
    assert (
        ok(api_cluster, "logs", "worker", "--previous") == "starting\nready [bold]not markup[/bold]\ndone\n"
    )
    assert ok(api_cluster, "logs", "worker") == "second run\n"
