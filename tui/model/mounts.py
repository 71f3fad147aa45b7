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


def _sources(volume: Mapping) -> list[tuple[str, Mapping, bool, int | None]]:
    """(kind, source spec, projected, defaultMode) for each ConfigMap/Secret a volume carries."""
    found = []
    for kind, field_name, name_field in (
        ("ConfigMap", "configMap", "name"),
        ("Secret", "secret", "secretName"),
    ):
        spec = volume.get(field_name)
        if isinstance(spec, dict) and spec.get(name_field):
            found.append((kind, {**spec, "name": spec[name_field]}, False, spec.get("defaultMode")))
    projected = volume.get("projected")
    if isinstance(projected, dict):
        for source in projected.get("sources") or []:
            if not isinstance(source, dict):
                continue
            for kind, field_name in (("ConfigMap", "configMap"), ("Secret", "secret")):
                spec = source.get(field_name)
                if isinstance(spec, dict) and spec.get("name"):
                    found.append((kind, spec, True, projected.get("defaultMode")))
    return found


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
        for kind, spec, projected, mode in _sources(volume):
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
