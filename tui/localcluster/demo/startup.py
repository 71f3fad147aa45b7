"""What a demo program reads once at start: flags (Go `flag` syntax), paths, durations."""

from __future__ import annotations

import os

from tui.model.durations import parse_go_duration


class StartupError(Exception):
    """A setting the program refuses to start with; the message is the one line it logs."""


def positive_duration(text: str) -> float:
    """A Go duration that must be greater than zero."""
    seconds = parse_go_duration(text)
    if seconds <= 0:
        raise ValueError(f"must be greater than 0, got {text}")
    return seconds


class FlagSet:
    """Go `flag` parsing: -name=value, --name=value, -name value; bool flags take no value."""

    def __init__(self):
        self._defaults: dict[str, str] = {}
        self._bools: set[str] = set()

    def add(self, name: str, default: str = "") -> None:
        self._defaults[name] = default

    def add_bool(self, name: str, default: bool = False) -> None:
        self._defaults[name] = "true" if default else "false"
        self._bools.add(name)

    def parse(self, argv: list[str]) -> dict[str, str]:
        values = dict(self._defaults)
        i = 0
        while i < len(argv):
            arg = argv[i]
            if arg == "--":
                break
            if not arg.startswith("-") or arg == "-":
                i += 1
                continue
            name, has_value, value = arg.lstrip("-").partition("=")
            if name not in self._defaults:
                raise StartupError(f"flag provided but not defined: -{name}")
            if not has_value:
                if name in self._bools:
                    value = "true"
                elif i + 1 < len(argv):
                    i += 1
                    value = argv[i]
                else:
                    raise StartupError(f"flag needs an argument: -{name}")
            values[name] = value
            i += 1
        return values


def pod_path(path: str) -> str:
    """Where an in-container absolute path lives on this machine (under KUBEKNOBS_POD_ROOT)."""
    root = os.environ.get("KUBEKNOBS_POD_ROOT", "")
    if root and os.path.isabs(path):
        return os.path.join(root, path.lstrip("/"))
    return path


def read_text(path: str) -> str:
    with open(pod_path(path), encoding="utf-8") as handle:
        return handle.read()


def load_yaml(text: str) -> dict:
    """A YAML mapping, or ValueError saying why not."""
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"invalid YAML: {' '.join(str(exc).split())}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError("invalid configuration: the document must be a mapping")
    return data


def lookup(data: dict, dotted: str, default=None):
    node = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return node


def sha256_hex(data: bytes) -> str:
    """SHA-256 without loading OpenSSL (hashlib costs each demo process ~3 MB of RSS)."""
    try:
        from _sha256 import sha256
    except ImportError:
        try:
            from _sha2 import sha256
        except ImportError:
            from hashlib import sha256
    return sha256(data).hexdigest()


def sha512_hex(data: bytes) -> str:
    try:
        from _sha512 import sha512
    except ImportError:
        try:
            from _sha2 import sha512
        except ImportError:
            from hashlib import sha512
    return sha512(data).hexdigest()
