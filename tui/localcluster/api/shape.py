"""Type checks of incoming objects, as Go's JSON decoding does them before any defaulting.

A field of the wrong JSON type is a 400 BadRequest; a null field is treated as absent, like Go's zero value.
"""

from __future__ import annotations

from tui.localcluster.api import errors
from tui.localcluster.api.resources import Resource

STR, INT, BOOL, OBJ = "string", "int32", "bool", "object"
STR_MAP = ("map", STR)


def _list(item) -> tuple:
    return ("list", item)


META = {
    "name": STR,
    "generateName": STR,
    "namespace": STR,
    "labels": STR_MAP,
    "annotations": STR_MAP,
    "finalizers": _list(STR),
    "ownerReferences": _list(OBJ),
    "resourceVersion": STR,
    "uid": STR,
    "managedFields": _list(OBJ),
}
ENV = {
    "name": STR,
    "value": STR,
    "valueFrom": {"fieldRef": OBJ, "configMapKeyRef": OBJ, "secretKeyRef": OBJ, "resourceFieldRef": OBJ},
}
PROBE = {
    "httpGet": OBJ,
    "exec": OBJ,
    "tcpSocket": OBJ,
    "grpc": OBJ,
    "initialDelaySeconds": INT,
    "timeoutSeconds": INT,
    "periodSeconds": INT,
    "successThreshold": INT,
    "failureThreshold": INT,
}
CONTAINER = {
    "name": STR,
    "image": STR,
    "command": _list(STR),
    "args": _list(STR),
    "workingDir": STR,
    "env": _list(ENV),
    "envFrom": _list(OBJ),
    "resources": OBJ,
    "imagePullPolicy": STR,
    "ports": _list({"containerPort": INT, "name": STR, "protocol": STR, "hostPort": INT}),
    "volumeMounts": _list({"name": STR, "mountPath": STR, "subPath": STR, "readOnly": BOOL}),
    "livenessProbe": PROBE,
    "readinessProbe": PROBE,
    "startupProbe": PROBE,
    "terminationMessagePath": STR,
    "terminationMessagePolicy": STR,
}
VOLUME = {"name": STR, "configMap": OBJ, "secret": OBJ, "projected": OBJ, "downwardAPI": OBJ, "emptyDir": OBJ}
POD_SPEC = {
    "containers": _list(CONTAINER),
    "initContainers": _list(CONTAINER),
    "volumes": _list(VOLUME),
    "restartPolicy": STR,
    "terminationGracePeriodSeconds": INT,
    "dnsPolicy": STR,
    "nodeName": STR,
    "nodeSelector": STR_MAP,
    "serviceAccountName": STR,
    "securityContext": OBJ,
    "schedulerName": STR,
    "readinessGates": _list(OBJ),
}
WORKLOAD_SPEC = {
    "replicas": INT,
    "selector": {"matchLabels": STR_MAP, "matchExpressions": _list(OBJ)},
    "template": {"metadata": META, "spec": POD_SPEC},
    "strategy": {"type": STR, "rollingUpdate": OBJ},
    "updateStrategy": {"type": STR, "rollingUpdate": OBJ},
    "revisionHistoryLimit": INT,
    "progressDeadlineSeconds": INT,
    "minReadySeconds": INT,
    "paused": BOOL,
    "serviceName": STR,
    "podManagementPolicy": STR,
}
DATA: dict[str, object] = {
    "data": STR_MAP,
    "binaryData": STR_MAP,
    "stringData": STR_MAP,
    "immutable": BOOL,
    "type": STR,
}
SCHEMAS: dict[str, dict[str, object]] = {
    "pods": {"spec": POD_SPEC},
    "deployments": {"spec": WORKLOAD_SPEC},
    "replicasets": {"spec": WORKLOAD_SPEC},
    "statefulsets": {"spec": WORKLOAD_SPEC},
    "daemonsets": {"spec": WORKLOAD_SPEC},
    "configmaps": DATA,
    "secrets": DATA,
    "namespaces": {"spec": {"finalizers": _list(STR)}},
    "services": {
        "spec": {
            "type": STR,
            "clusterIP": STR,
            "selector": STR_MAP,
            "externalIPs": _list(STR),
            "ports": _list({"name": STR, "port": INT, "protocol": STR, "nodePort": INT}),
        }
    },
}


def _json_type(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _fail(res: Resource, path: str, value, expected: str):
    raise errors.bad_request(
        f'{res.kind} in version "{res.version}" cannot be handled as a {res.kind}: json: cannot unmarshal '
        f"{_json_type(value)} into Go struct field {res.kind}{path} of type {expected}"
    )


SCALARS = {STR: str, INT: int, BOOL: bool, OBJ: dict}


def _check(res: Resource, value, schema, path: str):
    """The value, type-checked against `schema`, with null fields dropped (hot path: kept lean)."""
    kind = type(schema)
    if kind is str:
        if type(value) is not SCALARS[schema]:
            _fail(res, path, value, schema)
        return value
    if kind is dict:
        if type(value) is not dict:
            _fail(res, path, value, OBJ)
        if None in value.values():
            for key in [k for k, v in value.items() if v is None]:
                del value[key]
        for key, v in value.items():
            sub = schema.get(key)
            if sub is None:
                continue
            if type(sub) is str:
                if type(v) is not SCALARS[sub]:
                    _fail(res, f"{path}.{key}", v, sub)
            else:
                value[key] = _check(res, v, sub, f"{path}.{key}")
        return value
    container, item = schema
    if container == "list":
        if type(value) is not list:
            _fail(res, path, value, "[]" + (item if isinstance(item, str) else OBJ))
        if None in value:
            value = [v for v in value if v is not None]
        if type(item) is str:
            wanted = SCALARS[item]
            for v in value:
                if type(v) is not wanted:
                    _fail(res, path, v, item)
            return value
        return [_check(res, v, item, path) for v in value]
    if type(value) is not dict:
        _fail(res, path, value, "map[string]string")
    for v in value.values():
        if type(v) is not str:
            _fail(res, path, v, STR)
    return value


def check_shape(res: Resource, obj: dict) -> None:
    """Raise 400 BadRequest where a field has the wrong JSON type; drop null fields, in place."""
    schema: dict[str, object] = {"metadata": META, "status": OBJ, **SCHEMAS.get(res.plural, {})}
    _check(res, obj, schema, "")
