"""Which mechanism a mounted file (and each key path in it) has: ordered rules, each giving a verdict.

The first rule that decides wins; the verdict's reason is turned into evidence text by
`evidence`, so the wording can change without touching a decision.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from tui.model.declarations import Declaration
from tui.model.layers import Layer
from tui.model.mechanisms import Mechanism, mechanism_spec, poll_window
from tui.model.mounts import ConfigMapMount
from tui.model.sidecars import ReloadSidecar

INIT_EVIDENCE = "init container: it runs once when the pod starts"


@dataclass(frozen=True)
class FileFacts:
    """What is known about one file (or a whole mount whose keys are unknown) in one container."""

    mount: ConfigMapMount
    immutable: bool
    init: bool
    path: str  # the file's path, or the mount path when the keys are unknown
    key: str | None = None  # None: the mount's keys are unknown
    declaration: Declaration | None = None
    content: str | None = None
    observed: str | None = None  # what the pods' logs showed, e.g. "pod web-1 logged a reload of …"
    sidecar: ReloadSidecar | None = None  # another container that sees the file's volume change
    watcher: ReloadSidecar | None = None  # this container is the sidecar that watches the file
    flags: Mapping[str, str] = field(default_factory=dict)  # the container's flags, by bare name


@dataclass(frozen=True)
class Verdict:
    mechanism: str
    reason: str  # a key of REASONS
    params: dict = field(default_factory=dict)
    takes_effect_s: tuple[float, float] | None = None

    @property
    def layer(self) -> Layer:
        return mechanism_spec(self.mechanism).layer

    @property
    def window(self) -> tuple[float, float] | None:
        return self.takes_effect_s or mechanism_spec(self.mechanism).takes_effect_s


def _live(declaration: Declaration, flags: Mapping[str, str]) -> tuple[str, tuple[float, float] | None, dict]:
    """(mechanism, window, params) of a file the declaration says the app re-reads."""
    rule = declaration.rule
    if rule.reload == "poll":
        return Mechanism.FILE_POLL, poll_window(rule.poll_period, rule.poll_jitter), {}
    if rule.reload == "request":
        ask = next((a for a in rule.asks if a.applies(flags)), None)
        if ask is None:  # every ask needs a flag this container lacks: nothing makes it re-read the file
            return Mechanism.READ_AT_START, None, {"no_ask": [a.when_flag for a in rule.asks]}
        return (Mechanism.SIGNAL if ask.signal else Mechanism.HTTP_ENDPOINT), None, {"ask": ask}
    return Mechanism.FILE_WATCH, None, {}


def immutable_rule(facts: FileFacts) -> Verdict | None:
    if facts.immutable:
        return Verdict(Mechanism.IMMUTABLE, "immutable")
    return None


def init_container_rule(facts: FileFacts) -> Verdict | None:
    return Verdict(Mechanism.READ_AT_START, "init") if facts.init else None


def sub_path_rule(facts: FileFacts) -> Verdict | None:
    if facts.mount.consumed != "subPath":
        return None
    return Verdict(Mechanism.SUBPATH_COPY, "subpath" if facts.key is not None else "subpath-unknown-keys")


def watcher_rule(facts: FileFacts) -> Verdict | None:
    if facts.watcher is None:
        return None
    return Verdict(Mechanism.FILE_WATCH, "watcher", {"sidecar": facts.watcher})


def sidecar_rule(facts: FileFacts) -> Verdict | None:
    sidecar = facts.sidecar
    if sidecar is None:
        return None
    return Verdict(Mechanism.SIDECAR, "sidecar", {"sidecar": sidecar})


def declared_rule(facts: FileFacts) -> Verdict | None:
    declaration = facts.declaration
    if declaration is None:
        return None
    rule = declaration.rule
    params: dict[str, object] = {"origin": declaration.origin, "name": facts.key}
    if rule.watched_when is not None and facts.content is not None:
        found = rule.watched_when.search(facts.content) is not None
        params = {**params, "found": found, "note": rule.note, "pattern": rule.watched_when.pattern}
        if found:
            mechanism, window, how = _live(declaration, facts.flags)
            return Verdict(mechanism, "declared-content", {**params, **how}, window)
        return Verdict(Mechanism.READ_AT_START, "declared-content", params)
    if rule.watched_when is not None:
        # the content decides, and it is not known: logs that showed a reload may still decide
        return None if facts.observed else Verdict(Mechanism.UNKNOWN, "declared-content-unknown", params)
    if rule.watched is True:
        mechanism, window, how = _live(declaration, facts.flags)
        if how:
            return Verdict(mechanism, "declared-ask", {**params, **how}, window)
        return Verdict(mechanism, "declared-watched", params, window)
    if rule.watched is False:
        return Verdict(Mechanism.READ_AT_START, "declared-unwatched", params)
    return None


def observed_rule(facts: FileFacts) -> Verdict | None:
    if facts.observed:
        return Verdict(Mechanism.FILE_WATCH, "observed", {"seen": facts.observed})
    return None


def mount_default_rule(facts: FileFacts) -> Verdict:
    if facts.key is None:
        return Verdict(Mechanism.UNKNOWN, "mount-default-unknown-keys")
    return Verdict(Mechanism.UNKNOWN, "mount-default")


FILE_RULES: tuple[Callable[[FileFacts], Verdict | None], ...] = (
    immutable_rule,
    init_container_rule,
    sub_path_rule,
    watcher_rule,
    sidecar_rule,
    declared_rule,
    observed_rule,
    mount_default_rule,
)


def file_verdict(facts: FileFacts) -> Verdict:
    for rule in FILE_RULES:
        verdict = rule(facts)
        if verdict is not None:
            return verdict
    raise AssertionError("mount_default_rule always decides")


def key_verdict(file: Verdict, declaration: Declaration, key_path: str) -> Verdict:
    """A key path follows its file, unless the app re-reads the file: then the profile says which keys apply live."""
    params = {"key_path": key_path, "origin": declaration.origin}
    if not mechanism_spec(file.mechanism).expects_reload:
        return Verdict(file.mechanism, "key-follows-file", params, file.takes_effect_s)
    verdict, pattern = declaration.rule.key_rule(key_path)
    if verdict == "live":
        return Verdict(file.mechanism, "key-live", params, file.takes_effect_s)
    return Verdict(Mechanism.READ_AT_START, "key-at-start", {**params, "undeclared": pattern is None})


def _has(p: dict) -> str:
    if p["note"]:
        return f"{p['name']} has the {p['note']}" if p["found"] else f"{p['name']} has no {p['note']}"
    return f"{p['name']} {'matches' if p['found'] else 'does not match'} {p['pattern']!r}"


def _declared_content(p: dict) -> str:
    reads = "the app re-reads it" if p["found"] else "the app reads it only at start"
    return f"declared by {p['origin']}: {_has(p)}, {reads}"


def _declared_ask(p: dict) -> str:
    ask = p.get("ask")
    if ask is None:
        needs = " or ".join(f"--{flag}" for flag in p["no_ask"] if flag)
        return f"declared by {p['origin']}: the app re-reads {p['name']} only when asked, which needs {needs}"
    what = (
        f"when its main process gets {ask.signal}"
        if ask.signal
        else f"on {ask.request} to port {ask.port}"
        + (f" (--{ask.when_flag} is set)" if ask.when_flag else "")
    )
    return f"declared by {p['origin']}: the app re-reads {p['name']} only {what}, not by itself"


def _mount_default(facts: FileFacts) -> str:
    mount = facts.mount
    via = "projected volume" if mount.projected else f"{mount.kind} volume"
    return (
        f"inferred from mount semantics: {via} without subPath, the kubelet updates the file"
        " (60–90 s); nothing declares that the app re-reads it"
    )


REASONS: dict[str, Callable[[FileFacts, dict], str]] = {
    "immutable": lambda f, p: f"{f.mount.kind} {f.mount.source} is immutable: its data cannot change",
    "init": lambda f, p: INIT_EVIDENCE,
    "subpath": lambda f, p: (
        f"mounted with subPath at {f.path}: the kubelet copies the file once at start and never updates it"
    ),
    "subpath-unknown-keys": lambda f, p: f"mounted with subPath at {f.path}: copied once at start",
    "sidecar": lambda f, p: (
        f"reloaded by sidecar {p['sidecar'].container} ({p['sidecar'].tool}): it watches volume"
        f" {f.mount.volume} and calls {p['sidecar'].target} once the kubelet has updated the files"
    ),
    "watcher": lambda f, p: (
        f"this sidecar ({p['sidecar'].tool}) watches the files of volume {f.mount.volume} and calls"
        f" {p['sidecar'].target} when the kubelet updates them"
    ),
    "declared-content": lambda f, p: _declared_content(p),
    "declared-content-unknown": lambda f, p: (
        f"inferred from mount semantics: {p['origin']} decides by the content of {p['name']},"
        + (
            " which kubeknobs never reads (a Secret's)"
            if f.mount.kind == "Secret"
            else " which is not known here"
        )
    ),
    "declared-watched": lambda f, p: (
        f"declared by {p['origin']}: the app watches {p['name']} and applies changes"
    ),
    "declared-ask": lambda f, p: _declared_ask(p),
    "declared-unwatched": lambda f, p: f"declared by {p['origin']}: the app reads {p['name']} only at start",
    "observed": lambda f, p: f"observed: {p['seen']}",
    "mount-default": lambda f, p: _mount_default(f),
    "mount-default-unknown-keys": lambda f, p: (
        "inferred from mount semantics: volume without subPath, the kubelet updates the files (60–90 s)"
    ),
}


def evidence(facts: FileFacts, verdict: Verdict) -> str:
    return REASONS[verdict.reason](facts, verdict.params)


def key_evidence(verdict: Verdict, file_evidence: str, file_name: str) -> str:
    p = verdict.params
    if verdict.reason == "key-follows-file":
        return f"{p['key_path']} follows its file: {file_evidence}"
    if verdict.reason == "key-live":
        return f"declared by {p['origin']}: the app watches {file_name} and applies {p['key_path']} live"
    return (
        f"declared by {p['origin']}: the app watches {file_name} but reads {p['key_path']} only at start"
        + (" (not declared live)" if p["undeclared"] else "")
    )
