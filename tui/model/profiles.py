"""App profiles: what an app does with its flags and files, and how it logs a reload."""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from tui.model.flags import VALUE_TYPES
from tui.model.paths import config_dir
from tui.model.reloadlog import ProfileError, ReloadMatch, ReloadRule, match_reload, parse_reload_rule
from tui.model.reloads import ApiWatch, Ask, parse_asks, parse_watches
from tui.model.workload import Container, Workload, split_image

__all__ = [
    "FileRule",
    "FlagSpec",
    "Profile",
    "ProfileError",
    "ProfileSet",
    "ReloadMatch",
    "ReloadRule",
    "ValueSpec",
]

_Loader: type[yaml.SafeLoader | yaml.CSafeLoader]
try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "profiles"
FORMATS = ("yaml", "json", "text")
_TOP_KEYS = {"name", "description", "priority", "match", "flags", "files", "reload_logs", "watches"}
_MATCH_KEYS = {"images", "tags", "exclude_tags", "container_names", "labels"}
_VALUE_KEYS = {"type", "positive", "choices", "any_case"}
_FLAG_KEYS = {*_VALUE_KEYS, "config_file", "description"}
_FILE_KEYS = {
    "flag",
    "env",
    "path",
    "key",
    "format",
    "watched",
    "watched_when",
    "reload",
    "poll_period",
    "poll_jitter",
    "live",
    "restart",
    "unlisted",
    "note",
    "values",
    "asks",
}


@dataclass(frozen=True)
class FlagSpec:
    name: str
    type: str = "string"
    positive: bool = False
    config_file: bool = False
    choices: tuple[str, ...] = ()
    any_case: bool = False


@dataclass(frozen=True)
class ValueSpec:
    """What a profile declares about the values of one key path: its type, > 0, the accepted choices."""

    type: str | None = None  # None: inferred from the current value
    positive: bool = False
    choices: tuple[str, ...] = ()
    any_case: bool = False


def _glob(pattern: str) -> re.Pattern:
    return re.compile(fnmatch.translate(pattern))


def key_path_matches(pattern: re.Pattern, raw: str, key_path: str) -> bool:
    """`execution.*` and `execution` both cover `execution.cooldownPeriod`."""
    return bool(pattern.match(key_path)) or key_path.startswith(raw + ".")


@dataclass(frozen=True)
class FileRule:
    """Which file a declaration is about, and what the app does with it."""

    flag: str | None = None
    env: str | None = None
    path: str | None = None
    key: str | None = None
    format: str = "text"
    watched: bool | None = None
    watched_when: re.Pattern | None = None
    reload: str | None = None  # watch | poll | request | none; None: `watched` alone says it
    poll_period: float = 30.0  # reload: poll — seconds between two reads of the file
    poll_jitter: float = 15.0  # ± seconds around the period
    live: tuple[str, ...] = ()
    restart: tuple[str, ...] = ()
    unlisted: str = "restart"
    note: str | None = None
    values: tuple[tuple[str, ValueSpec], ...] = ()  # (key path glob, what its values must be)
    asks: tuple[Ask, ...] = ()  # reload: request — what makes the app re-read the file, first that applies
    _compiled: tuple = field(default=(), compare=False, repr=False)
    _verdicts: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        compiled = (
            _glob(self.path) if self.path else None,
            _glob(self.key) if self.key else None,
            tuple((p, _glob(p)) for p in self.live),
            tuple((p, _glob(p)) for p in self.restart),
        )
        object.__setattr__(self, "_compiled", compiled)

    @property
    def describes_keys(self) -> bool:
        return bool(self.live or self.restart) and self.format in ("yaml", "json")

    def matches(self, path: str, key: str, flag_values: Mapping[str, str], env: Mapping[str, str]) -> bool:
        path_glob, key_glob = self._compiled[0], self._compiled[1]
        if self.flag is not None and flag_values.get(self.flag) == path:
            return True
        if self.env is not None and env.get(self.env) == path:
            return True
        if path_glob is not None and path_glob.match(path):
            return True
        return key_glob is not None and bool(key_glob.match(key))

    def value_spec(self, key_path: str) -> ValueSpec | None:
        return next((spec for pattern, spec in self.values if fnmatch.fnmatchcase(key_path, pattern)), None)

    def key_rule(self, key_path: str) -> tuple[str, str | None]:
        """("live" | "restart", the declared pattern) for a key path; the pattern is None if unlisted."""
        verdict = self._verdicts.get(key_path)
        if verdict is None:
            if len(self._verdicts) > 10_000:
                self._verdicts.clear()
            verdict = self._verdicts[key_path] = self._key_rule(key_path)
        return verdict

    def _key_rule(self, key_path: str) -> tuple[str, str | None]:
        for raw, pattern in self._compiled[3]:
            if key_path_matches(pattern, raw, key_path):
                return "restart", raw
        for raw, pattern in self._compiled[2]:
            if key_path_matches(pattern, raw, key_path):
                return "live", raw
        return self.unlisted, None


