"""The kubelet's AtomicWriter: how ConfigMap, Secret and projected volumes appear on disk.

    <target>/..2026_11_27_09_21_27.123456789/<key>   the content of one version
    <target>/..data -> ..2026_11_27_09_21_27.123456789   swapped by rename, atomically
    <target>/<key> -> ..data/<key>                     what the application opens

A reader that opens `<target>/<key>` always sees one whole version; a watcher on
`<target>` sees the `..data` swap. Stale keys' symlinks and the old version go.
"""

from __future__ import annotations

import os
import shutil
import time

DATA_DIR = "..data"
DATA_TMP = "..data_tmp"


class PayloadError(ValueError):
    """A payload path that would escape the volume or collide with the writer's own names."""


def check_path(path: str) -> None:
    if not path or os.path.isabs(path) or path.startswith(".."):
        raise PayloadError(f"invalid path {path!r}: must be relative and not start with '..'")
    if any(part in ("", ".", "..") for part in path.split("/")):
        raise PayloadError(f"invalid path {path!r}: must not contain '.', '..' or empty elements")


def version_dir_name(now: float | None = None) -> str:
    now = time.time() if now is None else now
    nanos = int((now % 1) * 1e9)
    return time.strftime("..%Y_%m_%d_%H_%M_%S.", time.gmtime(now)) + f"{nanos:09d}"


def current_payload(target: str) -> dict[str, bytes] | None:
    """The payload of the version `..data` points at, or None when nothing was written yet."""
    data = os.path.join(target, DATA_DIR)
    if not os.path.islink(data):
        return None
    payload = {}
    root = os.path.realpath(data)
    for dirpath, _, files in os.walk(root):
        for name in files:
            full = os.path.join(dirpath, name)
            with open(full, "rb") as handle:
                payload[os.path.relpath(full, root)] = handle.read()
    return payload


def write(target: str, payload: dict[str, bytes], mode: int = 0o644) -> bool:
    """Publish `payload` (relative path -> bytes) in `target`; False when it was already there."""
    for path in payload:
        check_path(path)
    os.makedirs(target, exist_ok=True)
    old = current_payload(target)
    if old == payload:
        _link_user_paths(target, payload)
        return False
    old_dir = os.readlink(os.path.join(target, DATA_DIR)) if old is not None else None

    version = version_dir_name()
    while os.path.exists(os.path.join(target, version)):
        version = version_dir_name()
    version_path = os.path.join(target, version)
    os.mkdir(version_path)
    for path, content in payload.items():
        full = os.path.join(version_path, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as handle:
            handle.write(content)
        os.chmod(full, mode)

    tmp = os.path.join(target, DATA_TMP)
    if os.path.lexists(tmp):
        os.unlink(tmp)
    os.symlink(version, tmp)
    os.rename(tmp, os.path.join(target, DATA_DIR))

    _link_user_paths(target, payload)
    if old is not None:
        stale = {p.split("/", 1)[0] for p in old} - {p.split("/", 1)[0] for p in payload}
        for name in stale:
            link = os.path.join(target, name)
            if os.path.islink(link):
                os.unlink(link)
    if old_dir and old_dir != version:
        shutil.rmtree(os.path.join(target, old_dir), ignore_errors=True)
    return True


def _link_user_paths(target: str, payload: dict[str, bytes]) -> None:
    for top in {p.split("/", 1)[0] for p in payload}:
        link = os.path.join(target, top)
        if not os.path.lexists(link):
            os.symlink(os.path.join(DATA_DIR, top), link)
