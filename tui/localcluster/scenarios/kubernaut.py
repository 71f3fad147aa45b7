"""Scenario `kubernaut`: Kubernaut's services in kubernaut-system and CoreDNS in kube-system.

ConfigMaps, the Secret and the namespace come from `demo/kubernaut.yaml`; the workloads
are built here so that each shows one way a setting can live (see DESIGN.md §1).
"""

from __future__ import annotations

import hashlib
import json
import os

from tui.localcluster.kubelet.node import node_object

NAMESPACE = "kubernaut-system"
VERSION = "v1.4.0"
NODES = ("kubeknobs-control-plane", "kubeknobs-worker", "kubeknobs-worker2")
MANIFEST = os.path.join(os.path.dirname(os.path.dirname(__file__)), "demo", "kubernaut.yaml")

PROBES = {
    "ports": [{"name": "health", "containerPort": 8081}, {"name": "metrics", "containerPort": 9090}],
    "readinessProbe": {"httpGet": {"path": "/readyz", "port": "health"}, "periodSeconds": 10},
    "livenessProbe": {
        "httpGet": {"path": "/healthz", "port": "health"},
        "initialDelaySeconds": 15,
        "periodSeconds": 20,
    },
}


def labels(name: str, component: str) -> dict:
    return {
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/instance": "kubernaut",
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/part-of": "kubernaut",
        "app.kubernetes.io/version": VERSION.lstrip("v"),
    }


def workload(
    kind: str,
    name: str,
    service: str,
    *,
    replicas: int | None = 1,
    component: str = "controller",
    container: dict,
    volumes: list,
    namespace: str = NAMESPACE,
    extra_labels: dict | None = None,
    annotations: dict | None = None,
    template_annotations: dict | None = None,
) -> dict:
    selector = {"app.kubernetes.io/name": service, "app.kubernetes.io/instance": "kubernaut"}
    all_labels = {**labels(service, component), **(extra_labels or {})}
    spec: dict = {
        "selector": {"matchLabels": selector},
        "template": {
            "metadata": {"labels": all_labels, "annotations": dict(template_annotations or {})},
            "spec": {
                "serviceAccountName": "default",
                "terminationGracePeriodSeconds": 10,
                "containers": [container],
                "volumes": volumes,
            },
        },
    }
    if replicas is not None:
        spec["replicas"] = replicas
    if kind == "StatefulSet":
        spec["serviceName"] = name
    api = "apps/v1"
    return {
        "apiVersion": api,
        "kind": kind,
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": all_labels,
            "annotations": dict(annotations or {}),
        },
        "spec": spec,
    }


def image(service: str, tag: str = VERSION) -> str:
    return f"quay.io/kubernaut-ai/{service}:{tag}"


def cm_volume(name: str, configmap: str, **extra) -> dict:
    return {"name": name, "configMap": {"name": configmap, **extra}}


def mount(name: str, path: str, **extra) -> dict:
    return {"name": name, "mountPath": path, "readOnly": True, **extra}


