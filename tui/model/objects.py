"""The ConfigMaps and Secrets classification may look up. Secret values never enter."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum

# Annotations and fields that can carry a copy of the Secret's data.
_VALUE_CARRIERS = ("kubectl.kubernetes.io/last-applied-configuration",)


def secret_without_values(obj: Mapping) -> dict:
    """A Secret reduced to its metadata, type, immutability and key names."""
    keys = sorted({*(obj.get("data") or {}), *(obj.get("stringData") or {})})
    metadata = {k: v for k, v in (obj.get("metadata") or {}).items() if k != "managedFields"}
    annotations = metadata.get("annotations")
    if isinstance(annotations, Mapping):
        metadata["annotations"] = {k: v for k, v in annotations.items() if k not in _VALUE_CARRIERS}
    return {
        "apiVersion": obj.get("apiVersion", "v1"),
        "kind": "Secret",
        "metadata": metadata,
        "type": obj.get("type"),
        "immutable": bool(obj.get("immutable")),
        "keys": keys,
    }


class SecretsRead(StrEnum):
    """Whether the Secrets given are all there are, and if not, why they were not read."""

    LISTED = "listed"  # every Secret is here (the files `explain` reads): one not here is not known
    NOT_LISTED = "not listed"  # nobody asked for them: one not here may well exist
    FORBIDDEN = "forbidden"  # RBAC forbids listing them


class ClusterObjects:
    def __init__(self, objects: Iterable[Mapping] = ()) -> None:
        self._configmaps: dict[tuple[str, str], dict] = {}
        self._secrets: dict[tuple[str, str], dict] = {}
        self._secrets_read: dict[str | None, SecretsRead] = {None: SecretsRead.LISTED}
        for obj in objects:
            self.add(obj)

    def set_secrets_read(self, how: SecretsRead, namespace: str | None = None) -> None:
        """How the Secrets of `namespace` were read; None: of every namespace not named."""
        self._secrets_read[namespace] = how

    def secrets_read(self, namespace: str) -> SecretsRead:
        return self._secrets_read.get(namespace, self._secrets_read[None])

    def absent(self, kind: str, namespace: str, name: str) -> str:
        """Why a ConfigMap or Secret the workload names is not among the objects, in the operator's words."""
        how = self.secrets_read(namespace) if kind == "Secret" else SecretsRead.LISTED
        if how == SecretsRead.FORBIDDEN:
            return f"Secret {name} is not readable here: RBAC forbids listing Secrets in {namespace}"
        if how == SecretsRead.NOT_LISTED:
            return f"Secret {name} was not listed: kubeknobs does not read Secrets, so it may well exist"
        return f"{kind} {name} is not known here"

    @staticmethod
    def _key(obj: Mapping) -> tuple[str, str] | None:
        metadata = obj.get("metadata") or {}
        name = metadata.get("name")
        if not isinstance(name, str) or not name:
            return None
        return (metadata.get("namespace") or "default", name)

    def add(self, obj: Mapping) -> None:
        kind = obj.get("kind")
        key = self._key(obj)
        if key is None:
            return
        if kind == "ConfigMap":
            self._configmaps[key] = dict(obj)
        elif kind == "Secret":
            self._secrets[key] = secret_without_values(obj)

    def remove(self, kind: str, namespace: str, name: str) -> None:
        store = self._configmaps if kind == "ConfigMap" else self._secrets
        store.pop((namespace, name), None)

    def configmap(self, namespace: str, name: str) -> dict | None:
        return self._configmaps.get((namespace, name))

    def secret(self, namespace: str, name: str) -> dict | None:
        return self._secrets.get((namespace, name))

    def configmaps(self) -> list[dict]:
        return list(self._configmaps.values())

    def secrets(self) -> list[dict]:
        return list(self._secrets.values())

    def __len__(self) -> int:
        return len(self._configmaps) + len(self._secrets)


def configmap_keys(obj: Mapping | None) -> list[str] | None:
    """Key names of a ConfigMap (data and binaryData) or a reduced Secret; None when unknown."""
    if obj is None:
        return None
    if obj.get("kind") == "Secret":
        return list(obj.get("keys") or [])
    return sorted({*(obj.get("data") or {}), *(obj.get("binaryData") or {})})


def configmap_value(obj: Mapping | None, key: str) -> str | None:
    if obj is None or obj.get("kind") == "Secret":
        return None
    value = (obj.get("data") or {}).get(key)
    return None if value is None else str(value)


def is_immutable(obj: Mapping | None) -> bool:
    return bool(obj and obj.get("immutable") is True)
