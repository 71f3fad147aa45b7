"""Reload outcomes read from an app's log lines: JSON (zap), logfmt, or a regular expression."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from tui.model.content import key_paths
from tui.model.events import OUTCOMES

Fields = str | tuple[str, ...] | None  # one field, or the first of several that is present
_LOG_KEYS = {"outcome", "json", "logfmt", "regex", "hash", "file", "message"}
_LOGFMT_PAIR = re.compile(r'([\w.\-]+)=("(?:[^"\\]|\\.)*"|\S*)')


# Apps log their reload line at info: a logger level above it hides the line (zap, logrus, slog names).
LEVELS_ABOVE_INFO = ("WARN", "WARNING", "ERROR", "FATAL", "DPANIC", "PANIC", "CRITICAL")
LEVEL_KEYS = ("level", "loglevel", "log_level")


def hidden_reload_line(old_text: str | None, new_text: str | None, fmt: str = "yaml") -> str:
    """Why the change hides its own proof: it raises the logger level above the info-level reload line."""
    old, new = key_paths(fmt, old_text or ""), key_paths(fmt, new_text or "")
    if new.error:
        return ""
    before, after = dict(old.leaves), dict(new.leaves)
    for path in sorted(after):
        value = after[path]
        if path.rsplit(".", 1)[-1].lower() not in LEVEL_KEYS or before.get(path) == value:
            continue
        if value.upper() in LEVELS_ABOVE_INFO:
            return f"{path} is now {value}, so the app no longer logs its info-level reload line"
    return ""


class ProfileError(ValueError):
    """A profile file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class ReloadMatch:
    outcome: str
    hash: str | None
    message: str
    file: str | None


@dataclass(frozen=True)
class ReloadRule:
    outcome: str
    kind: str  # json | logfmt | regex
    fields: tuple[tuple[str, str], ...] = ()
    regex: re.Pattern | None = None
    hash_field: Fields = None
    file_field: Fields = None
    message_field: Fields = None
    contains: tuple[
        tuple[tuple[str, ...], str], ...
    ] = ()  # (fields, text the first present one contains, any case)
    requires: str | None = None  # text the line must contain
    line_message: bool = False  # without a message field, the whole line is the message

    @property
    def needle(self) -> str | None:
        return self.requires or (self.fields[0][1] if self.fields else None)

    def wants(self, record: Mapping) -> bool:
        """Do the JSON or logfmt fields of a line carry what this rule contains?"""
        return all(text in str(_first(record, names) or "").lower() for names, text in self.contains)


class _ParsedLine:
    """One log line, parsed as JSON or logfmt at most once whatever the number of rules."""

    __slots__ = ("line", "_json", "_logfmt", "_prefix")

    def __init__(self, line: str) -> None:
        self.line = line
        self._json: dict | None | bool = False
        self._logfmt: dict | None = None
        self._prefix = ""

    def json(self) -> tuple[dict | None, str]:
        if self._json is False:
            self._json = None
            start = self.line.find("{")
            if start != -1:
                try:
                    parsed = json.loads(self.line[start:])
                except ValueError:
                    parsed = None
                if isinstance(parsed, dict):
                    self._json = parsed
                    self._prefix = self.line[:start]
        return self._json, self._prefix  # type: ignore[return-value]

    def logfmt(self) -> dict:
        if self._logfmt is None:
            pairs = {}
            for key, value in _LOGFMT_PAIR.findall(self.line):
                if value.startswith('"') and value.endswith('"') and len(value) >= 2:
                    value = value[1:-1].replace('\\"', '"')
                pairs[key] = value
            self._logfmt = pairs
        return self._logfmt


def match_reload(rules: Sequence[ReloadRule], line: str) -> ReloadMatch | None:
    parsed: _ParsedLine | None = None
    for rule in rules:
        needle = rule.needle
        if needle is not None and needle not in line:
            continue
        if rule.kind == "regex":
            found = rule.regex.search(line) if rule.regex else None
            if found:
                groups = found.groupdict()
                return ReloadMatch(
                    rule.outcome,
                    groups.get("hash"),
                    groups.get("message") or found.group(0).strip(),
                    groups.get("file"),
                )
            continue
        parsed = parsed or _ParsedLine(line)
        if rule.kind == "json":
            record, prefix = parsed.json()
            if record is None:
                continue
            if not all(
                str(record[k]) == v if k in record else (k == "msg" and v in prefix) for k, v in rule.fields
            ):
                continue
        else:
            record = parsed.logfmt()
            if not all(record.get(k) == v for k, v in rule.fields):
                continue
        if not rule.wants(record):
            continue
        return _reload_match(rule, record, line)
    return None


