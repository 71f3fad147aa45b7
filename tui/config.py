"""The operator's config file: theme, key remapping, default namespaces, read-only.

Lives at $XDG_CONFIG_HOME/kubeknobs/config.yaml; user themes sit beside it in `themes/`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tui.model.paths import config_dir

KNOWN_KEYS = {"theme", "keymap", "namespaces", "readonly"}


def config_path() -> Path:
    return config_dir() / "config.yaml"


def user_themes_dir() -> Path:
    return config_dir() / "themes"


@dataclass
class Config:
    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    namespaces: list[str] | None = None
    readonly: bool = False
    path: Path | None = None


def load_config(path: Path | None = None) -> tuple[Config, list[str]]:
    """The config at `path` (default: the XDG location) and a list of problems found in it.

    A missing file is not a problem; a broken one gives defaults plus one message per fault.
    """
    import yaml

    path = path or config_path()
    config = Config(path=path)
    if not path.is_file():
        return config, []
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return config, [f"{path}: not readable as YAML ({_first_line(exc)}); using defaults"]
    if raw is None:
        return config, []
    if not isinstance(raw, dict):
        return config, [f"{path}: expected a mapping of settings, got {type(raw).__name__}; using defaults"]
    problems = [f"{path}: unknown setting {key!r}" for key in raw if key not in KNOWN_KEYS]
    theme = raw.get("theme")
    if theme is not None:
        if isinstance(theme, str) and theme.strip():
            config.theme = theme.strip()
        else:
            problems.append(f"{path}: theme must be a theme name")
    keymap = raw.get("keymap")
    if keymap is not None:
        if isinstance(keymap, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in keymap.items()
        ):
            config.keymap = {k: v.strip() for k, v in keymap.items()}
        else:
            problems.append(f"{path}: keymap must map binding ids to keys, e.g. `logs: ctrl+l`")
    namespaces = raw.get("namespaces")
    if namespaces is not None:
        if isinstance(namespaces, list) and all(isinstance(n, str) for n in namespaces):
            config.namespaces = list(namespaces) or None
        else:
            problems.append(f"{path}: namespaces must be a list of names")
    readonly = raw.get("readonly")
    if readonly is not None:
        if isinstance(readonly, bool):
            config.readonly = readonly
        else:
            problems.append(f"{path}: readonly must be true or false")
    return config, problems


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def save_theme(path: Path, theme: str) -> str | None:
    """Write `theme:` into the config file, keeping its other keys and comments; the problem, if any."""
    from ruamel.yaml import YAML, YAMLError

    yaml = YAML()  # round-trip: comments, order and quoting stay as the operator wrote them
    try:
        data = yaml.load(path.read_text(encoding="utf-8")) if path.is_file() else None
        if data is None:
            data = {}
        if not isinstance(data, dict):
            return f"{path}: not a mapping of settings; the theme was not saved"
        data["theme"] = theme
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as out:
            yaml.dump(data, out)
    except (OSError, UnicodeDecodeError, YAMLError) as exc:
        return f"{path}: the theme was not saved ({_first_line(exc)})"
    return None