@dataclass(frozen=True)
class Profile:
    name: str
    description: str = ""
    origin: str = "built-in"
    priority: int = 0
    images: tuple[re.Pattern, ...] = ()
    tags: tuple[re.Pattern, ...] = ()
    exclude_tags: tuple[re.Pattern, ...] = ()
    container_names: tuple[re.Pattern, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()
    flags: Mapping[str, FlagSpec] = field(default_factory=dict)
    files: tuple[FileRule, ...] = ()
    reload_rules: tuple[ReloadRule, ...] = ()
    watches: tuple[ApiWatch, ...] = ()

    @property
    def flag_types(self) -> dict[str, str]:
        return {name: spec.type for name, spec in self.flags.items()}

    @property
    def config_flags(self) -> tuple[str, ...]:
        return tuple(name for name, spec in self.flags.items() if spec.config_file)

    def specificity(self) -> tuple[int, int]:
        return (self.priority, len(self.tags) + len(self.exclude_tags) + len(self.labels))

    def matches(
        self, workload: Workload, container: Container, image: tuple[str, str | None] | None = None
    ) -> bool:
        if self.images:
            repository, tag = image or split_image(container.image)
            if not any(p.match(repository) or p.match(container.image) for p in self.images):
                return False
            if self.tags and not (tag and any(p.match(tag) for p in self.tags)):
                return False
            if self.exclude_tags and tag and any(p.match(tag) for p in self.exclude_tags):
                return False
        if self.container_names and not any(p.match(container.name) for p in self.container_names):
            return False
        labels = workload.template_labels or workload.labels
        return all(labels.get(k, workload.labels.get(k)) == v for k, v in self.labels)

    def match_reload(self, line: str) -> ReloadMatch | None:
        return match_reload(self.reload_rules, line)


class ProfileSet:
    def __init__(self, profiles: Iterable[Profile] = ()) -> None:
        by_name: dict[str, Profile] = {}
        for profile in profiles:
            by_name[profile.name] = profile  # a later profile of the same name replaces the earlier
        self.profiles: tuple[Profile, ...] = tuple(by_name.values())
        self._by_name = by_name
        self._cache: dict[tuple, Profile | None] = {}
        # labels join the cache key only when some profile looks at them
        self._uses_labels = any(profile.labels for profile in self.profiles)

    def __len__(self) -> int:
        return len(self.profiles)

    def get(self, name: str) -> Profile | None:
        return self._by_name.get(name)

    def for_container(self, workload: Workload, container: Container) -> Profile | None:
        cache_key: tuple = (container.image, container.name)
        if self._uses_labels:
            labels = workload.template_labels or workload.labels
            cache_key += tuple(sorted(labels.items()))
        if cache_key in self._cache:
            return self._cache[cache_key]
        best: Profile | None = None
        image = split_image(container.image)
        for profile in self.profiles:
            if profile.matches(workload, container, image) and (
                best is None or profile.specificity() > best.specificity()
            ):
                best = profile
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[cache_key] = best
        return best

    @classmethod
    def builtin(cls) -> ProfileSet:
        return cls(_builtin_profiles())

    @classmethod
    def load(cls, extra_dirs: Sequence[str | os.PathLike] = ()) -> tuple[ProfileSet, list[ProfileError]]:
        """Built-in profiles, then the user's, then `extra_dirs`; bad files are reported, not fatal."""
        profiles = list(_builtin_profiles())
        errors: list[ProfileError] = []
        for directory in (user_profile_dir(), *map(Path, extra_dirs)):
            if not directory.is_dir():
                if directory != user_profile_dir():
                    errors.append(ProfileError(f"{directory}: not a directory"))
                continue
            for path in sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]):
                try:
                    profiles.extend(load_profile_file(path))
                except ProfileError as error:
                    errors.append(error)
        return cls(profiles), errors


