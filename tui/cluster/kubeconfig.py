"""Kubeconfig files: where kubectl looks for them, and how it merges them.

Each merged entry keeps the file that defines it, as the official client's KubeConfigMerger does:
relative certificate and plugin paths resolve against that file, not against the first one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from tui.cluster.errors import ConnectError

SECTIONS = ("clusters", "contexts", "users")


class Entry(NamedTuple):
    """One named cluster, context or user, and the kubeconfig file that defines it."""

    body: dict
    file: str

    @property
    def base(self) -> str:
        """The directory relative paths in this entry are relative to."""
        return os.path.dirname(os.path.abspath(self.file))


def kubeconfig_paths(kubeconfig: str | None = None) -> list[str]:
    """The files kubectl would read, in merge order."""
    if kubeconfig:
        return [os.path.expanduser(p) for p in kubeconfig.split(os.pathsep) if p.strip()]
    env = os.environ.get("KUBECONFIG")
    if env:
        return [os.path.expanduser(p) for p in env.split(os.pathsep) if p.strip()]
    return [os.path.expanduser("~/.kube/config")]


def _read(path: str) -> dict:
    import yaml

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConnectError(
            "bad-kubeconfig",
            f"Cannot read kubeconfig {path}",
            exc.strerror or str(exc),
            "Check the file's permissions.",
        ) from exc
    except UnicodeDecodeError as exc:
        raise ConnectError(
            "bad-kubeconfig",
            f"Kubeconfig {path} is not text",
            str(exc),
            "Point --kubeconfig at a kubeconfig YAML file.",
        ) from exc
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConnectError(
            "bad-kubeconfig",
            f"Kubeconfig {path} is not valid YAML{where}",
            str(problem),
            "Fix the file, or point --kubeconfig at another one.",
        ) from exc
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise ConnectError(
            "bad-kubeconfig",
            f"Kubeconfig {path} is not a kubeconfig",
            f"expected a mapping with clusters, contexts and users, found {type(doc).__name__}",
            "Point --kubeconfig at a kubeconfig YAML file.",
        )
    return doc


def _named(doc: dict, section: str, path: str) -> list[tuple[str, dict]]:
    items = doc.get(section) or []
    if not isinstance(items, list):
        raise ConnectError(
            "bad-kubeconfig",
            f"Kubeconfig {path}: `{section}` must be a list",
            "",
            "Fix the file, or point --kubeconfig at another one.",
        )
    out = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise ConnectError(
                "bad-kubeconfig",
                f"Kubeconfig {path}: an entry of `{section}` has no name",
                "",
                "Each entry needs `name:` and a nested mapping.",
            )
        body = item.get(section[:-1])
        out.append((item["name"], body if isinstance(body, dict) else {}))
    return out


def merge_kubeconfigs(paths: list[str]) -> tuple[dict[str, dict[str, Entry]], str | None]:
    """kubectl's merge: the first file to define a name wins, the first current-context wins."""
    merged: dict[str, dict[str, Entry]] = {section: {} for section in SECTIONS}
    current = None
    for path in paths:
        doc = _read(path)
        for section in SECTIONS:
            for name, body in _named(doc, section, path):
                merged[section].setdefault(name, Entry(body, path))
        if current is None and doc.get("current-context"):
            current = str(doc["current-context"])
    return merged, current


def existing(paths: list[str]) -> list[str]:
    return [p for p in paths if Path(p).exists()]
