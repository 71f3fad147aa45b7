"""A pod's volumes: what each one holds, where it is mounted under the pod root, and when it syncs."""

from __future__ import annotations

import base64
import os
import shutil

from . import atomicwriter


class MountError(Exception):
    """A volume the kubelet cannot set up yet (FailedMount); the pod waits in ContainerCreating."""


def host_path(root: str, mount_path: str) -> str:
    """Where an in-container path lives under the pod root."""
    return os.path.join(root, mount_path.lstrip("/"))


def _object_data(obj: dict, secret: bool) -> dict[str, bytes]:
    if secret:
        return {k: base64.b64decode(v or "") for k, v in (obj.get("data") or {}).items()}
    data = {k: (v or "").encode() for k, v in (obj.get("data") or {}).items()}
    data.update({k: base64.b64decode(v or "") for k, v in (obj.get("binaryData") or {}).items()})
    return data


def _project(source: dict, kind: str, lookup, volume: str, used: dict) -> dict[str, bytes]:
    """Keys of one ConfigMap or Secret source, honouring items and optional."""
    name = source.get("name", "")
    obj = lookup(kind, name)
    optional = bool(source.get("optional"))
    if obj is None:
        if optional:
            return {}
        raise MountError(f'MountVolume.SetUp failed for volume "{volume}" : {kind} "{name}" not found')
    used[(kind, name)] = bool(obj.get("immutable"))
    data = _object_data(obj, kind == "secret")
    items = source.get("items")
    if not items:
        return data
    payload = {}
    for item in items:
        key = item.get("key", "")
        if key not in data:
            if optional:
                continue
            raise MountError(
                f'MountVolume.SetUp failed for volume "{volume}" : '
                f"configmap references non-existent config key: {key}"
                if kind == "configmap"
                else f'MountVolume.SetUp failed for volume "{volume}" : '
                f"references non-existent secret key: {key}"
            )
        payload[item.get("path") or key] = data[key]
    return payload


def _downward(items: list, pod: dict) -> dict[str, bytes]:
    meta = pod.get("metadata") or {}
    payload = {}
    for item in items or []:
        field = (item.get("fieldRef") or {}).get("fieldPath", "")
        if field == "metadata.labels":
            text = "\n".join(f'{k}="{v}"' for k, v in sorted((meta.get("labels") or {}).items()))
        elif field == "metadata.annotations":
            text = "\n".join(f'{k}="{v}"' for k, v in sorted((meta.get("annotations") or {}).items()))
        elif field.startswith("metadata."):
            text = str(meta.get(field.split(".", 1)[1], ""))
        else:
            continue
        payload[item.get("path", field)] = text.encode()
    return payload


def volume_payload(volume: dict, pod: dict, lookup, used: dict) -> dict[str, bytes] | None:
    """The files of an AtomicWriter volume, or None for a plain directory (emptyDir, hostPath, ...).

    `lookup(kind, name)` returns the ConfigMap/Secret dict or None; `used` collects
    (kind, name) -> immutable for every object the volume read.
    """
    name = volume.get("name", "")
    if "configMap" in volume:
        return _project(volume["configMap"], "configmap", lookup, name, used)
    if "secret" in volume:
        source = dict(volume["secret"])
        source["name"] = source.pop("secretName", "")
        return _project(source, "secret", lookup, name, used)
    if "downwardAPI" in volume:
        return _downward(volume["downwardAPI"].get("items"), pod)
    if "projected" in volume:
        payload: dict[str, bytes] = {}
        for source in volume["projected"].get("sources") or []:
            if "configMap" in source:
                payload.update(_project(source["configMap"], "configmap", lookup, name, used))
            elif "secret" in source:
                payload.update(_project(source["secret"], "secret", lookup, name, used))
            elif "downwardAPI" in source:
                payload.update(_downward(source["downwardAPI"].get("items"), pod))
            elif "serviceAccountToken" in source:
                path = source["serviceAccountToken"].get("path", "token")
                payload[path] = b"kubeknobs-demo-service-account-token"
        return payload
    return None


def _mode(volume: dict) -> int:
    for kind in ("configMap", "secret", "projected", "downwardAPI"):
        if kind in volume and volume[kind].get("defaultMode") is not None:
            return int(volume[kind]["defaultMode"]) & 0o777
    return 0o644


