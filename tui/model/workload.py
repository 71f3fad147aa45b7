"""Controllers (Deployment, StatefulSet, DaemonSet) read from the JSON the API returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet")


class WorkloadError(ValueError):
    """A workload object that cannot be read; the message names it and the missing field."""


@dataclass(frozen=True)
class Container:
    name: str
    image: str
    command: tuple[str, ...]
    args: tuple[str, ...]
    env: tuple[dict, ...]
    env_from: tuple[dict, ...]
    volume_mounts: tuple[dict, ...]
    init: bool = False

    @property
    def image_repository(self) -> str:
        return split_image(self.image)[0]

    @property
    def image_tag(self) -> str | None:
        return split_image(self.image)[1]


def split_image(image: str) -> tuple[str, str | None]:
    """`registry/org/name:tag@digest` → (`registry/org/name`, `tag`)."""
    ref = image.split("@", 1)[0]
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    if colon > slash:
        return ref[:colon], ref[colon + 1 :]
    return ref, None


@dataclass(frozen=True)
class Workload:
    kind: str
    namespace: str
    name: str
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    template_annotations: Mapping[str, str]
    replicas: int | None
    containers: tuple[Container, ...]
    init_containers: tuple[Container, ...]
    volumes: tuple[dict, ...]
    selector: Mapping[str, str]
    template_labels: Mapping[str, str] = field(default_factory=dict)
    update_strategy: str = "RollingUpdate"  # OnDelete: a template change waits for pods to be deleted
    paused: bool = False
    shared_pids: bool = False  # shareProcessNamespace: PID 1 of every container is the pod's pause process

    @property
    def ref(self) -> str:
        return f"{self.kind}/{self.name}"

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.namespace, self.name)

    @property
    def all_containers(self) -> tuple[Container, ...]:
        return self.init_containers + self.containers

    def volume(self, name: str) -> dict | None:
        for volume in self.volumes:
            if volume.get("name") == name:
                return volume
        return None

    def pods_phrase(self) -> str:
        """How many pods a restart touches, in words: "2 pods", "1 pod", "one pod per node"."""
        if self.kind == "DaemonSet" or self.replicas is None:
            return "one pod per node"
        return "1 pod" if self.replicas == 1 else f"{self.replicas} pods"

    @classmethod
    def from_api(cls, obj: Mapping) -> Workload:
        if not isinstance(obj, dict):
            raise WorkloadError("not a Kubernetes object (expected a mapping)")
        kind = obj.get("kind")
        metadata = _mapping(obj.get("metadata"), f"{kind}: metadata")
        name = metadata.get("name")
        if kind not in WORKLOAD_KINDS:
            raise WorkloadError(f"{kind}/{name}: not a Deployment, StatefulSet or DaemonSet")
        if not name or not isinstance(name, str):
            raise WorkloadError(f"{kind}: metadata.name is missing")
        ref = f"{kind}/{name}"
        spec = _mapping(obj.get("spec"), f"{ref}: spec", required=True)
        template = _mapping(spec.get("template"), f"{ref}: spec.template", required=True)
        pod_meta = _mapping(template.get("metadata"), f"{ref}: spec.template.metadata")
        pod_spec = _mapping(template.get("spec"), f"{ref}: spec.template.spec", required=True)
        raw_containers = pod_spec.get("containers")
        if not raw_containers:
            raise WorkloadError(f"{ref}: spec.template.spec.containers is missing")
        if not isinstance(raw_containers, list):
            raise WorkloadError(f"{ref}: spec.template.spec.containers is not a list")
        containers = tuple(_container(c, ref, "containers", False) for c in raw_containers)
        raw_init = pod_spec.get("initContainers") or []
        if not isinstance(raw_init, list):
            raise WorkloadError(f"{ref}: spec.template.spec.initContainers is not a list")
        init_containers = tuple(_container(c, ref, "initContainers", True) for c in raw_init)
        volumes = pod_spec.get("volumes") or []
        if not isinstance(volumes, list) or not all(isinstance(v, dict) for v in volumes):
            raise WorkloadError(f"{ref}: spec.template.spec.volumes is not a list of volumes")
        replicas = None
        if kind != "DaemonSet":
            raw_replicas = spec.get("replicas", 1)
            replicas = raw_replicas if isinstance(raw_replicas, int) else 1
        selector = _mapping(spec.get("selector"), f"{ref}: spec.selector").get("matchLabels") or {}
        strategy = spec.get("updateStrategy") if kind != "Deployment" else spec.get("strategy")
        strategy_type = strategy.get("type") if isinstance(strategy, dict) else None
        return cls(
            kind=kind,
            namespace=metadata.get("namespace") or "default",
            name=name,
            labels=_str_map(metadata.get("labels")),
            annotations=_str_map(metadata.get("annotations")),
            template_annotations=_str_map(pod_meta.get("annotations")),
            replicas=replicas,
            containers=containers,
            init_containers=init_containers,
            volumes=tuple(volumes),
            selector=_str_map(selector),
            template_labels=_str_map(pod_meta.get("labels")),
            update_strategy=str(strategy_type or "RollingUpdate"),
            paused=spec.get("paused") is True,
            shared_pids=pod_spec.get("shareProcessNamespace") is True,
        )


def _mapping(value, where: str, *, required: bool = False) -> Mapping:
    if value is None:
        if required:
            raise WorkloadError(f"{where} is missing")
        return {}
    if not isinstance(value, dict):
        raise WorkloadError(f"{where} is not a mapping")
    return value


def _str_map(value) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): "" if v is None else str(v) for k, v in value.items()}


def _str_list(value, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise WorkloadError(f"{where} is not a list")
    return tuple("" if item is None else str(item) for item in value)


def _dict_list(value, where: str) -> tuple[dict, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise WorkloadError(f"{where} is not a list of mappings")
    return tuple(value)


def _container(raw, ref: str, where_list: str, init: bool) -> Container:
    if not isinstance(raw, dict):
        raise WorkloadError(f"{ref}: spec.template.spec.{where_list} has an entry that is not a mapping")
    name = raw.get("name")
    if not name or not isinstance(name, str):
        raise WorkloadError(f"{ref}: spec.template.spec.{where_list} has a container without a name")
    where = f"{ref}: container {name}"
    image = raw.get("image")
    if not image or not isinstance(image, str):
        raise WorkloadError(f"{where}: image is missing")
    return Container(
        name=name,
        image=image,
        command=_str_list(raw.get("command"), f"{where}: command"),
        args=_str_list(raw.get("args"), f"{where}: args"),
        env=_dict_list(raw.get("env"), f"{where}: env"),
        env_from=_dict_list(raw.get("envFrom"), f"{where}: envFrom"),
        volume_mounts=_dict_list(raw.get("volumeMounts"), f"{where}: volumeMounts"),
        init=init,
    )
