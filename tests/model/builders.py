"""Small API-shaped objects for rule tests."""


def configmap(name, data, namespace="default", immutable=None, labels=None, annotations=None):
    obj = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": labels or {},
            "annotations": annotations or {},
        },
        "data": data,
    }
    if immutable is not None:
        obj["immutable"] = immutable
    return obj


def secret(name, data, namespace="default"):
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": name, "namespace": namespace},
        "type": "Opaque",
        "data": data,
    }


def deployment(
    containers,
    volumes=(),
    name="app",
    namespace="default",
    replicas=2,
    annotations=None,
    template_annotations=None,
    labels=None,
    init_containers=(),
    kind="Deployment",
):
    spec = {
        "selector": {"matchLabels": {"app": name}},
        "template": {
            "metadata": {"labels": {"app": name}, "annotations": template_annotations or {}},
            "spec": {"containers": list(containers), "volumes": list(volumes)},
        },
    }
    if init_containers:
        spec["template"]["spec"]["initContainers"] = list(init_containers)
    if kind != "DaemonSet":
        spec["replicas"] = replicas
    return {
        "apiVersion": "apps/v1",
        "kind": kind,
        "metadata": {
            "name": name,
            "namespace": namespace,
            "annotations": annotations or {},
            "labels": labels or {},
        },
        "spec": spec,
    }


def container(name="app", image="example.com/app:1.0", args=(), command=None, env=(), env_from=(), mounts=()):
    obj = {
        "name": name,
        "image": image,
        "args": list(args),
        "env": list(env),
        "envFrom": list(env_from),
        "volumeMounts": list(mounts),
    }
    if command is not None:
        obj["command"] = list(command)
    return obj


def cm_volume(name, configmap_name, **extra):
    return {"name": name, "configMap": {"name": configmap_name, **extra}}
