"""Reload events: log lines → outcomes, matched to the ConfigMap version that caused them.

When a ConfigMap changes, the SHA-256 of each changed key's new content is recorded
and every pod that watches the file is expected to log it. A reload line carrying
that hash (full, or the prefix the app logs) resolves the expectation and gives the
propagation delay; silence past the window (the kubelet's sync delay + margin, plus what the
setting's mechanism adds, e.g. a poll period) turns it stale.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tui.model.content import key_paths
from tui.model.events import ConfigMapChanged, ReloadEvent, ReloadPending, ReloadStale, ReloadSuperseded

MIN_PREFIX = 6
QUIET_LEVELS = ("WARN", "WARNING", "ERROR", "FATAL", "DPANIC", "PANIC", "CRITICAL")


def sha256_text(value: str | bytes) -> str:
    return hashlib.sha256(value.encode("utf-8") if isinstance(value, str) else value).hexdigest()


def key_contents(cm: dict | None) -> dict[str, bytes]:
    cm = cm or {}
    out = {k: (v or "").encode("utf-8") for k, v in (cm.get("data") or {}).items()}
    for k, v in (cm.get("binaryData") or {}).items():
        try:
            out[k] = base64.b64decode(v or "")
        except ValueError:
            out[k] = (v or "").encode()
    return out


def changed_keys(old: dict | None, new: dict | None) -> dict[str, str]:
    """key → SHA-256 of its new content ("" for a removed key), for keys whose content changed."""
    before, after = key_contents(old), key_contents(new)
    changes = {k: sha256_text(v) for k, v in after.items() if before.get(k) != v}
    changes.update({k: "" for k in before if k not in after})
    return changes


def _leaves(text: str | None) -> dict[str, str] | None:
    """Dotted key path → value as text of a YAML/JSON document; None if it won't parse or is too big."""
    parsed = key_paths("yaml", text or "")
    return None if parsed.error or parsed.truncated else dict(parsed.leaves)


def changed_paths(old_text: str | None, new_text: str | None) -> set[str] | None:
    """Dotted key paths whose value differs between two YAML/JSON documents; None if either won't parse."""
    a, b = _leaves(old_text), _leaves(new_text)
    if a is None or b is None:
        return None
    return {p for p in a.keys() | b.keys() if a.get(p) != b.get(p)}


def quiet_reason(new_text: str | None, changed: set[str] | tuple[str, ...]) -> str:
    """Why a reload line may never come: the change itself raises the log level above the line's info level."""
    levels = [p for p in changed if p.rsplit(".", 1)[-1].lower() in ("level", "loglevel", "log_level")]
    if not levels:
        return ""
    flat = _leaves(new_text) or {}
    for path in sorted(levels):
        value = flat.get(path)
        if value is not None and value.upper() in QUIET_LEVELS:
            return (
                f"{path} is now {value}, so the app no longer logs its info-level reload line; "
                "the reload cannot be confirmed from logs"
            )
    return ""


def path_covers(setting_path: str, changed: str) -> bool:
    return (
        changed == setting_path
        or changed.startswith(setting_path + ".")
        or setting_path.startswith(changed + ".")
    )


@dataclass(frozen=True)
class ReloadTarget:
    """A pod expected to reload one key of a changed ConfigMap."""

    workload: tuple[str, str, str]
    pod: str
    key: str
    restart_only: tuple[str, ...] = ()  # key paths of that file read only at start
    changed: tuple[str, ...] = ()  # key paths the change touched (empty: unknown)
    files: tuple[str, ...] = ()  # where the key is mounted in the pod (empty: unknown)
    quiet: str = ""  # why the app may log no reload line for this change (empty: it will)
    after_sync: float = 0.0  # seconds the app may take after the kubelet's sync (a poll period)

    def about(self, file: str | None) -> bool:
        """Could a reload line naming `file` be about this key?"""
        if not file or not self.files:
            return True
        return any(
            file == f or file.rstrip("/").endswith("/" + self.key) or f.startswith(file.rstrip("/") + "/")
            for f in self.files
        )


@dataclass
class Expectation:
    namespace: str
    target: ReloadTarget
    configmap: str
    hash: str
    version: str
    since: datetime
    stale_at: datetime
    stale: bool = False
    resolved: bool = False
    superseded_by: str | None = None  # a newer version of the same key; this one still matches its own hash


