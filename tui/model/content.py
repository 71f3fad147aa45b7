"""Key paths of structured (YAML/JSON) file content, parsed once per distinct content."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

import yaml

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader

MAX_KEY_PATHS = 500


@dataclass(frozen=True)
class KeyPaths:
    leaves: tuple[tuple[str, str], ...]  # (dotted path, value as text)
    error: str | None = None
    truncated: bool = False


def scalar_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"), default=str, ensure_ascii=False)
    return str(value)


def _flatten(node, prefix: str, out: list[tuple[str, str]]) -> None:
    for raw_key, value in node.items():
        path = f"{prefix}.{raw_key}" if prefix else str(raw_key)
        if isinstance(value, dict) and value:
            _flatten(value, path, out)
        else:
            out.append((path, scalar_text(value)))


@lru_cache(maxsize=4096)
def key_paths(fmt: str, content: str) -> KeyPaths:
    """Leaf key paths of `content`; the cache makes 10,000 workloads sharing a ConfigMap parse it once."""
    try:
        parsed = json.loads(content) if fmt == "json" else yaml.load(content, Loader=_Loader)
    except (ValueError, yaml.YAMLError) as error:
        first = " ".join(str(error).split())[:160]
        return KeyPaths((), f"not valid {fmt.upper()}: {first}")
    if parsed is None:
        return KeyPaths(())
    if not isinstance(parsed, dict):
        return KeyPaths((), f"the top level of the {fmt.upper()} is not a mapping")
    leaves: list[tuple[str, str]] = []
    _flatten(parsed, "", leaves)
    if len(leaves) > MAX_KEY_PATHS:
        return KeyPaths(tuple(leaves[:MAX_KEY_PATHS]), None, truncated=True)
    return KeyPaths(tuple(leaves))
