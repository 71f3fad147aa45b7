"""Defaulting and validation, so stored objects look like the apiserver's and bad ones get 422."""

from __future__ import annotations

import base64
import binascii
import re

from tui.localcluster.api.errors import invalid
from tui.localcluster.api.resources import Resource

DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
    "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
    "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
WORKLOADS = ("deployments", "replicasets", "statefulsets", "daemonsets")


def _probe(probe: dict | None) -> None:
    if not isinstance(probe, dict):
        return
    for key, value in (
        ("timeoutSeconds", 1),
        ("periodSeconds", 10),
        ("successThreshold", 1),
        ("failureThreshold", 3),
    ):
        probe.setdefault(key, value)
    if isinstance(probe.get("httpGet"), dict):
        probe["httpGet"].setdefault("scheme", "HTTP")


def _container(c: dict) -> None:
    c.setdefault("resources", {})
    c.setdefault("terminationMessagePath", "/dev/termination-log")
    c.setdefault("terminationMessagePolicy", "File")
    image = str(c.get("image") or "")
    tag = image.rsplit("/", 1)[-1]
    latest = "@" not in image and (":" not in tag or tag.endswith(":latest"))
    c.setdefault("imagePullPolicy", "Always" if latest else "IfNotPresent")
    for port in c.get("ports") or []:
        if isinstance(port, dict):
            port.setdefault("protocol", "TCP")
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        _probe(c.get(probe))
    for env in c.get("env") or []:
        ref = (env.get("valueFrom") or {}).get("fieldRef") if isinstance(env, dict) else None
        if isinstance(ref, dict):
            ref.setdefault("apiVersion", "v1")


def default_pod_spec(spec: dict, *, is_pod: bool) -> None:
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("securityContext", {})
    spec.setdefault("schedulerName", "default-scheduler")
    if is_pod:
        spec.setdefault("serviceAccountName", "default")
        spec["serviceAccount"] = spec["serviceAccountName"]
        spec.setdefault("enableServiceLinks", True)
        spec.setdefault("priority", 0)
        spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
    for key in ("containers", "initContainers"):
        for c in spec.get(key) or []:
            if isinstance(c, dict):
                _container(c)
    for vol in spec.get("volumes") or []:
        if not isinstance(vol, dict):
            continue
        for source in ("configMap", "secret", "projected", "downwardAPI"):
            if isinstance(vol.get(source), dict):
                vol[source].setdefault("defaultMode", 420)