def user_profile_dir() -> Path:
    return config_dir() / "profiles"


@lru_cache(maxsize=1)
def _builtin_profiles() -> tuple[Profile, ...]:
    profiles: list[Profile] = []
    for path in sorted(BUILTIN_DIR.glob("*.yaml")):
        profiles.extend(load_profile_file(path, origin="built-in"))
    return tuple(profiles)


def load_profile_file(path: str | os.PathLike, origin: str | None = None) -> list[Profile]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ProfileError(f"{path}: cannot read: {error}") from None
    try:
        documents = [doc for doc in yaml.load_all(text, Loader=_Loader) if doc is not None]
    except yaml.YAMLError as error:
        raise ProfileError(f"{path}: not valid YAML: {' '.join(str(error).split())}") from None
    if not documents:
        raise ProfileError(f"{path}: no profile in the file")
    return [
        parse_profile(
            doc, f"{path}" if len(documents) == 1 else f"{path} (document {i})", origin or str(path)
        )
        for i, doc in enumerate(documents, 1)
    ]


def parse_profile(doc, where: str, origin: str = "built-in") -> Profile:
    def fail(problem: str) -> ProfileError:
        return ProfileError(f"{where}: {problem}")

    if not isinstance(doc, Mapping):
        raise fail("a profile must be a mapping")
    unknown = set(doc) - _TOP_KEYS
    if unknown:
        raise fail(f"unknown field(s): {', '.join(sorted(map(str, unknown)))}")
    name = doc.get("name")
    if not isinstance(name, str) or not name.strip():
        raise fail("name is missing")
    where = f"{where}: profile {name}"
    match = doc.get("match")
    if not isinstance(match, Mapping) or not (set(match) & {"images", "container_names", "labels"}):
        raise fail(f"profile {name}: match needs images, container_names or labels")
    unknown = set(match) - _MATCH_KEYS
    if unknown:
        raise fail(f"profile {name}: unknown match field(s): {', '.join(sorted(map(str, unknown)))}")
    priority = doc.get("priority", 0)
    if not isinstance(priority, int):
        raise fail(f"profile {name}: priority must be an integer")
    labels = match.get("labels") or {}
    if not isinstance(labels, Mapping):
        raise fail(f"profile {name}: match.labels must be a mapping")
    return Profile(
        name=name,
        description=str(doc.get("description") or ""),
        origin=origin,
        priority=priority,
        images=_globs(match.get("images"), f"{where}: match.images"),
        tags=_globs(match.get("tags"), f"{where}: match.tags"),
        exclude_tags=_globs(match.get("exclude_tags"), f"{where}: match.exclude_tags"),
        container_names=_globs(match.get("container_names"), f"{where}: match.container_names"),
        labels=tuple((str(k), str(v)) for k, v in labels.items()),
        flags=_flag_specs(doc.get("flags"), where),
        files=tuple(
            _file_rule(entry, f"{where}: files[{i}]") for i, entry in enumerate(doc.get("files") or [])
        ),
        reload_rules=tuple(
            parse_reload_rule(entry, f"{where}: reload_logs[{i}]")
            for i, entry in enumerate(doc.get("reload_logs") or [])
        ),
        watches=parse_watches(doc.get("watches"), where),
    )