def write_volume_mounts(root: str, pod: dict, lookup, frozen: set[str]) -> bool:
    """(Re)write every whole-volume mount of the pod; True when any content changed.

    A volume whose sources were all immutable when first written joins `frozen` and is
    never re-synced, as the kubelet stops watching immutable objects.
    """
    volumes = {v.get("name"): v for v in (pod.get("spec") or {}).get("volumes") or []}
    changed = False
    for mount_path, volume_name in _mounts(pod, sub_path=False):
        volume = volumes.get(volume_name)
        if volume is None:
            raise MountError(f'volume "{volume_name}" is not declared by the pod')
        target = host_path(root, mount_path)
        if volume_name in frozen and os.path.lexists(os.path.join(target, atomicwriter.DATA_DIR)):
            continue
        sources: dict = {}
        payload = volume_payload(volume, pod, lookup, sources)
        if payload is None:
            os.makedirs(target, exist_ok=True)
            continue
        try:
            changed |= atomicwriter.write(target, payload, _mode(volume))
        except atomicwriter.PayloadError as exc:
            raise MountError(f'MountVolume.SetUp failed for volume "{volume_name}" : {exc}') from None
        if sources and all(sources.values()):
            frozen.add(volume_name)
    return changed


def copy_sub_path_mounts(root: str, pod: dict, container: dict, lookup) -> None:
    """Copy the files of subPath mounts once, at container start: they never change afterwards."""
    volumes = {v.get("name"): v for v in (pod.get("spec") or {}).get("volumes") or []}
    for mount in container.get("volumeMounts") or []:
        sub_path = mount.get("subPath")
        if not sub_path:
            continue
        volume = volumes.get(mount.get("name"))
        if volume is None:
            raise MountError(f'volume "{mount.get("name")}" is not declared by the pod')
        payload = volume_payload(volume, pod, lookup, {})
        target = host_path(root, mount.get("mountPath", ""))
        if payload is None:
            os.makedirs(target, exist_ok=True)
            continue
        if sub_path in payload:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if os.path.isdir(target) and not os.path.islink(target):
                shutil.rmtree(target)
            with open(target, "wb") as handle:
                handle.write(payload[sub_path])
            continue
        prefix = sub_path.rstrip("/") + "/"
        nested = {p[len(prefix) :]: c for p, c in payload.items() if p.startswith(prefix)}
        if not nested:
            os.makedirs(target, exist_ok=True)  # the kubelet creates a missing subPath as a directory
        for path, content in nested.items():
            full = os.path.join(target, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as handle:
                handle.write(content)


def _mounts(pod: dict, *, sub_path: bool) -> list[tuple[str, str]]:
    spec = pod.get("spec") or {}
    seen: dict[str, str] = {}
    for container in (spec.get("initContainers") or []) + (spec.get("containers") or []):
        for mount in container.get("volumeMounts") or []:
            if bool(mount.get("subPath")) == sub_path:
                seen.setdefault(mount.get("mountPath", ""), mount.get("name", ""))
    return list(seen.items())


def referenced_objects(pod: dict) -> set[tuple[str, str]]:
    """(kind, name) of every ConfigMap and Secret the pod reads, by volume or env."""
    refs: set[tuple[str, str]] = set()
    spec = pod.get("spec") or {}
    for volume in spec.get("volumes") or []:
        if "configMap" in volume:
            refs.add(("configmap", volume["configMap"].get("name", "")))
        if "secret" in volume:
            refs.add(("secret", volume["secret"].get("secretName", "")))
        for source in (volume.get("projected") or {}).get("sources") or []:
            if "configMap" in source:
                refs.add(("configmap", source["configMap"].get("name", "")))
            if "secret" in source:
                refs.add(("secret", source["secret"].get("name", "")))
    for container in (spec.get("initContainers") or []) + (spec.get("containers") or []):
        for source in container.get("envFrom") or []:
            if "configMapRef" in source:
                refs.add(("configmap", source["configMapRef"].get("name", "")))
            if "secretRef" in source:
                refs.add(("secret", source["secretRef"].get("name", "")))
        for env in container.get("env") or []:
            value_from = env.get("valueFrom") or {}
            if "configMapKeyRef" in value_from:
                refs.add(("configmap", value_from["configMapKeyRef"].get("name", "")))
            if "secretKeyRef" in value_from:
                refs.add(("secret", value_from["secretKeyRef"].get("name", "")))
    return refs