def _template(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    template = spec.get("template")
    if isinstance(template, dict):
        template.setdefault("metadata", {})
        if isinstance(template.get("spec"), dict):
            default_pod_spec(template["spec"], is_pod=False)


def apply_defaults(res: Resource, obj: dict) -> None:
    """Fill the fields the apiserver defaults, in place."""
    kind = res.plural
    if kind == "pods":
        default_pod_spec(obj.setdefault("spec", {}), is_pod=True)
        status = obj.setdefault("status", {})
        status.setdefault("phase", "Pending")
        status.setdefault("qosClass", "BestEffort")
    elif kind == "namespaces":
        name = obj["metadata"].get("name", "")
        obj["metadata"].setdefault("labels", {})["kubernetes.io/metadata.name"] = name
        obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
        obj.setdefault("status", {}).setdefault("phase", "Active")
    elif kind == "secrets":
        obj.setdefault("type", "Opaque")
    elif kind == "services":
        spec = obj.setdefault("spec", {})
        spec.setdefault("type", "ClusterIP")
        spec.setdefault("sessionAffinity", "None")
        spec.setdefault("internalTrafficPolicy", "Cluster")
        if spec["type"] in ("NodePort", "LoadBalancer"):
            spec.setdefault("externalTrafficPolicy", "Cluster")
        for port in spec.get("ports") or []:
            if isinstance(port, dict):
                port.setdefault("protocol", "TCP")
                port.setdefault("targetPort", port.get("port"))
        obj.setdefault("status", {}).setdefault("loadBalancer", {})
    elif kind == "deployments":
        spec = obj.setdefault("spec", {})
        spec.setdefault("replicas", 1)
        strategy = spec.setdefault("strategy", {})
        strategy.setdefault("type", "RollingUpdate")
        if strategy["type"] == "RollingUpdate":
            rolling = strategy.setdefault("rollingUpdate", {})
            rolling.setdefault("maxUnavailable", "25%")
            rolling.setdefault("maxSurge", "25%")
        spec.setdefault("revisionHistoryLimit", 10)
        spec.setdefault("progressDeadlineSeconds", 600)
        _template(obj)
        obj.setdefault("status", {})
    elif kind == "replicasets":
        obj.setdefault("spec", {}).setdefault("replicas", 1)
        _template(obj)
        obj.setdefault("status", {}).setdefault("replicas", 0)
    elif kind == "statefulsets":
        spec = obj.setdefault("spec", {})
        spec.setdefault("replicas", 1)
        spec.setdefault("podManagementPolicy", "OrderedReady")
        strategy = spec.setdefault("updateStrategy", {})
        strategy.setdefault("type", "RollingUpdate")
        if strategy["type"] == "RollingUpdate":
            strategy.setdefault("rollingUpdate", {}).setdefault("partition", 0)
        spec.setdefault("revisionHistoryLimit", 10)
        spec.setdefault(
            "persistentVolumeClaimRetentionPolicy", {"whenDeleted": "Retain", "whenScaled": "Retain"}
        )
        _template(obj)
        obj.setdefault("status", {}).setdefault("replicas", 0)
    elif kind == "daemonsets":
        spec = obj.setdefault("spec", {})
        strategy = spec.setdefault("updateStrategy", {})
        strategy.setdefault("type", "RollingUpdate")
        if strategy["type"] == "RollingUpdate":
            rolling = strategy.setdefault("rollingUpdate", {})
            rolling.setdefault("maxUnavailable", 1)
            rolling.setdefault("maxSurge", 0)
        spec.setdefault("revisionHistoryLimit", 10)
        _template(obj)
        status = obj.setdefault("status", {})
        for key in ("currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled", "numberReady"):
            status.setdefault(key, 0)


def _validate_pod_spec(spec, prefix: str, causes: list) -> None:
    if not isinstance(spec, dict):
        causes.append((prefix, "FieldValueRequired", "Required value"))
        return
    containers = spec.get("containers")
    if not containers:
        causes.append((f"{prefix}.containers", "FieldValueRequired", "Required value"))
        return
    for key in ("initContainers", "containers"):
        seen: set[str] = set()
        for i, c in enumerate(spec.get(key) or []):
            where = f"{prefix}.{key}[{i}]"
            if not isinstance(c, dict):
                causes.append((where, "FieldValueInvalid", "Invalid value: must be an object"))
                continue
            name = c.get("name")
            if not name:
                causes.append((f"{where}.name", "FieldValueRequired", "Required value"))
            elif not DNS_LABEL.match(str(name)):
                causes.append((f"{where}.name", "FieldValueInvalid", f'Invalid value: "{name}": {LABEL_MSG}'))
            elif name in seen:
                causes.append((f"{where}.name", "FieldValueDuplicate", f'Duplicate value: "{name}"'))
            else:
                seen.add(name)
            if not c.get("image"):
                causes.append((f"{where}.image", "FieldValueRequired", "Required value"))


def _labels_text(labels: dict) -> str:
    return "map[string]string{" + ", ".join(f'"{k}":"{v}"' for k, v in sorted(labels.items())) + "}"


def validate(res: Resource, obj: dict) -> None:
    """Raise a 422 ApiError for what the apiserver would refuse."""
    meta = obj.get("metadata") or {}
    name = meta.get("name") or ""
    causes: list[tuple[str, str, str]] = []
    pattern, message = (
        (DNS_LABEL, LABEL_MSG) if res.plural == "namespaces" else (DNS_SUBDOMAIN, SUBDOMAIN_MSG)
    )
    if not name:
        causes.append(
            ("metadata.name", "FieldValueRequired", "Required value: name or generateName is required")
        )
    elif not pattern.match(name) or len(name) > (63 if res.plural == "namespaces" else 253):
        causes.append(("metadata.name", "FieldValueInvalid", f'Invalid value: "{name}": {message}'))
    for field in ("labels", "annotations"):
        values = meta.get(field)
        if values is not None and not (
            isinstance(values, dict) and all(isinstance(v, str) for v in values.values())
        ):
            causes.append((f"metadata.{field}", "FieldValueInvalid", "Invalid value: values must be strings"))
    if res.plural in ("configmaps", "secrets"):
        for field in ("data", "binaryData", "stringData"):
            for key, value in (obj.get(field) or {}).items():
                if not CONFIG_KEY.match(key):
                    causes.append(
                        (
                            f"{field}[{key}]",
                            "FieldValueInvalid",
                            f'Invalid value: "{key}": a valid config key must consist of alphanumeric '
                            "characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or "
                            "'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
                        )
                    )
                elif not isinstance(value, str):
                    causes.append((f"{field}[{key}]", "FieldValueInvalid", "Invalid value: must be a string"))
                elif field in ("binaryData",) or (res.plural == "secrets" and field == "data"):
                    try:
                        base64.b64decode(value, validate=True)
                    except (binascii.Error, ValueError):
                        causes.append(
                            (f"{field}[{key}]", "FieldValueInvalid", "Invalid value: illegal base64 data")
                        )
    if res.plural == "pods":
        _validate_pod_spec(obj.get("spec"), "spec", causes)
    if res.plural == "services":
        spec = obj.get("spec") or {}
        if not spec.get("ports") and spec.get("clusterIP") != "None":
            causes.append(("spec.ports", "FieldValueRequired", "Required value"))
        for i, port in enumerate(spec.get("ports") or []):
            value = port.get("port") if isinstance(port, dict) else None
            if not isinstance(value, int) or not 0 < value < 65536:
                causes.append(
                    (
                        f"spec.ports[{i}].port",
                        "FieldValueInvalid",
                        f"Invalid value: {value}: must be between 1 and 65535, inclusive",
                    )
                )
    if res.plural in WORKLOADS:
        spec = obj.get("spec") or {}
        selector = spec.get("selector")
        template = spec.get("template")
        if not isinstance(selector, dict) or not (
            selector.get("matchLabels") or selector.get("matchExpressions")
        ):
            causes.append(("spec.selector", "FieldValueRequired", "Required value"))
        if not isinstance(template, dict):
            causes.append(("spec.template", "FieldValueRequired", "Required value"))
        else:
            labels = (template.get("metadata") or {}).get("labels") or {}
            wanted = (selector or {}).get("matchLabels") or {} if isinstance(selector, dict) else {}
            if any(labels.get(k) != v for k, v in wanted.items()):
                causes.append(
                    (
                        "spec.template.metadata.labels",
                        "FieldValueInvalid",
                        f"Invalid value: {_labels_text(labels)}: `selector` does not match template `labels`",
                    )
                )
            _validate_pod_spec(template.get("spec"), "spec.template.spec", causes)
        replicas = spec.get("replicas")
        if replicas is not None and (not isinstance(replicas, int) or replicas < 0):
            causes.append(
                (
                    "spec.replicas",
                    "FieldValueInvalid",
                    f"Invalid value: {replicas}: must be greater than or equal to 0",
                )
            )
    if causes:
        raise invalid(res, name, causes)


def normalize_secret(obj: dict) -> None:
    """stringData is write-only: merged into data (base64) as the apiserver does."""
    string_data = obj.pop("stringData", None)
    if isinstance(string_data, dict):
        data = obj.setdefault("data", {})
        for key, value in string_data.items():
            data[key] = base64.b64encode(str(value).encode()).decode()