def _strings(value, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ProfileError(f"{where} must be a list of strings")
    return tuple(value)


def _globs(value, where: str) -> tuple[re.Pattern, ...]:
    return tuple(_glob(item) for item in _strings(value, where))


def _flag_specs(value, where: str) -> dict[str, FlagSpec]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ProfileError(f"{where}: flags must be a mapping of flag name to its description")
    specs = {}
    for raw_name, spec in value.items():
        name = str(raw_name).lstrip("-")
        spec = spec or {}
        if not isinstance(spec, Mapping) or set(spec) - _FLAG_KEYS:
            raise ProfileError(f"{where}: flags.{name} must be a mapping of {', '.join(sorted(_FLAG_KEYS))}")
        values = _value_spec(spec, f"{where}: flags.{name}")
        specs[name] = FlagSpec(
            name,
            values.type or "string",
            values.positive,
            bool(spec.get("config_file")),
            values.choices,
            values.any_case,
        )
    return specs


def _value_spec(spec: Mapping, where: str) -> ValueSpec:
    kind = spec.get("type")
    if kind is not None and kind not in VALUE_TYPES:
        raise ProfileError(f"{where}.type must be one of {', '.join(VALUE_TYPES)}, not {kind!r}")
    choices = _strings(spec.get("choices"), f"{where}.choices")
    return ValueSpec(kind, bool(spec.get("positive")), choices, bool(spec.get("any_case")))


def _value_specs(value, where: str) -> tuple[tuple[str, ValueSpec], ...]:
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise ProfileError(f"{where}: values must be a mapping of key path to what its value must be")
    specs = []
    for key_path, spec in value.items():
        if not isinstance(spec, Mapping) or set(spec) - _VALUE_KEYS:
            raise ProfileError(
                f"{where}: values.{key_path} must be a mapping of {', '.join(sorted(_VALUE_KEYS))}"
            )
        specs.append((str(key_path), _value_spec(spec, f"{where}: values.{key_path}")))
    return tuple(specs)


def _file_rule(entry, where: str) -> FileRule:
    if not isinstance(entry, Mapping):
        raise ProfileError(f"{where} must be a mapping")
    unknown = set(entry) - _FILE_KEYS
    if unknown:
        raise ProfileError(f"{where}: unknown field(s): {', '.join(sorted(map(str, unknown)))}")
    if not set(entry) & {"flag", "env", "path", "key"}:
        raise ProfileError(f"{where}: needs flag, env, path or key to say which file it is about")
    fmt = entry.get("format", "text")
    if fmt not in FORMATS:
        raise ProfileError(f"{where}: format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    watched = entry.get("watched")
    if watched is not None and not isinstance(watched, bool):
        raise ProfileError(f"{where}: watched must be true or false")
    reload, poll_period, poll_jitter = _reload(entry, where)
    asks = parse_asks(entry.get("asks"), where)
    if (reload == "request") != bool(asks):
        raise ProfileError(f"{where}: reload: request and asks go together")
    if reload is not None:
        if watched is not None and watched != (reload != "none"):
            raise ProfileError(f"{where}: watched: {str(watched).lower()} contradicts reload: {reload}")
        if entry.get("watched_when") is None:
            watched = reload != "none"
    unlisted = entry.get("unlisted", "restart")
    if unlisted not in ("restart", "live"):
        raise ProfileError(f"{where}: unlisted must be restart or live, not {unlisted!r}")
    watched_when = None
    if entry.get("watched_when") is not None:
        try:
            watched_when = re.compile(str(entry["watched_when"]), re.MULTILINE)
        except re.error as error:
            raise ProfileError(f"{where}: watched_when is not a valid regular expression: {error}") from None
    live = _strings(entry.get("live"), f"{where}: live")
    restart = _strings(entry.get("restart"), f"{where}: restart")
    if watched is None and watched_when is None and (live or restart):
        watched = True  # declaring which keys apply live says the app watches the file
    return FileRule(
        flag=str(entry["flag"]).lstrip("-") if entry.get("flag") is not None else None,
        env=str(entry["env"]) if entry.get("env") is not None else None,
        path=str(entry["path"]) if entry.get("path") is not None else None,
        key=str(entry["key"]) if entry.get("key") is not None else None,
        format=fmt,
        watched=watched,
        watched_when=watched_when,
        reload=reload,
        poll_period=poll_period,
        poll_jitter=poll_jitter,
        live=live,
        restart=restart,
        unlisted=unlisted,
        note=str(entry["note"]) if entry.get("note") else None,
        values=_value_specs(entry.get("values"), where),
        asks=asks,
    )


RELOADS = ("watch", "poll", "request", "none")


def _reload(entry: Mapping, where: str) -> tuple[str | None, float, float]:
    """(reload, poll period, poll jitter); `watched: true/false` is the short form of watch/none."""
    reload = entry.get("reload")
    if reload is not None and reload not in RELOADS:
        raise ProfileError(f"{where}: reload must be one of {', '.join(RELOADS)}, not {reload!r}")
    if reload != "poll" and ({"poll_period", "poll_jitter"} & set(entry)):
        raise ProfileError(f"{where}: poll_period and poll_jitter need reload: poll")
    seconds = []
    for name, default in (("poll_period", 30.0), ("poll_jitter", 15.0)):
        value = entry.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ProfileError(f"{where}: {name} must be a number of seconds, not {value!r}")
        seconds.append(float(value))
    return reload, seconds[0], seconds[1]
