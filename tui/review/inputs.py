"""Read OLD and NEW: files, directories, stdin, or the same paths at a Git ref."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tui.explain import ExplainError, _documents, _sources, _with_default_namespace
from tui.model.classify import classify
from tui.model.profiles import ProfileSet
from tui.model.review import Deployed, Side
from tui.model.workload import WORKLOAD_KINDS, Workload, WorkloadError

GIT_PREFIX = "git:"
YAML_SUFFIXES = (".yaml", ".yml")


def read_side(sources: list[tuple[str, str]], profiles: ProfileSet, skipped: list[dict]) -> Side:
    """Classify every workload of the sources; objects of other kinds go to `skipped`."""
    side = Side()
    workloads = []
    for name, text in sources:
        file = None if name == "<stdin>" else name
        for number, obj in _documents(name, text):
            kind = obj.get("kind")
            obj = _with_default_namespace(obj)
            if kind in ("ConfigMap", "Secret"):
                side.add_source(obj, file)
            elif kind in WORKLOAD_KINDS:
                workloads.append((name, number, file, obj))
            else:
                metadata = obj.get("metadata") or {}
                skipped.append(
                    {
                        "file": file,
                        "kind": kind,
                        "namespace": metadata.get("namespace") if isinstance(metadata, dict) else None,
                        "name": metadata.get("name") if isinstance(metadata, dict) else None,
                        "reason": "not a workload, ConfigMap or Secret",
                    }
                )
    for name, number, file, obj in workloads:
        try:
            workload = Workload.from_api(obj)
            settings = classify(workload, side.objects, profiles)
        except WorkloadError as error:
            raise ExplainError(f"{name}: document {number}: {error}") from None
        side.workloads[(workload.namespace, workload.kind, workload.name)] = Deployed(
            obj, workload, settings, file
        )
    return side


def read_paths(paths: list[str]) -> list[tuple[str, str]]:
    """(display name, text) of each file, directory entry or stdin; a clear error when one is missing."""
    if paths.count("-") > 1:
        raise ExplainError("-: stdin can be read only once")
    return _sources(paths)


def read_at_ref(ref: str, paths: list[str]) -> list[tuple[str, str]]:
    """The same paths as NEW, read at Git ref `ref` in each path's repository; a path new since is empty."""
    if not ref:
        raise ExplainError("--against git:REF needs a ref, e.g. git:HEAD or git:origin/main")
    sources = []
    for raw in paths:
        if raw == "-":
            raise ExplainError("--against git:REF reads NEW's paths at REF: give NEW as files, not -")
        path = Path(raw).resolve()
        if not path.exists():
            raise ExplainError(f"{raw}: no such file or directory")
        folder = path if path.is_dir() else path.parent
        top = _git(folder, "rev-parse", "--show-toplevel", error=f"{raw}: not inside a Git repository")
        root = Path(top.strip())
        _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", error=f"{ref}: no such Git ref")
        relative = path.relative_to(root).as_posix()
        if path.is_dir():
            where = f"{relative}/" if relative != "." else "."
            listing = _git(
                root, "ls-tree", "--name-only", ref, "--", where, error=f"{ref}: cannot list {raw}"
            )
            names = sorted(line for line in listing.splitlines() if line.endswith(YAML_SUFFIXES))
        else:
            names = [relative]
        for name in names:
            shown = subprocess.run(
                ["git", "-C", str(root), "show", f"{ref}:{name}"], capture_output=True, text=True
            )
            # a file added since REF has no old version: every setting in it is new
            sources.append((f"{ref}:{name}", shown.stdout if shown.returncode == 0 else ""))
    return sources


def _git(folder: Path, *args: str, error: str) -> str:
    try:
        result = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True)
    except OSError as problem:
        raise ExplainError(f"cannot run git: {problem}") from None
    if result.returncode != 0:
        raise ExplainError(error)
    return result.stdout
