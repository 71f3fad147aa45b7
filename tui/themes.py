"""Themes as YAML files: the project's own (shipped in the package) and the operator's.

Each file is validated up front; a bad file is reported by name and skipped. A watchdog
observer reloads the files while the app runs, so an edited colour shows at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.color import Color, ColorParseError
from textual.theme import Theme

if TYPE_CHECKING:
    from watchdog.observers.api import BaseObserver

PROJECT_THEMES_DIR = Path(__file__).parent / "themes_data"
DEFAULT_THEME = "kubeknobs-dark"
COLOUR_FIELDS = (
    "primary",
    "secondary",
    "warning",
    "error",
    "success",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)
OTHER_FIELDS = {"name", "dark", "luminosity_spread", "text_alpha", "variables"}


@dataclass(frozen=True)
class ThemeProblem:
    path: Path
    message: str

    def __str__(self) -> str:
        return f"{self.path.name}: {self.message}"


def theme_from_mapping(raw: object) -> Theme:
    """A Theme from a parsed YAML mapping; ValueError says what is wrong."""
    if not isinstance(raw, dict):
        raise ValueError("expected a mapping of theme fields")
    unknown = sorted(set(raw) - set(COLOUR_FIELDS) - OTHER_FIELDS)
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError("missing `name`")
    if "primary" not in raw:
        raise ValueError("missing `primary` colour")
    colours: dict[str, str] = {}
    for key in COLOUR_FIELDS:
        if raw.get(key) is None:
            continue
        try:
            Color.parse(str(raw[key]))
        except ColorParseError:
            raise ValueError(f"{key}: {raw[key]!r} is not a colour") from None
        colours[key] = str(raw[key])
    variables = raw.get("variables") or {}
    if not isinstance(variables, dict):
        raise ValueError("`variables` must be a mapping")
    dark = raw.get("dark", True)
    if not isinstance(dark, bool):
        raise ValueError("`dark` must be true or false")
    return Theme(
        name=name.strip(),
        primary=colours["primary"],
        secondary=colours.get("secondary"),
        warning=colours.get("warning"),
        error=colours.get("error"),
        success=colours.get("success"),
        accent=colours.get("accent"),
        foreground=colours.get("foreground"),
        background=colours.get("background"),
        surface=colours.get("surface"),
        panel=colours.get("panel"),
        boost=colours.get("boost"),
        dark=dark,
        variables={str(k): str(v) for k, v in variables.items()},
    )


def load_theme_file(path: Path) -> Theme:
    import yaml

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read ({exc.__class__.__name__})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ValueError(f"invalid YAML{where}") from None
    return theme_from_mapping(raw)


def load_themes(dirs: Iterable[Path]) -> tuple[dict[str, Theme], list[ThemeProblem]]:
    """Every `*.yaml`/`*.yml` theme in `dirs`; later directories override earlier ones by name."""
    themes: dict[str, Theme] = {}
    problems: list[ThemeProblem] = []
    for folder in dirs:
        if not folder.is_dir():
            continue
        for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
            try:
                theme = load_theme_file(path)
            except ValueError as exc:
                problems.append(ThemeProblem(path, str(exc)))
                continue
            themes[theme.name] = theme
    return themes, problems


class ThemeWatcher:
    """Calls `on_change(path)` from a watchdog thread when a theme file in `dirs` changes."""

    def __init__(self, dirs: Iterable[Path], on_change: Callable[[Path], None]) -> None:
        self._dirs = [d for d in dirs if d.is_dir()]
        self._on_change = on_change
        self._observer: BaseObserver | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        on_change = self._on_change

        class _Handler(FileSystemEventHandler):
            def on_any_event(self, event) -> None:
                if event.event_type in ("opened", "closed_no_write"):
                    return
                path = Path(str(getattr(event, "dest_path", "") or event.src_path))
                if path.suffix in (".yaml", ".yml"):
                    on_change(path)

        with self._lock:
            if self._observer is not None or not self._dirs:
                return
            observer = Observer()
            for folder in self._dirs:
                observer.schedule(_Handler(), str(folder), recursive=False)
            observer.daemon = True
            observer.start()
            self._observer = observer

    def stop(self) -> None:
        with self._lock:
            observer, self._observer = self._observer, None
        if observer is not None:
            observer.stop()
            observer.join(timeout=2)


REPO_THEMES_DIR = Path(__file__).resolve().parent.parent / "themes"


class ThemeManager:
    """The app's themes: loaded from the project's and the operator's folders, reloaded when a file changes."""

    def __init__(self, app: App, *, user_dir: Path, requested: str | None, watch: bool) -> None:
        self._app, self._requested, self._watch = app, requested, watch
        self.dirs = [PROJECT_THEMES_DIR, REPO_THEMES_DIR, user_dir]
        self.names: set[str] = set()  # the project's and the operator's themes, for the palette
        self._watcher: ThemeWatcher | None = None

    @property
    def watching(self) -> bool:
        return self._watcher is not None

    def start(self) -> None:
        self.load(initial=True)
        if self._watch:
            self._watcher = ThemeWatcher(self.dirs, lambda _path: self._app.call_from_thread(self.load))
            self._watcher.start()

    def stop(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None

    def load(self, *, initial: bool = False) -> None:
        app = self._app
        themes, problems = load_themes(self.dirs)
        for theme in themes.values():
            app.register_theme(theme)
        self.names |= set(themes)
        if problems:
            message = "\n".join(str(p) for p in problems)
            app.notify(
                message + "\nUsing the other themes.",
                title="Theme file problem",
                severity="error",
                timeout=10,
                markup=False,
            )
        if initial:
            wanted = self._requested or DEFAULT_THEME
            if wanted not in app.available_themes:
                app.notify(
                    f"Unknown theme {wanted!r}; using {DEFAULT_THEME}.",
                    title="Theme",
                    severity="warning",
                    markup=False,
                )
                wanted = DEFAULT_THEME
            app.theme = wanted
        elif app.theme in themes:
            # Textual applies a theme when its name changes: through another one and back, the edited colours show.
            current = app.theme
            app.theme = "textual-dark" if current != "textual-dark" else DEFAULT_THEME
            app.theme = current
