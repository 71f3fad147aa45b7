"""What applying a new set of manifests over an old one does to each setting: `explain --against`."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from tui.model.layers import Layer, Setting, Source
from tui.model.mechanisms import Mechanism, mechanism_spec
from tui.model.objects import ClusterObjects, is_immutable
from tui.model.rollout import checksum_annotations, held_back, reloader_restart, template_reasons
from tui.model.workload import Workload

SECRET_SHOWN = "(secret)"


class Outcome(StrEnum):
    APPLIES_LIVE = "applies-live"
    RELOAD_NEEDED = "reload-needed"
    ROLLS_OUT = "rolls-out"
    RESTART_NEEDED_NOT_TRIGGERED = "restart-needed-not-triggered"
    NEVER_REACHES_UNTIL_RESTART = "never-reaches-until-restart"
    REJECTED_IMMUTABLE = "rejected-immutable"
    NEW_SETTING = "new-setting"
    REMOVED_SETTING = "removed-setting"


# A change that will not do what its author expects: CI annotations raise these as warnings.
SURPRISES = frozenset(
    {
        Outcome.RESTART_NEEDED_NOT_TRIGGERED,
        Outcome.NEVER_REACHES_UNTIL_RESTART,
        Outcome.REJECTED_IMMUTABLE,
    }
)


@dataclass(frozen=True)
class Change:
    namespace: str
    workload: str
    container: str
    source: str
    name: str
    old: str | None
    new: str | None
    layer: str
    mechanism: str
    outcome: Outcome
    why: str
    file: str | None = None  # the NEW file that holds the change, for annotations

    def to_json(self) -> dict:
        return {
            "namespace": self.namespace,
            "workload": self.workload,
            "container": self.container,
            "source": self.source,
            "name": self.name,
            "old": self.old,
            "new": self.new,
            "layer": self.layer,
            "mechanism": self.mechanism,
            "outcome": str(self.outcome),
            "why": self.why,
        }


@dataclass(frozen=True)
class Deployed:
    """One workload of a side: its manifest, the model's reading of it, its settings and its file."""

    obj: Mapping
    workload: Workload
    settings: list[Setting]
    file: str | None


@dataclass
class Side:
    """Everything one set of manifests (OLD or NEW) declares."""

    workloads: dict[tuple[str, str, str], Deployed] = field(default_factory=dict)  # (namespace, kind, name)
    objects: ClusterObjects = field(default_factory=ClusterObjects)
    digests: dict[tuple[str, str, str], dict[str, str]] = field(default_factory=dict)  # (kind, ns, name)
    origins: dict[tuple[str, str, str], str | None] = field(default_factory=dict)

    def add_source(self, obj: Mapping, file: str | None) -> None:
        """A ConfigMap or Secret; only a digest of each value is kept, so a Secret's values never stay."""
        self.objects.add(obj)
        metadata = obj.get("metadata") or {}
        key = (str(obj.get("kind")), str(metadata.get("namespace") or "default"), str(metadata.get("name")))
        values: dict[str, str] = {}
        for part in ("data", "binaryData", "stringData"):
            for name, value in (obj.get(part) or {}).items():
                values[str(name)] = hashlib.sha256(str(value).encode()).hexdigest()
        self.digests[key] = values
        self.origins[key] = file


def _match_key(setting: Setting) -> tuple[str, str, str]:
    """A file is known by where it is mounted, so a renamed (hash-suffixed) ConfigMap still matches."""
    name = setting.name
    if setting.configmap and setting.mount_path and setting.source in (Source.FILE, Source.FILE_KEY):
        key_path = setting.name.partition("#")[2]
        name = setting.mount_path + (f"#{key_path}" if key_path else "")
    return (setting.container, str(setting.source), name)


def _source_kind(setting: Setting) -> str:
    return "Secret" if setting.secret else "ConfigMap"


def _shown(setting: Setting | None) -> str | None:
    if setting is None:
        return None
    return SECRET_SHOWN if setting.secret else setting.value


def _window(seconds: tuple[float, float] | None) -> str:
    if not seconds:
        return "at a time nothing declares"
    low, high = seconds
    return f"within {low:g}–{high:g} s of the apply"


