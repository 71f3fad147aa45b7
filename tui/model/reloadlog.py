"""Reload outcomes read from an app's log lines: JSON (zap), logfmt, or a regular expression."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

OUTCOMES = ("applied", "rejected", "needs-restart")
_LOG_KEYS = {"outcome", "json", "logfmt", "regex", "hash", "file", "message"}
_LOGFMT_PAIR = re.compile(r'([\w.\-]+)=("(?:[^"\\]|\\.)*"|\S*)')


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
    hash_field: str | None = None
    file_field: str | None = None
    message_field: str | None = None

    @property
    def needle(self) -> str | None:
        return self.fields[0][1] if self.fields else None


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
        return _reload_match(rule, record)
    return None


def _reload_match(rule: ReloadRule, record: Mapping) -> ReloadMatch:
    def get(name: str | None) -> str | None:
        value = record.get(name) if name else None
        return None if value is None else str(value)

    fallback = " ".join(f"{k}={v}" for k, v in rule.fields)
    message = get(rule.message_field) or get("msg") or get("message") or fallback
    return ReloadMatch(rule.outcome, get(rule.hash_field), message, get(rule.file_field))


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
