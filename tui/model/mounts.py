"""How ConfigMaps and Secrets reach a container's filesystem: volumes, projected volumes, subPath."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass

from tui.model.flags import expand_vars
from tui.model.objects import ClusterObjects, configmap_keys
from tui.model.workload import Container, Workload


@dataclass(frozen=True)
class ConfigMapMount:
    """One ConfigMap or Secret as a container sees it through one volumeMount."""

    volume: str
    kind: str  # ConfigMap | Secret
    source: str
    mount_path: str
    sub_path: str | None = None
    projected: bool = False
    items: tuple[tuple[str, str], ...] | None = None  # key → path inside the volume
    optional: bool = False
    default_mode: int | None = None
    unresolved_sub_path: bool = False  # subPathExpr refers to a variable we cannot resolve

    @property
    def consumed(self) -> str:
        if self.sub_path is not None or self.unresolved_sub_path:
            return "subPath"
        return "projected" if self.projected else "volume"


@dataclass(frozen=True)
class MountedFile:
    mount: ConfigMapMount
    key: str
    path: str  # absolute path inside the container
    inferred_key: bool = False  # key taken from the path because the ConfigMap is unknown

    @property
    def name(self) -> str:
        return f"{self.mount.source}/{self.key}"


def _items(raw) -> tuple[tuple[str, str], ...] | None:
    if not isinstance(raw, list) or not raw:
        return None
    return tuple(
        (str(item.get("key")), str(item.get("path") or item.get("key")))
        for item in raw
        if isinstance(item, dict) and item.get("key")
    )


_VOLUME_SOURCES = (("ConfigMap", "configMap", "name"), ("Secret", "secret", "secretName"))
_PROJECTED_SOURCES = (("ConfigMap", "configMap"), ("Secret", "secret"))
ENV_FROM_REFS = (("ConfigMap", "configMapRef"), ("Secret", "secretRef"))
ENV_KEY_REFS = (("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef"))


def volume_sources(volume: Mapping) -> list[tuple[str, Mapping, bool, int | None, str]]:
    """(kind, source spec with "name", projected, defaultMode, JSON pointer of the name inside the volume)
    for each ConfigMap/Secret a volume carries."""
    found: list[tuple[str, Mapping, bool, int | None, str]] = []
    for kind, field_name, name_field in _VOLUME_SOURCES:
        spec = volume.get(field_name)
        if isinstance(spec, dict) and spec.get(name_field):
            pointer = f"/{field_name}/{name_field}"
            found.append((kind, {**spec, "name": spec[name_field]}, False, spec.get("defaultMode"), pointer))
    projected = volume.get("projected")
    if isinstance(projected, dict):
        for j, source in enumerate(projected.get("sources") or []):
            if not isinstance(source, dict):
                continue
            for kind, field_name in _PROJECTED_SOURCES:
                spec = source.get(field_name)
                if isinstance(spec, dict) and spec.get("name"):
                    pointer = f"/projected/sources/{j}/{field_name}/name"
                    found.append((kind, spec, True, projected.get("defaultMode"), pointer))
    return found


def env_from_ref(source: Mapping) -> tuple[str, Mapping] | None:
    """(kind, ref) of an envFrom entry that names a ConfigMap or Secret."""
    for kind, field_name in ENV_FROM_REFS:
        ref = source.get(field_name)
        if isinstance(ref, dict) and ref.get("name"):
            return kind, ref
    return None


def env_key_ref(value_from: Mapping) -> tuple[str, Mapping] | None:
    """(kind, ref) of an env valueFrom that reads one key of a ConfigMap or Secret."""
    for kind, field_name in ENV_KEY_REFS:
        ref = value_from.get(field_name)
        if isinstance(ref, dict):
            return kind, ref
    return None


def container_mounts(
    workload: Workload, container: Container, env: Mapping[str, str]
) -> list[ConfigMapMount]:
    mounts: list[ConfigMapMount] = []
    for mount in container.volume_mounts:
        volume = workload.volume(str(mount.get("name")))
        if volume is None or not mount.get("mountPath"):
            continue
        sub_path = mount.get("subPath") or None
        unresolved = False
        if not sub_path and mount.get("subPathExpr"):
            sub_path = expand_vars(str(mount["subPathExpr"]), env)
            if "$(" in sub_path:
                sub_path, unresolved = None, True
        for kind, spec, projected, mode, _ in volume_sources(volume):
            mounts.append(
                ConfigMapMount(
                    volume=str(volume.get("name")),
                    kind=kind,
                    source=str(spec["name"]),
                    mount_path=str(mount["mountPath"]),
                    sub_path=str(sub_path) if sub_path else None,
                    projected=projected,
                    items=_items(spec.get("items")),
                    optional=bool(spec.get("optional")),
                    default_mode=mode if isinstance(mode, int) else None,
                    unresolved_sub_path=unresolved,
                )
            )
    return mounts


def mounted_files(
    mount: ConfigMapMount, objects: ClusterObjects, namespace: str, referenced: frozenset[str] = frozenset()
) -> list[MountedFile] | None:
    """The files a mount puts in the container; None when the keys cannot be known.

    `referenced` are paths the container names (flags, env); under a mount of an unknown
    ConfigMap they tell which key the app reads, since a key is its own file name.
    """
    if mount.unresolved_sub_path:
        return None
    obj = (
        objects.configmap(namespace, mount.source)
        if mount.kind == "ConfigMap"
        else objects.secret(namespace, mount.source)
    )
    keys = configmap_keys(obj)
    if mount.items is not None:
        entries = [(key, path) for key, path in mount.items if keys is None or key in keys]
    elif keys is not None:
        entries = [(key, key) for key in keys]
    elif mount.sub_path is not None and "/" not in mount.sub_path:
        return [MountedFile(mount, mount.sub_path, mount.mount_path, inferred_key=True)]
    else:
        base = mount.mount_path.rstrip("/") + "/"
        inferred = sorted(
            p for p in referenced if p.startswith(base) and "/" not in p[len(base) :] and p != base
        )
        return [MountedFile(mount, p[len(base) :], p, inferred_key=True) for p in inferred] or None
    files = []
    for key, path in entries:
        path = posixpath.normpath(path)
        if mount.sub_path is not None:
            sub = mount.sub_path.strip("/")
            if path == sub:
                files.append(MountedFile(mount, key, mount.mount_path))
            elif path.startswith(sub + "/"):
                files.append(MountedFile(mount, key, posixpath.join(mount.mount_path, path[len(sub) + 1 :])))
        else:
            files.append(MountedFile(mount, key, posixpath.join(mount.mount_path, path)))
    return files


@dataclass(frozen=True)
class TemplateUse:
    """One place a pod template consumes a ConfigMap or Secret."""

    kind: str  # ConfigMap | Secret
    name: str
    how: str  # volume | projected | env | envFrom
    pointer: str  # JSON pointer of the name inside the pod spec, e.g. /volumes/0/configMap/name
    containers: tuple[str, ...] = ()  # the containers that mount or read it
    init: bool = False  # only init containers use it
    sub_path: bool = False  # a volume mounted with subPath (a copy made at start) somewhere
    items: tuple[tuple[str, str], ...] | None = None  # volume: key → path; None: every key
    key: str | None = None  # env: the one key read
    prefix: str | None = None  # envFrom: the prefix of the variable names
    optional: bool = False


def _groups(spec: Mapping):
    for group, init in (("initContainers", True), ("containers", False)):
        for c, container in enumerate(spec.get(group) or []):
            if isinstance(container, dict):
                yield f"/{group}/{c}", str(container.get("name") or ""), container, init


def _volume_users(spec: Mapping) -> dict[str, list[tuple[str, bool, bool]]]:
    """volume name → (container, init, subPath) for each volumeMount of it."""
    users: dict[str, list[tuple[str, bool, bool]]] = {}
    for _, name, container, init in _groups(spec):
        for mount in container.get("volumeMounts") or []:
            if isinstance(mount, dict) and mount.get("name"):
                sub = bool(mount.get("subPath") or mount.get("subPathExpr"))
                users.setdefault(str(mount["name"]), []).append((name, init, sub))
    return users


def consumed_configmaps(template: Mapping | None) -> tuple[TemplateUse, ...]:
    """Every ConfigMap and Secret a pod template consumes, and how: its volumes first, then the
    env and envFrom of each init container and container, in the order of the template."""
    spec = (template or {}).get("spec") or {}
    if not isinstance(spec, dict):
        return ()
    users = _volume_users(spec)
    uses: list[TemplateUse] = []
    for i, volume in enumerate(spec.get("volumes") or []):
        if not isinstance(volume, dict):
            continue
        mounted = users.get(str(volume.get("name")), [])
        for kind, source, projected, _, pointer in volume_sources(volume):
            uses.append(
                TemplateUse(
                    kind,
                    str(source["name"]),
                    "projected" if projected else "volume",
                    f"/volumes/{i}{pointer}",
                    tuple(dict.fromkeys(name for name, _, _ in mounted)),
                    bool(mounted) and all(init for _, init, _ in mounted),
                    any(sub for _, _, sub in mounted),
                    _items(source.get("items")),
                    optional=bool(source.get("optional")),
                )
            )
    for base, name, container, init in _groups(spec):
        for e, entry in enumerate(container.get("env") or []):
            value_from = entry.get("valueFrom") if isinstance(entry, dict) else None
            found = env_key_ref(value_from) if isinstance(value_from, dict) else None
            if found and found[1].get("name"):
                kind, ref = found
                field_name = dict(ENV_KEY_REFS)[kind]
                uses.append(
                    TemplateUse(
                        kind,
                        str(ref["name"]),
                        "env",
                        f"{base}/env/{e}/valueFrom/{field_name}/name",
                        (name,),
                        init,
                        key=str(ref.get("key") or "") or None,
                        optional=bool(ref.get("optional")),
                    )
                )
        for e, source in enumerate(container.get("envFrom") or []):
            found = env_from_ref(source) if isinstance(source, dict) else None
            if found:
                kind, ref = found
                uses.append(
                    TemplateUse(
                        kind,
                        str(ref["name"]),
                        "envFrom",
                        f"{base}/envFrom/{e}/{dict(ENV_FROM_REFS)[kind]}/name",
                        (name,),
                        init,
                        prefix=str(source.get("prefix") or "") or None,
                        optional=bool(ref.get("optional")),
                    )
                )
    return tuple(uses)