def _first(record: Mapping, names: Fields):
    for name in (names,) if isinstance(names, str) else names or ():
        value = record.get(name)
        if value is not None and value != "":
            return value
    return None


def _reload_match(rule: ReloadRule, record: Mapping, line: str) -> ReloadMatch:
    def get(names: Fields) -> str | None:
        value = _first(record, names)
        return None if value is None else str(value)

    fallback = " ".join(f"{k}={v}" for k, v in rule.fields)
    message = get(rule.message_field) or (line.strip() if rule.line_message else None)
    message = message or get("msg") or get("message") or fallback
    return ReloadMatch(rule.outcome, get(rule.hash_field), message, get(rule.file_field))


def _family() -> tuple[ReloadRule, ...]:
    """The reload lines of the FileWatcher family (JSON, key=value, plain text), for apps no profile describes."""
    msg = ("msg", "message")
    json_rule = partial(ReloadRule, kind="json", file_field="path")
    rules = [
        json_rule("applied", contains=((msg, text),), hash_field="hash")
        for text in ("reloaded successfully", "hot-reloaded")
    ]
    rules += [
        json_rule("rejected", contains=((msg, text),), hash_field=("newHash", "hash"), message_field="error")
        for text in ("rejected new content", "keeping previous")
    ]
    logfmt = partial(
        ReloadRule, kind="logfmt", requires="reload", hash_field="hash", file_field=("path", "file")
    )
    rules += [
        logfmt("applied", fields=(("status", status),), line_message=True)
        for status in ("success", "applied")
    ]
    for status in ("rejected", "failed", "error"):
        rules += [
            logfmt(
                "needs-restart",
                fields=(("status", status),),
                contains=((("reason",), "restart"),),
                message_field="reason",
                line_message=True,
            ),
            logfmt("rejected", fields=(("status", status),), message_field="reason", line_message=True),
        ]
    not_json = r"^(?!\s*\{)\s*"  # a JSON line is decided by the JSON rules alone
    rules += [
        ReloadRule(
            "applied",
            kind="regex",
            regex=re.compile(
                not_json + r"(?P<message>(?=.*(?:Config reloaded|reloaded successfully))"
                r"(?:.*?hash=(?P<hash>[0-9a-fA-F]{6,64}))?.*?)\s*$"
            ),
        ),
        ReloadRule(
            "rejected",
            kind="regex",
            regex=re.compile(not_json + r"(?P<message>.*keeping previous.*?)\s*$", re.IGNORECASE),
        ),
    ]
    return tuple(rules)


FILE_WATCHER_RULES = _family()


def match_reload_line(line: str, rules: Sequence[ReloadRule] = ()) -> ReloadMatch | None:
    """A reload outcome in a log line: the app profile's rules first, then the FileWatcher family's."""
    return (
        match_reload(rules, line)
        if rules and match_reload(rules, line)
        else match_reload(FILE_WATCHER_RULES, line)
    )


def parse_reload_rule(entry, where: str) -> ReloadRule:
    if not isinstance(entry, Mapping):
        raise ProfileError(f"{where} must be a mapping")
    unknown = set(entry) - _LOG_KEYS
    if unknown:
        raise ProfileError(f"{where}: unknown field(s): {', '.join(sorted(map(str, unknown)))}")
    outcome = entry.get("outcome")
    if outcome not in OUTCOMES:
        raise ProfileError(f"{where}: outcome must be one of {', '.join(OUTCOMES)}")
    kinds = [kind for kind in ("json", "logfmt", "regex") if kind in entry]
    if len(kinds) != 1:
        raise ProfileError(f"{where}: give exactly one of json, logfmt or regex")
    kind = kinds[0]
    fields: tuple[tuple[str, str], ...] = ()
    regex = None
    if kind == "regex":
        try:
            regex = re.compile(str(entry["regex"]))
        except re.error as error:
            raise ProfileError(f"{where}: regex is not a valid regular expression: {error}") from None
    else:
        spec = entry[kind]
        if not isinstance(spec, Mapping) or not spec:
            raise ProfileError(f"{where}: {kind} must be a mapping of field to expected value")
        fields = tuple((str(k), str(v)) for k, v in spec.items())
    return ReloadRule(
        outcome=outcome,
        kind=kind,
        fields=fields,
        regex=regex,
        hash_field=entry.get("hash"),
        file_field=entry.get("file"),
        message_field=entry.get("message"),
    )