class _Workload:
    """The comparison of one workload present on both sides."""

    def __init__(self, old: Side, new: Side, before: Deployed, after: Deployed) -> None:
        self.old, self.new, self.before, self.after = old, new, before, after
        workload = after.workload
        self.ref = workload.ref
        reasons = template_reasons(before.obj, after.obj)
        self.held = held_back(workload) if reasons else None
        self.changed_sources = self._changed_sources()
        reloads = [
            reason
            for kind, name in sorted(self.changed_sources)
            if (reason := reloader_restart(workload, kind, name, self._source_obj(new, kind, name)))
        ]
        causes = ([] if self.held else reasons) + reloads
        self.rollout = f"a rollout restarts {workload.pods_phrase()}: {'; '.join(causes)}" if causes else None
        self.template_reasons = reasons

    def _source_obj(self, side: Side, kind: str, name: str) -> dict | None:
        ns = self.after.workload.namespace
        return side.objects.configmap(ns, name) if kind == "ConfigMap" else side.objects.secret(ns, name)

    def _changed_sources(self) -> set[tuple[str, str]]:
        """ConfigMaps and Secrets this workload reads whose data NEW changes in place."""
        ns = self.after.workload.namespace
        changed = set()
        for setting in self.after.settings:
            if setting.configmap:
                key = (_source_kind(setting), ns, setting.configmap)
                if key in self.old.digests and self.old.digests[key] != self.new.digests.get(key):
                    changed.add((key[0], key[2]))
        return changed

    def differs(self, before: Setting, after: Setting) -> bool:
        if before.configmap != after.configmap or before.value != after.value:
            return True
        if not after.secret or not after.configmap or not after.key:
            return False
        ns = self.after.workload.namespace
        key = ("Secret", ns, after.configmap)
        return self.old.digests.get(key, {}).get(after.key) != self.new.digests.get(key, {}).get(after.key)

    def outcome(self, before: Setting, after: Setting) -> tuple[Outcome, str]:
        kind = _source_kind(after)
        in_place = after.configmap is not None and before.configmap == after.configmap
        if in_place and is_immutable(self._source_obj(self.old, kind, str(after.configmap))):
            return Outcome.REJECTED_IMMUTABLE, (
                f"{kind} {after.configmap} is immutable: the API server refuses the new data; "
                f"create it under a new name and point {self.ref} at that"
            )
        if self.rollout:
            held = (
                f"the {_IN_TEMPLATE[after.source]} is in the pod template; "
                if after.configmap is None
                else ""
            )
            return Outcome.ROLLS_OUT, held + self.rollout
        if after.configmap is None:  # a flag or a literal env value: only a held-back template gets here
            return Outcome.RESTART_NEEDED_NOT_TRIGGERED, f"{self.held}; {after.name} takes effect then"
        if after.mechanism == Mechanism.SUBPATH_COPY or after.sub_path:
            return Outcome.NEVER_REACHES_UNTIL_RESTART, (
                f"mounted with subPath {after.sub_path}: the kubelet copied the file once at start, "
                f"the running pods never see the new content; {self._nothing_restarts()}"
            )
        if after.source == Source.ENV:
            return Outcome.NEVER_REACHES_UNTIL_RESTART, (
                f"an environment variable from {kind} {after.configmap}: set when the container starts, "
                f"the running pods keep the old value; {self._nothing_restarts()}"
            )
        spec = mechanism_spec(after.mechanism)
        if after.layer == Layer.HOT_RELOAD:
            return Outcome.APPLIES_LIVE, f"{spec.label}: in force {_window(after.takes_effect_s)}"
        if after.layer == Layer.FILE_PROPAGATES:
            return Outcome.RELOAD_NEEDED, (
                f"the file reaches the pods {_window(after.takes_effect_s or _SYNC)}, but nothing says the app "
                f"re-reads it ({spec.label}): trigger its reload, or restart {self.ref}"
            )
        if after.layer == Layer.IMMUTABLE:
            return Outcome.RESTART_NEEDED_NOT_TRIGGERED, (
                f"{kind} {after.configmap} becomes immutable: the kubelet stops following it; "
                f"{self._nothing_restarts()}"
            )
        what = after.name.partition("#")[2] or after.name
        return Outcome.RESTART_NEEDED_NOT_TRIGGERED, f"{what}: {spec.label}; {self._nothing_restarts()}"

    def _nothing_restarts(self) -> str:
        if self.held:
            return f"{self.held}; it waits for that"
        checksums = checksum_annotations(self.after.workload)
        same = (
            f"pod template unchanged, {' and '.join(checksums)} too"
            if checksums
            else "pod template unchanged"
        )
        return (
            f"nothing in NEW restarts the pods ({same}; no Reloader annotation): it waits for the next "
            f"rollout; run kubectl rollout restart {self.ref.lower()} -n {self.after.workload.namespace}"
        )

    def file_of(self, setting: Setting) -> str | None:
        if setting.configmap:
            key = (_source_kind(setting), self.after.workload.namespace, setting.configmap)
            if key in self.new.origins:
                return self.new.origins[key]
        return self.after.file