def workloads(config_checksum: str) -> list[dict]:
    return [
        workload(
            "Deployment",
            "workflowexecution-controller",
            "workflowexecution",
            replicas=2,
            container={
                "name": "workflowexecution-controller",
                "image": image("workflowexecution"),
                "command": ["/manager"],
                "args": ["--config=/etc/config/workflowexecution.yaml"],
                **PROBES,
                "volumeMounts": [mount("config", "/etc/config")],
            },
            volumes=[cm_volume("config", "workflowexecution-config")],
        ),
        workload(
            "Deployment",
            "signalprocessing-controller",
            "signalprocessing",
            container={
                "name": "signalprocessing-controller",
                "image": image("signalprocessing"),
                "command": ["/manager"],
                "args": ["--config=/etc/signalprocessing/config.yaml"],
                **PROBES,
                "volumeMounts": [
                    mount("config", "/etc/signalprocessing/config.yaml", subPath="config.yaml"),
                    mount("policy", "/etc/signalprocessing/policies"),
                ],
            },
            volumes=[
                cm_volume("config", "signalprocessing-config"),
                cm_volume("policy", "signalprocessing-policy"),
            ],
        ),
        workload(
            "Deployment",
            "aianalysis-controller",
            "aianalysis",
            container={
                "name": "aianalysis-controller",
                "image": image("aianalysis"),
                "command": ["/manager"],
                "args": ["-config", "$(CONFIG_PATH)"],
                **PROBES,
                "env": [{"name": "CONFIG_PATH", "value": "/etc/aianalysis/config.yaml"}],
                "volumeMounts": [
                    mount("config", "/etc/aianalysis"),
                    mount("policies", "/etc/aianalysis/policies"),
                ],
            },
            volumes=[cm_volume("config", "aianalysis-config"), cm_volume("policies", "aianalysis-policies")],
        ),
        workload(
            "Deployment",
            "notification-controller",
            "notification",
            container={
                "name": "notification-controller",
                "image": image("notification"),
                "command": ["/manager"],
                "args": ["-config", "$(CONFIG_PATH)"],
                **PROBES,
                "env": [
                    {"name": "CONFIG_PATH", "value": "/etc/notification/config.yaml"},
                    {"name": "ROUTING_CONFIG_PATH", "value": "/etc/notification-routing/routing.yaml"},
                ],
                "volumeMounts": [
                    mount("config", "/etc/notification"),
                    mount("routing", "/etc/notification-routing"),
                ],
            },
            volumes=[
                cm_volume("config", "notification-controller-config"),
                cm_volume("routing", "notification-routing-config"),
            ],
        ),
        workload(
            "Deployment",
            "gateway",
            "gateway",
            replicas=3,
            component="gateway",
            container={
                "name": "gateway",
                "image": image("gateway"),
                "args": ["--config=/etc/gateway/config.yaml"],
                "ports": [
                    {"name": "http", "containerPort": 8080},
                    {"name": "metrics", "containerPort": 9090},
                ],
                "readinessProbe": {"httpGet": {"path": "/ready", "port": "http"}, "periodSeconds": 10},
                "livenessProbe": {"httpGet": {"path": "/health", "port": "http"}, "periodSeconds": 20},
                "volumeMounts": [mount("config", "/etc/gateway")],
            },
            volumes=[cm_volume("config", "gateway-config")],
            extra_labels={"app.kubernetes.io/managed-by": "Helm", "helm.sh/chart": "kubernaut-1.4.0"},
            annotations={
                "meta.helm.sh/release-name": "kubernaut",
                "meta.helm.sh/release-namespace": NAMESPACE,
            },
            template_annotations={"checksum/config": config_checksum},
        ),
        workload(
            "StatefulSet",
            "datastorage",
            "datastorage",
            component="storage",
            container={
                "name": "datastorage",
                "image": image("datastorage"),
                "envFrom": [{"configMapRef": {"name": "datastorage-env"}}],
                "ports": [{"name": "http", "containerPort": 8080}],
                "readinessProbe": {"httpGet": {"path": "/health/ready", "port": "http"}, "periodSeconds": 10},
                "volumeMounts": [
                    mount("config", "/etc/datastorage"),
                    mount("schema", "/var/lib/datastorage/migrations"),
                ],
            },
            volumes=[cm_volume("config", "datastorage-config"), cm_volume("schema", "datastorage-schema-v7")],
        ),
        workload(
            "Deployment",
            "kubernaut-agent",
            "kubernaut-agent",
            component="agent",
            container={
                "name": "kubernaut-agent",
                "image": image("kubernaut-agent"),
                "args": [
                    "-config",
                    "/etc/kubernaut-agent/config.yaml",
                    "-llm-runtime",
                    "/etc/kubernaut-agent/llm/llm-runtime.yaml",
                ],
                "env": [
                    {
                        "name": "LLM_API_KEY",
                        "valueFrom": {
                            "secretKeyRef": {"name": "kubernaut-agent-llm-credentials", "key": "api-key"}
                        },
                    }
                ],
                "ports": [{"name": "http", "containerPort": 8080}],
                "readinessProbe": {"httpGet": {"path": "/health", "port": "http"}, "periodSeconds": 10},
                "volumeMounts": [
                    mount("config", "/etc/kubernaut-agent"),
                    mount("llm", "/etc/kubernaut-agent/llm"),
                ],
            },
            volumes=[
                cm_volume("config", "kubernaut-agent-config"),
                cm_volume("llm", "kubernaut-agent-llm-runtime"),
            ],
        ),
        workload(
            "Deployment",
            "workflowexecution-legacy",
            "workflowexecution-legacy",
            container={
                "name": "workflowexecution-controller",
                "image": image("workflowexecution", "legacy"),
                "command": ["/manager"],
                "args": [
                    "--cooldown-period=5m",
                    "--execution-namespace=kubernaut-workflows",
                    "--leader-elect",
                ],
                **PROBES,
            },
            volumes=[],
        ),
        workload(
            "Deployment",
            "remediationorchestrator-controller",
            "remediationorchestrator",
            container={
                "name": "remediationorchestrator-controller",
                "image": image("remediationorchestrator"),
                "command": ["/manager"],
                "args": ["--config=/etc/config/remediationorchestrator.yaml"],
                **PROBES,
                "volumeMounts": [mount("config", "/etc/config")],
            },
            volumes=[cm_volume("config", "remediationorchestrator-config")],
            annotations={"configmap.reloader.stakater.com/reload": "remediationorchestrator-config"},
        ),
        workload(
            "DaemonSet",
            "log-shipper",
            "log-shipper",
            replicas=None,
            component="logging",
            container={
                "name": "fluent-bit",
                "image": "cr.fluentbit.io/fluent/fluent-bit:3.1.4",
                "args": ["-c", "/fluent-bit/etc/fluent-bit.conf"],
                "volumeMounts": [mount("config", "/fluent-bit/etc")],
            },
            volumes=[cm_volume("config", "log-shipper-config")],
        ),
        coredns(),
    ]


