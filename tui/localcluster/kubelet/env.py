"""A container's environment, resolved once at start as the kubelet does, and `$(VAR)` expansion."""

from __future__ import annotations

import base64
import re

_ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
_FIELD_LABEL = re.compile(r"^metadata\.(labels|annotations)\['(.+)'\]$")


class ConfigError(Exception):
    """The container cannot be created yet (CreateContainerConfigError); the message says why."""


def expand(text: str, env: dict[str, str]) -> str:
    """Kubernetes `$(VAR)` expansion: `$$` escapes, unknown variables stay as written."""
    out, i = [], 0
    while i < len(text):
        if text.startswith("$$", i):
            out.append("$")
            i += 2
        elif text.startswith("$(", i):
            end = text.find(")", i + 2)
            if end == -1:
                out.append(text[i:])
                break
            name = text[i + 2 : end]
            out.append(env[name] if name in env else text[i : end + 1])
            i = end + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _field(pod: dict, path: str) -> str:
    meta = pod.get("metadata") or {}
    match = _FIELD_LABEL.match(path)
    if match:
        return str((meta.get(match.group(1)) or {}).get(match.group(2), ""))
    simple = {
        "metadata.name": meta.get("name"),
        "metadata.namespace": meta.get("namespace"),
        "metadata.uid": meta.get("uid"),
        "spec.nodeName": (pod.get("spec") or {}).get("nodeName"),
        "spec.serviceAccountName": (pod.get("spec") or {}).get("serviceAccountName", "default"),
        "status.podIP": (pod.get("status") or {}).get("podIP"),
        "status.hostIP": (pod.get("status") or {}).get("hostIP"),
    }
    if path not in simple:
        raise ConfigError(f"unsupported fieldRef fieldPath {path!r}")
    return str(simple[path] or "")


def _data(obj: dict, secret: bool) -> dict[str, str]:
    if secret:
        return {
            k: base64.b64decode(v or "").decode("utf-8", errors="replace")
            for k, v in (obj.get("data") or {}).items()
        }
    return dict(obj.get("data") or {})


def _key_ref(ref: dict, kind: str, namespace: str, lookup) -> str | None:
    name, key, optional = ref.get("name", ""), ref.get("key", ""), bool(ref.get("optional"))
    obj = lookup(kind, name)
    label = "configmap" if kind == "configmap" else "secret"
    if obj is None:
        if optional:
            return None
        raise ConfigError(f'{label} "{name}" not found')
    data = _data(obj, kind == "secret")
    if key not in data:
        if optional:
            return None
        title = "ConfigMap" if kind == "configmap" else "Secret"
        raise ConfigError(f"couldn't find key {key} in {title} {namespace}/{name}")
    return data[key]


def resolve_env(container: dict, pod: dict, lookup) -> dict[str, str]:
    """envFrom (in order, with prefix) then env (literal with expansion, configMap/secret key, fieldRef)."""
    namespace = (pod.get("metadata") or {}).get("namespace", "default")
    env: dict[str, str] = {}
    for source in container.get("envFrom") or []:
        kind, ref = (
            ("configmap", source.get("configMapRef"))
            if "configMapRef" in source
            else ("secret", source.get("secretRef"))
        )
        ref = ref or {}
        obj = lookup(kind, ref.get("name", ""))
        if obj is None:
            if ref.get("optional"):
                continue
            raise ConfigError(
                f'{"configmap" if kind == "configmap" else "secret"} "{ref.get("name", "")}" not found'
            )
        prefix = source.get("prefix", "")
        for key, value in _data(obj, kind == "secret").items():
            if _ENV_NAME.match(prefix + key):
                env[prefix + key] = value
    for item in container.get("env") or []:
        name = item.get("name", "")
        value_from = item.get("valueFrom")
        if not value_from:
            env[name] = expand(str(item.get("value", "")), env)
            continue
        resolved: str | None
        if "configMapKeyRef" in value_from:
            resolved = _key_ref(value_from["configMapKeyRef"], "configmap", namespace, lookup)
        elif "secretKeyRef" in value_from:
            resolved = _key_ref(value_from["secretKeyRef"], "secret", namespace, lookup)
        elif "fieldRef" in value_from:
            resolved = _field(pod, value_from["fieldRef"].get("fieldPath", ""))
        elif "resourceFieldRef" in value_from:
            resolved = "0"
        else:
            resolved = None
        if resolved is not None:
            env[name] = resolved
    return env


def container_argv(container: dict, env: dict[str, str]) -> list[str]:
    """The argv after the entrypoint: command[1:] + args (or args alone), `$(VAR)` expanded."""
    command = [expand(str(c), env) for c in container.get("command") or []]
    args = [expand(str(a), env) for a in container.get("args") or []]
    return command[1:] + args
