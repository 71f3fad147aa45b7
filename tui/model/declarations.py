"""Workload annotations under `kubeknobs.io/` that declare what the app does with its files."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from tui.model.profiles import FileRule

PREFIX = "kubeknobs.io/"
PROFILE = PREFIX + "profile"
WATCHED_FILES = PREFIX + "watched-files"
UNWATCHED_FILES = PREFIX + "unwatched-files"
LIVE_KEYS = PREFIX + "live-keys"
RESTART_KEYS = PREFIX + "restart-keys"
ANNOTATIONS = (PROFILE, WATCHED_FILES, UNWATCHED_FILES, LIVE_KEYS, RESTART_KEYS)


@dataclass(frozen=True)
class Declaration:
    """A file rule and who declared it, e.g. "profile coredns" or "annotation kubeknobs.io/watched-files"."""

    rule: FileRule
    origin: str


def _entries(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").replace("\n", ",").split(",") if part.strip()]


def _format_of(name: str) -> str:
    lowered = name.lower()
    if lowered.endswith((".yaml", ".yml")):
        return "yaml"
    if lowered.endswith(".json"):
        return "json"
    return "text"


def _rule(target: str, **kwargs) -> FileRule:
    """A rule about a path (has a `/`) or a ConfigMap key name (has none); globs allowed."""
    if "/" in target:
        return FileRule(path=target, format=_format_of(target), **kwargs)
    return FileRule(key=target, format=_format_of(target), **kwargs)


def annotation_declarations(annotations: Mapping[str, str]) -> tuple[Declaration, ...]:
    relevant = tuple(sorted((k, v) for k, v in annotations.items() if k in ANNOTATIONS and k != PROFILE))
    return _declarations(relevant)


@lru_cache(maxsize=4096)
def _declarations(relevant: tuple[tuple[str, str], ...]) -> tuple[Declaration, ...]:
    values = dict(relevant)
    keyed: dict[str, dict[str, list[str]]] = {}
    for annotation, bucket in ((LIVE_KEYS, "live"), (RESTART_KEYS, "restart")):
        for entry in _entries(values.get(annotation)):
            target, _, key_path = entry.partition("#")
            if target and key_path:
                keyed.setdefault(target.strip(), {"live": [], "restart": []})[bucket].append(key_path.strip())
    declarations: list[Declaration] = []
    for annotation, watched in ((UNWATCHED_FILES, False), (WATCHED_FILES, True)):
        for target in _entries(values.get(annotation)):
            keys = keyed.pop(target, {"live": [], "restart": []}) if watched else {"live": [], "restart": []}
            origin = f"annotation {annotation}"
            if keys["live"] or keys["restart"]:
                origin += f" and {LIVE_KEYS if keys['live'] else RESTART_KEYS}"
            rule = _rule(target, watched=watched, live=tuple(keys["live"]), restart=tuple(keys["restart"]))
            declarations.append(Declaration(rule, origin))
    for target, keys in keyed.items():
        names = " and ".join(a for a, b in ((LIVE_KEYS, "live"), (RESTART_KEYS, "restart")) if keys[b])
        rule = _rule(target, watched=True, live=tuple(keys["live"]), restart=tuple(keys["restart"]))
        declarations.append(Declaration(rule, f"annotation {names}"))
    return tuple(declarations)


def declared_profile(annotations: Mapping[str, str]) -> str | None:
    value = annotations.get(PROFILE)
    return value.strip() if value and value.strip() else None
