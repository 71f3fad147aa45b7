"""Pure text edits behind the actions: validate a value by its format, set one key path, set one flag."""

from __future__ import annotations

import io
import json
import re

from tui.model.content import UniqueKeyLoader, unique_pairs


class EditError(ValueError):
    """The edit cannot be made; the message says why, for the operator."""


def value_format(key: str, text: str | None = None) -> str | None:
    """yaml | json | toml | None (free text), from the key's file extension."""
    lower = key.lower()
    if lower.endswith((".yaml", ".yml")):
        return "yaml"
    if lower.endswith(".json"):
        return "json"
    if lower.endswith(".toml"):
        return "toml"
    return None


def text_problem(name: str, text: str) -> str | None:
    """Why `text` cannot be stored as Kubernetes string data (NUL bytes, bytes that are not UTF-8), or None."""
    if "\x00" in text:
        return f"{name} contains a NUL byte; ConfigMap data must be text"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"{name} is not valid UTF-8 text (at character {exc.start + 1}); ConfigMap data must be UTF-8"
    return None


def kubelet_expansion_problem(value: str) -> str | None:
    """The kubelet replaces $(VAR) in args and env values with the container's env: refuse it in a new value."""
    if re.search(r"(?<!\$)\$\(", value):
        return (
            "contains $(…), which the kubelet replaces with a variable of the container's env; "
            "write $$( for a literal $("
        )
    return None


def validate_format(key: str, text: str) -> str | None:
    """None when `text` parses as the format of `key`, else a message with the line."""
    problem = text_problem(key, text)
    if problem:
        return problem
    fmt = value_format(key)
    if fmt == "yaml":
        import yaml

        try:
            list(yaml.load_all(text, Loader=UniqueKeyLoader))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            return f"{key} is not valid YAML{where}: {getattr(exc, 'problem', None) or exc}"
    elif fmt == "json":
        try:
            json.loads(text, object_pairs_hook=unique_pairs)
        except ValueError as exc:
            return f"{key} is not valid JSON: {exc}"
    elif fmt == "toml":
        import tomllib

        try:
            tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            return f"{key} is not valid TOML: {exc}"
    return None


_SEGMENT = re.compile(r"[^.\[\]]+|\[\d+\]")


def split_key_path(key_path: str) -> list[str | int]:
    parts: list[str | int] = []
    for seg in _SEGMENT.findall(key_path):
        parts.append(int(seg[1:-1]) if seg.startswith("[") else seg)
    if not parts:
        raise EditError(f"empty key path {key_path!r}")
    return parts


def _descend(doc, parts: list[str | int], key_path: str):
    node = doc
    for i, part in enumerate(parts[:-1]):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            missing = ".".join(str(p) for p in parts[: i + 1])
            raise EditError(f"{missing} does not exist in the document (editing {key_path})") from None
    return node


def set_key_path(text: str, key_path: str, value_text: str, *, fmt: str = "yaml") -> str:
    """`text` with the value at `key_path` replaced; comments, order and quoting elsewhere kept."""
    parts = split_key_path(key_path)
    if fmt == "json":
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise EditError(f"the current value is not valid JSON: {exc}") from None
        try:
            new = json.loads(value_text)
        except ValueError:
            new = value_text
        parent = _descend(doc, parts, key_path)
        _assign(parent, parts[-1], new, key_path)
        indent = _json_indent(text)
        return json.dumps(doc, indent=indent, ensure_ascii=False) + ("\n" if text.endswith("\n") else "")
    from ruamel.yaml import YAML, YAMLError

    try:
        yaml = _round_trip_yaml(text)
        doc = yaml.load(text)
    except YAMLError as exc:
        raise EditError(f"the current value is not valid YAML: {exc}") from None
    if doc is None:
        raise EditError("the current value is empty; edit the whole value instead")
    try:
        new = YAML(typ="safe").load(value_text) if value_text.strip() else ""
    except YAMLError:
        new = value_text
    if isinstance(new, dict | list):
        raise EditError(f"{key_path}: give a single value, not a mapping or list")
    parent = _descend(doc, parts, key_path)
    old = parent[parts[-1]] if _has(parent, parts[-1]) else None
    if isinstance(old, dict | list):
        raise EditError(f"{key_path} holds a mapping or list; edit one of its keys instead")
    _assign(parent, parts[-1], new, key_path)
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def _round_trip_yaml(text: str):
    """A ruamel YAML whose indentation reproduces `text` unchanged, so an edit touches only its line."""
    from ruamel.yaml import YAML

    best, best_score = None, -1
    wanted = text.splitlines()
    for mapping, offset in ((2, 2), (2, 0), (4, 2), (4, 0), (4, 4)):
        yaml = YAML()
        yaml.preserve_quotes = True
        yaml.width = 4096
        yaml.indent(mapping=mapping, sequence=offset + 2, offset=offset)
        out = io.StringIO()
        yaml.dump(yaml.load(text), out)
        got = out.getvalue().splitlines()
        score = sum(a == b for a, b in zip(wanted, got, strict=False)) - abs(len(wanted) - len(got))
        if got == wanted:
            return yaml
        if score > best_score:
            best, best_score = yaml, score
    return best


def _has(parent, key) -> bool:
    try:
        parent[key]
        return True
    except (KeyError, IndexError, TypeError):
        return False


def _assign(parent, key, value, key_path: str) -> None:
    if isinstance(parent, dict) and key not in parent:  # a typo would add a key the app never reads
        raise EditError(f"{key_path} does not exist in the document; only existing keys can be set")
    fits_map = isinstance(parent, dict) and isinstance(key, str)
    fits_list = isinstance(parent, list) and isinstance(key, int) and key < len(parent)
    if fits_map or fits_list:
        parent[key] = value
    else:
        raise EditError(f"cannot set {key_path}: its parent is not a mapping")


def _json_indent(text: str) -> int | None:
    m = re.search(r"\n( +)\S", text)
    return len(m.group(1)) if m else None


def replace_flag(tokens: list[str], name: str, value: str) -> tuple[list[str], bool]:
    """Tokens with flag `name` set to `value` (`--name=v` or `--name v` kept in its form); found?"""
    bare = name.lstrip("-")
    out = list(tokens)
    for i, tok in enumerate(out):
        if not tok.startswith("-"):
            continue
        dashes = tok[: len(tok) - len(tok.lstrip("-"))]
        body = tok[len(dashes) :]
        if body.startswith(bare + "="):
            out[i] = f"{dashes}{bare}={value}"
            return out, True
        if body == bare:
            if i + 1 < len(out) and not out[i + 1].startswith("-"):
                out[i + 1] = value
            else:
                out[i] = f"{dashes}{bare}={value}"
            return out, True
    return out, False