@dataclass
class ReloadCorrelator:
    """Thread-safe bookkeeping of what each pod should report and what it did."""

    window: float = 90.0  # the kubelet's sync delay + margin; each target adds its mechanism's share
    expectations: list[Expectation] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def config_changed(
        self,
        namespace: str,
        name: str,
        version: str,
        changes: dict[str, str],
        targets: list[ReloadTarget],
        *,
        at: datetime | None = None,
        workload: tuple | None = None,
    ) -> list:
        at = at or datetime.now(UTC)
        events: list = [
            ConfigMapChanged(
                namespace=namespace,
                workload=workload,
                time=at,
                name=name,
                changed_keys=dict(changes),
                resource_version=version,
            )
        ]
        with self._lock:
            for t in targets:
                digest = changes.get(t.key)
                if not digest:
                    continue
                # an older version may still be logged (or skipped by the kubelet): it stays matchable, never stale
                for old in self.expectations:
                    if (
                        (old.namespace, old.configmap, old.target.pod, old.target.key)
                        == (namespace, name, t.pod, t.key)
                        and not old.resolved
                        and old.superseded_by is None
                    ):
                        old.superseded_by = version
                stale_at = at + timedelta(seconds=self.window + t.after_sync)
                exp = Expectation(namespace, t, name, digest, version, at, stale_at)
                self.expectations.append(exp)
                events.append(
                    ReloadPending(
                        namespace=namespace,
                        workload=t.workload,
                        time=at,
                        pod=t.pod,
                        configmap=name,
                        key=t.key,
                        since=at,
                        hash=digest,
                    )
                )
        return events

    def reload_seen(
        self, namespace: str, workload, pod: str, container: str, match, *, at: datetime | None = None
    ) -> list:
        at = at or datetime.now(UTC)
        digest = (match.hash or "").lower()
        with self._lock:
            open_ = [
                e
                for e in self.expectations
                if e.namespace == namespace
                and e.target.pod == pod
                and not e.resolved
                and e.target.about(getattr(match, "file", None))
            ]
            if digest and len(digest) >= MIN_PREFIX:
                hit = next((e for e in reversed(open_) if e.hash.startswith(digest)), None)
            elif not digest and match.outcome != "applied":
                current = [e for e in open_ if e.superseded_by is None]
                hit = current[0] if current else None  # an unhashed rejection answers the oldest open change
            else:
                hit = None
            older = []
            if hit is not None:
                hit.resolved = True
                if hit.superseded_by is None:
                    older = [
                        e
                        for e in open_
                        if e is not hit
                        and e.superseded_by is not None
                        and (e.configmap, e.target.key) == (hit.configmap, hit.target.key)
                    ]
                    for e in older:
                        e.resolved = True
        outcome, message = match.outcome, match.message
        if hit is None:
            return [
                ReloadEvent(
                    namespace=namespace,
                    workload=workload,
                    time=at,
                    pod=pod,
                    container=container,
                    outcome=outcome,
                    hash=match.hash,
                    message=message,
                )
            ]
        events: list = [
            ReloadSuperseded(
                namespace=namespace,
                workload=e.target.workload,
                time=at,
                pod=pod,
                configmap=e.configmap,
                key=e.target.key,
                since=e.since,
                hash=e.hash,
                version=e.version,
                by_version=hit.version,
            )
            for e in older
        ]
        if outcome == "applied":
            touched = [
                p for p in hit.target.changed if any(path_covers(r, p) for r in hit.target.restart_only)
            ]
            if touched:
                outcome = "needs-restart"
                message = (
                    f"the app reported success, but {', '.join(sorted(touched))} "
                    "is read only at start: restart the pods to apply it"
                )
        delay = max(0.0, (at - hit.since).total_seconds())
        return events + [
            ReloadEvent(
                namespace=namespace,
                workload=hit.target.workload,
                time=at,
                pod=pod,
                container=container,
                outcome=outcome,
                hash=hit.hash,
                message=message,
                delay=delay,
                version=hit.version,
                configmap=hit.configmap,
                key=hit.target.key,
            )
        ]

    def pod_gone(self, namespace: str, pod: str) -> None:
        with self._lock:
            for e in self.expectations:
                if e.namespace == namespace and e.target.pod == pod:
                    e.resolved = True

    def tick(self, now: datetime | None = None) -> list:
        """Expectations past their window become ReloadStale (once); resolved ones are forgotten."""
        now = now or datetime.now(UTC)
        events = []
        with self._lock:
            for e in self.expectations:
                if not e.resolved and not e.stale and e.superseded_by is None and now >= e.stale_at:
                    e.stale = True
                    events.append(
                        ReloadStale(
                            namespace=e.namespace,
                            workload=e.target.workload,
                            time=now,
                            pod=e.target.pod,
                            configmap=e.configmap,
                            key=e.target.key,
                            since=e.since,
                            hash=e.hash,
                            reason=e.target.quiet,
                        )
                    )
            horizon = now - timedelta(seconds=self.window * 10)
            self.expectations = [e for e in self.expectations if not e.resolved and e.since > horizon]
        return events

    def open_for(self, namespace: str, pod: str) -> list[Expectation]:
        with self._lock:
            return [
                e
                for e in self.expectations
                if e.namespace == namespace
                and e.target.pod == pod
                and not e.resolved
                and e.superseded_by is None
            ]