def coredns() -> dict:
    labels = {"k8s-app": "kube-dns"}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "coredns", "namespace": "kube-system", "labels": labels},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "priorityClassName": "system-cluster-critical",
                    "containers": [
                        {
                            "name": "coredns",
                            "image": "registry.k8s.io/coredns/coredns:v1.11.1",
                            "args": ["-conf", "/etc/coredns/Corefile"],
                            "ports": [
                                {"name": "dns", "containerPort": 53, "protocol": "UDP"},
                                {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"},
                                {"name": "metrics", "containerPort": 9153, "protocol": "TCP"},
                            ],
                            "livenessProbe": {
                                "httpGet": {"path": "/health", "port": 8080},
                                "initialDelaySeconds": 60,
                                "periodSeconds": 10,
                                "failureThreshold": 5,
                            },
                            "readinessProbe": {
                                "httpGet": {"path": "/ready", "port": 8181},
                                "periodSeconds": 10,
                            },
                            "volumeMounts": [
                                {"name": "config-volume", "mountPath": "/etc/coredns", "readOnly": True}
                            ],
                        }
                    ],
                    "volumes": [
                        {
                            "name": "config-volume",
                            "configMap": {
                                "name": "coredns",
                                "items": [{"key": "Corefile", "path": "Corefile"}],
                            },
                        }
                    ],
                },
            },
        },
    }


def manifest_objects() -> list[dict]:
    import yaml

    with open(MANIFEST, encoding="utf-8") as handle:
        return [doc for doc in yaml.safe_load_all(handle) if doc]


RESOURCE = {
    "Namespace": "namespaces",
    "ConfigMap": "configmaps",
    "Secret": "secrets",
    "Deployment": "deployments",
    "StatefulSet": "statefulsets",
    "DaemonSet": "daemonsets",
}


def load(cluster, name: str = "kubernaut") -> None:
    from tui.localcluster.scenarios.empty import load as load_empty

    load_empty(cluster)
    store = cluster.store
    for index, node in enumerate(NODES):
        role = {"node-role.kubernetes.io/control-plane": ""} if index == 0 else {}
        if store.get("nodes", None, node) is None:
            store.create("nodes", node_object(node, index, role))
    objects = manifest_objects()
    gateway_config = next(o for o in objects if o["metadata"]["name"] == "gateway-config")
    checksum = hashlib.sha256(json.dumps(gateway_config["data"], sort_keys=True).encode()).hexdigest()
    for obj in objects + workloads(checksum):
        resource = RESOURCE[obj["kind"]]
        namespace = obj["metadata"].get("namespace")
        if store.get(resource, namespace, obj["metadata"]["name"]) is None:
            store.create(resource, obj)
        if (
            resource == "namespaces"
            and store.get("serviceaccounts", obj["metadata"]["name"], "default") is None
        ):
            store.create(
                "serviceaccounts", {"metadata": {"name": "default", "namespace": obj["metadata"]["name"]}}
            )
