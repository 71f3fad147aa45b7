"""Reload sidecars: another container of the pod watches a mounted directory and tells the app it changed."""

from __future__ import annotations

import fnmatch
import posixpath
from dataclasses import dataclass

from tui.model.flags import parse_command_line
from tui.model.workload import Container, Workload


@dataclass(frozen=True)
class ReloadSidecar:
    container: str
    tool: str  # configmap-reload | prometheus-config-reloader
    volumes: tuple[str, ...]  # the volumes whose watched directory the sidecar sees change
    blind: tuple[str, ...]  # volumes it mounts with subPath: a copy it never sees change
    target: str  # what it calls or signals, e.g. http://localhost:9090/-/reload


# (tool, image glob, flag naming a watched directory, flag naming what it calls)
TOOLS = (
    ("configmap-reload", "*configmap-reload", "volume-dir", "webhook-url"),
    ("prometheus-config-reloader", "*prometheus-config-reloader", "watched-dir", "reload-url"),
)


def _tool(container: Container) -> tuple[str, str, str] | None:
    repository = container.image_repository
    for tool, image, dir_flag, target_flag in TOOLS:
        if fnmatch.fnmatchcase(repository, image):
            return tool, dir_flag, target_flag
    return None


def _volumes_under(container: Container, directory: str) -> tuple[list[str], list[str]]:
    """(volumes mounted at or above `directory`, volumes copied in or above it with subPath)."""
    seen, blind = [], []
    wanted = posixpath.normpath(directory)
    for mount in container.volume_mounts:
        path = posixpath.normpath(str(mount.get("mountPath") or "/"))
        copy = bool(mount.get("subPath") or mount.get("subPathExpr"))
        above = wanted == path or wanted.startswith(path.rstrip("/") + "/")
        if copy and (above or path.startswith(wanted.rstrip("/") + "/")):
            blind.append(str(mount.get("name")))  # a file copied into the directory
        elif above:
            seen.append(str(mount.get("name")))
    return seen, blind


def reload_sidecars(workload: Workload) -> tuple[ReloadSidecar, ...]:
    found = []
    for container in workload.containers:
        tool = _tool(container)
        if tool is None:
            continue
        name, dir_flag, target_flag = tool
        command = parse_command_line(container.command, container.args, {})
        dirs = [f.value for f in command.flags if f.bare_name == dir_flag and f.value]
        targets = [f.value for f in command.flags if f.bare_name == target_flag and f.value]
        method = next((f.value for f in command.flags if f.bare_name == "reload-method"), None)
        volumes: list[str] = []
        blind: list[str] = []
        for directory in dirs:
            seen, copies = _volumes_under(container, directory)
            volumes += seen
            blind += copies
        target = "a signal to the app's process" if method == "signal" else (targets[-1] if targets else "")
        if target and (volumes or blind):
            found.append(
                ReloadSidecar(
                    container.name,
                    name,
                    tuple(dict.fromkeys(volumes)),
                    tuple(dict.fromkeys(blind)),
                    target,
                )
            )
    return tuple(found)


def sidecar_for(
    sidecars: tuple[ReloadSidecar, ...], container: Container, volume: str
) -> ReloadSidecar | None:
    """The sidecar that sees `volume` change, for a file another container reads from it."""
    return next((s for s in sidecars if s.container != container.name and volume in s.volumes), None)


def blind_sidecar(
    sidecars: tuple[ReloadSidecar, ...], container: Container, volume: str
) -> ReloadSidecar | None:
    return next((s for s in sidecars if s.container != container.name and volume in s.blind), None)


def watcher_of(
    sidecars: tuple[ReloadSidecar, ...], container: Container, volume: str
) -> ReloadSidecar | None:
    """The sidecar itself, for the volume it watches."""
    return next((s for s in sidecars if s.container == container.name and volume in s.volumes), None)
