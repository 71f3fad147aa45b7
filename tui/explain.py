"""`kubeknobs explain`: classify the settings of manifests offline."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import yaml

from tui.model.classify import classify
from tui.model.content import UniqueKeyLoader
from tui.model.layers import Setting, Source, layer_spec, layer_summary
from tui.model.objects import ClusterObjects
from tui.model.profiles import ProfileSet
from tui.model.text import printable
from tui.model.workload import WORKLOAD_KINDS, WorkloadError

EXIT_BAD_INPUT = 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a reader that left early
PIPED_WIDTH = 200
VALUE_WIDTH = 60


class ExplainError(Exception):
    """Bad input for explain; the message names the file and the document."""


def _sources(paths: list[str]) -> list[tuple[str, str]]:
    """(display name, text) for each file, directory entry or stdin."""
    sources: list[tuple[str, str]] = []
    for raw in paths:
        if raw == "-":
            sources.append(("<stdin>", sys.stdin.read()))
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
            if not files:
                raise ExplainError(f"{raw}: no *.yaml or *.yml files in this directory")
        elif path.exists():
            files = [path]
        else:
            raise ExplainError(f"{raw}: no such file or directory")
        for file in files:
            try:
                sources.append((str(file), file.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError) as error:
                raise ExplainError(f"{file}: cannot read: {error}") from None
    return sources


def _documents(name: str, text: str):
    """(document number, object) for every non-empty document, the items of a `List` or `*List` flattened."""
    try:
        documents = list(yaml.load_all(text, Loader=UniqueKeyLoader))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        number = text[: _offset(text, mark.line)].count("\n---") + 1 if mark is not None else None
        where = f"document {number}" if number else "a document"
        detail = " ".join(str(error).split())
        raise ExplainError(f"{name}: {where}: not valid YAML: {detail}") from None
    for number, doc in enumerate(documents, 1):
        if doc is None:
            continue
        if not isinstance(doc, dict):
            raise ExplainError(f"{name}: document {number}: not a Kubernetes object (expected a mapping)")
        kind = doc.get("kind")
        if isinstance(kind, str) and kind.endswith("List") and isinstance(doc.get("items"), list):
            # the API leaves out the kind of a typed list's items (ConfigMapList): it is the list's
            item_kind = kind.removesuffix("List") or None
            for item in doc["items"]:
                if isinstance(item, dict):
                    yield number, item if item.get("kind") or not item_kind else {"kind": item_kind, **item}
            continue
        yield number, doc


def _offset(text: str, line: int) -> int:
    position = 0
    for _ in range(line):
        position = text.find("\n", position) + 1
        if position == 0:
            return len(text)
    return position


POD_RUNNERS = ("Pod", "Job", "CronJob", "ReplicaSet", "ReplicationController")


def collect(paths: list[str], profiles: ProfileSet) -> list[tuple[str, list[Setting]]]:
    """(workload title, settings) for every workload in the inputs, in input order."""
    return explain_inputs(paths, profiles)[0]


def explain_inputs(
    paths: list[str], profiles: ProfileSet
) -> tuple[list[tuple[str, list[Setting]]], list[dict[str, str]]]:
    """The classified workloads, and every other object as {kind, namespace, name, why} it was skipped."""
    objects = ClusterObjects()
    workloads: list[tuple[str, int, dict]] = []
    skipped: list[dict[str, str]] = []
    for name, text in _sources(paths):
        for number, obj in _documents(name, text):
            kind = obj.get("kind")
            if kind in ("ConfigMap", "Secret"):
                objects.add(_with_default_namespace(obj))
            elif kind in WORKLOAD_KINDS:
                workloads.append((name, number, _with_default_namespace(obj)))
            else:
                skipped.append(_skipped(obj, _why(kind)))
    results = []
    for name, number, obj in workloads:
        try:
            settings = classify(obj, objects, profiles)
        except WorkloadError as error:
            raise ExplainError(f"{name}: document {number}: {error}") from None
        if not settings:
            skipped.append(
                _skipped(obj, "no settings: no flags, env vars or ConfigMap/Secret in its pod template")
            )
            continue
        namespace = obj["metadata"]["namespace"]
        results.append((f"{obj['kind']}/{obj['metadata']['name']} in {namespace}", settings))
    return results, skipped


def _why(kind) -> str:
    if kind in POD_RUNNERS:
        return f"a {kind} runs pods, but only Deployments, StatefulSets and DaemonSets are classified"
    if not isinstance(kind, str) or not kind:
        return "no kind"
    return "not a workload: it has no containers to take settings"


def _skipped(obj: dict, why: str) -> dict[str, str]:
    raw = obj.get("metadata")
    metadata: dict = raw if isinstance(raw, dict) else {}
    return {
        "kind": str(obj.get("kind") or ""),
        "namespace": str(metadata.get("namespace") or ""),
        "name": str(metadata.get("name") or ""),
        "why": why,
    }


def _with_default_namespace(obj: dict) -> dict:
    metadata = obj.get("metadata")
    if isinstance(metadata, dict) and not metadata.get("namespace"):
        return {**obj, "metadata": {**metadata, "namespace": "default"}}
    return obj


def _short(value: str | None, secret: bool) -> str:
    if secret:
        return "(secret)"
    if value is None:
        return "(unknown)"
    lines = value.strip("\n").splitlines() or [""]
    text = lines[0] + (" …" if len(lines) > 1 else "")
    return printable(text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 1] + "…")


def _value_cell(setting: Setting) -> str:
    """A repeated flag shows each of its values on a line; other values their first line."""
    if setting.source == Source.FLAG and setting.value and not setting.secret:
        return "\n".join(_short(value, False) for value in setting.value.split("\n"))
    return _short(setting.value, setting.secret)


def render_table(results: list[tuple[str, list[Setting]]]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # piped: rich would squeeze to 80 columns; take COLUMNS when set, else room for every column
    width = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else PIPED_WIDTH
    console = Console(markup=False, emoji=False, highlight=False, width=width)
    if not results:
        console.print(Text("No Deployment, StatefulSet or DaemonSet found."))
        return
    for title, settings in results:
        several = len({s.container for s in settings}) > 1
        table = Table(
            title=Text(printable(f"{title} — {layer_summary(settings)}")),
            title_justify="left",
            show_lines=True,
            expand=True,
        )
        if several:
            table.add_column("container")
        table.add_column("setting", overflow="fold", ratio=3)
        table.add_column("value", overflow="fold", ratio=2)
        table.add_column("layer", no_wrap=True)
        table.add_column("what to do", overflow="fold", ratio=4)
        for setting in settings:
            cells = [
                Text(printable(setting.name)),
                Text(_value_cell(setting)),
                Text(layer_spec(setting.layer).summary_label, style=layer_spec(setting.layer).plain_colour),
                Text(printable("\n".join(f"{i}. {step}" for i, step in enumerate(setting.plan, 1)))),
            ]
            if several:
                cells.insert(0, Text(printable(setting.container + (" (init)" if setting.init else ""))))
            table.add_row(*cells)
        console.print(table)


def run_explain(args) -> int:
    profiles, errors = ProfileSet.load(extra_dirs=[args.profiles] if getattr(args, "profiles", None) else ())
    for error in errors:
        print(f"kubeknobs explain: profile skipped: {printable(str(error))}", file=sys.stderr)
    try:
        results, skipped = explain_inputs(list(args.filename), profiles)
    except ExplainError as error:
        print(f"kubeknobs explain: {printable(str(error))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        if args.output == "json":
            settings = [setting.to_json() for _, group in results for setting in group]
            json.dump({"settings": settings, "skipped": skipped}, sys.stdout, indent=2)
            sys.stdout.write("\n")
        else:
            render_table(results)
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader (`| head`) left: point stdout at devnull so the exit flush does not fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return 0