_IN_TEMPLATE = {Source.FLAG: "flag", Source.ENV: "env value", Source.FILE: "file", Source.FILE_KEY: "key"}
_SYNC = mechanism_spec(Mechanism.FILE_WATCH).takes_effect_s


def _change(
    setting: Setting, before: Setting | None, after: Setting | None, outcome: Outcome, why: str, file
):
    return Change(
        namespace=setting.namespace,
        workload=setting.workload,
        container=setting.container,
        source=str(setting.source),
        name=setting.name,
        old=_shown(before),
        new=_shown(after),
        layer=str(setting.layer),
        mechanism=str(setting.mechanism),
        outcome=outcome,
        why=why,
        file=file,
    )


def _added(setting: Setting, rollout: str | None, file: str | None) -> Change:
    label = mechanism_spec(setting.mechanism).label
    why = f"layer {setting.layer} ({label})" + (f"; {rollout}" if rollout else "")
    return _change(setting, None, setting, Outcome.NEW_SETTING, why, file)


def _removed(setting: Setting, rollout: str | None, file: str | None) -> Change:
    why = f"was layer {setting.layer}" + (f"; {rollout}" if rollout else "")
    return _change(setting, setting, None, Outcome.REMOVED_SETTING, why, file)


def _compare_workload(old: Side, new: Side, before: Deployed, after: Deployed) -> list[Change]:
    pair = _Workload(old, new, before, after)
    olds = {_match_key(s): s for s in before.settings}
    news = {_match_key(s): s for s in after.settings}
    changes = []
    for key, setting in news.items():
        previous = olds.get(key)
        if previous is None:
            changes.append(_added(setting, pair.rollout, pair.file_of(setting)))
        elif pair.differs(previous, setting):
            outcome, why = pair.outcome(previous, setting)
            changes.append(_change(setting, previous, setting, outcome, why, pair.file_of(setting)))
    changes.extend(_removed(s, pair.rollout, after.file) for key, s in olds.items() if key not in news)
    return _note_restart_keys(changes)


def _note_restart_keys(changes: list[Change]) -> list[Change]:
    """A live-reloading file whose read-at-start keys changed too says so, lest it read as all live."""
    stuck: dict[tuple[str, str], list[str]] = {}
    for change in changes:
        if change.source == Source.FILE_KEY and change.outcome == Outcome.RESTART_NEEDED_NOT_TRIGGERED:
            file, _, key = change.name.partition("#")
            stuck.setdefault((change.container, file), []).append(key)
    if not stuck:
        return changes
    noted = []
    for change in changes:
        keys = stuck.get((change.container, change.name)) if change.source == Source.FILE else None
        if keys and change.outcome == Outcome.APPLIES_LIVE:
            why = f"{change.why}, but {', '.join(keys)} in it {'is' if len(keys) == 1 else 'are'} read only at start"
            change = Change(**{**change.__dict__, "why": why})
        noted.append(change)
    return noted


def compare(old: Side, new: Side) -> tuple[list[Change], list[dict]]:
    """Every added, removed or changed setting with what applying NEW does; and what was left out, why."""
    changes: list[Change] = []
    for key, after in new.workloads.items():
        before = old.workloads.get(key)
        if before is None:
            rollout = f"a new workload: {after.workload.pods_phrase()} start with it"
            changes.extend(_added(s, rollout, after.file) for s in after.settings)
        else:
            changes.extend(_compare_workload(old, new, before, after))
    for key, before in old.workloads.items():
        if key not in new.workloads:
            gone = f"{before.workload.ref} is no longer in NEW"
            changes.extend(_removed(s, gone, before.file) for s in before.settings)
    return changes, _unread_sources(old, new)


def _unread_sources(old: Side, new: Side) -> list[dict]:
    """ConfigMaps and Secrets NEW changes that no workload in NEW reads: nothing to say about them."""
    read = {
        (_source_kind(s), s.namespace, s.configmap)
        for deployed in new.workloads.values()
        for s in deployed.settings
        if s.configmap
    }
    skipped = []
    for key, values in new.digests.items():
        if key in read or old.digests.get(key) == values:
            continue
        kind, namespace, name = key
        skipped.append(
            {
                "file": new.origins.get(key),
                "kind": kind,
                "namespace": namespace,
                "name": name,
                "reason": "changed, but no workload in NEW reads it",
            }
        )
    return skipped


def failing(changes: Iterable[Change], outcomes: Iterable[str]) -> list[Change]:
    wanted = set(outcomes)
    return [change for change in changes if change.outcome in wanted]
