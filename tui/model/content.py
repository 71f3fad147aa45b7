"""Key paths of structured (YAML/JSON) file content, parsed once per distinct content."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:  # the two loaders construct alike; a type checker cannot follow a base chosen at run time
    _Loader = yaml.SafeLoader
else:  # SafeLoader when PyYAML is built without libyaml
    _Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class UniqueKeyLoader(_Loader):
    """The safe loader, refusing a mapping that repeats a key, as Go's yaml.v3 and kubectl do."""


def _unique_mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":  # `<<: *anchor` merges, it is not a key
            continue
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, list | dict) and key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        if not isinstance(key, list | dict):
            seen.add(key)
    return loader.construct_mapping(node, deep=deep)


def _plain_string(loader, node: yaml.Node) -> str:
    return loader.construct_yaml_str(node)


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)
# YAML 1.1 resolves a bare `=` to the "value" type, which the safe loader cannot build; kubectl reads "=".
UniqueKeyLoader.add_constructor("tag:yaml.org,2002:value", _plain_string)


def unique_pairs(pairs: list[tuple]) -> dict:
    """json.loads object_pairs_hook refusing a repeated key."""
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


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
        parsed = (
            json.loads(content, object_pairs_hook=unique_pairs)
            if fmt == "json"
            else yaml.load(content, Loader=UniqueKeyLoader)
        )
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
