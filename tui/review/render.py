"""The review in four forms: a terminal table, JSON, Markdown for a pull request, GitHub annotations."""

from __future__ import annotations

import json
import os
import sys
from typing import TextIO

from tui.model.review import SURPRISES, Change, Outcome
from tui.model.text import printable

VALUE_WIDTH = 40
PIPED_WIDTH = 200
OUTCOME_COLOURS = {
    Outcome.APPLIES_LIVE: "green",
    Outcome.RELOAD_NEEDED: "yellow",
    Outcome.ROLLS_OUT: "cyan",
    Outcome.RESTART_NEEDED_NOT_TRIGGERED: "red",
    Outcome.NEVER_REACHES_UNTIL_RESTART: "red",
    Outcome.REJECTED_IMMUTABLE: "magenta",
}


def short(value: str | None) -> str:
    """The first line of a value, cut to fit a cell; a missing side shows as a dash."""
    if value is None:
        return "—"
    lines = value.strip("\n").splitlines() or [""]
    text = lines[0] + (f" … ({len(lines)} lines)" if len(lines) > 1 else "")
    return printable(text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 1] + "…")


def _where(change: Change) -> str:
    return f"{change.workload} in {change.namespace}"


def render_json(changes: list[Change], skipped: list[dict], out: TextIO) -> None:
    json.dump({"changes": [c.to_json() for c in changes], "skipped": skipped}, out, indent=2)
    out.write("\n")


def render_table(changes: list[Change], skipped: list[dict], console=None) -> None:
    """On `console` (a recording one for screenshots), else on stdout."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    if console is None:
        width = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else PIPED_WIDTH
        console = Console(markup=False, emoji=False, highlight=False, width=width)
    if not changes:
        console.print(Text("No setting changes between OLD and NEW."))
    else:
        table = Table(show_lines=True, expand=True)
        table.add_column("workload", overflow="fold", ratio=2)
        table.add_column("container", overflow="fold", min_width=9)
        table.add_column("setting", overflow="fold", ratio=3)
        table.add_column("old → new", overflow="fold", ratio=3)
        table.add_column("outcome", no_wrap=True)
        table.add_column("why", overflow="fold", ratio=5)
        for change in changes:
            table.add_row(
                Text(printable(_where(change))),
                Text(printable(change.container)),
                Text(printable(f"{change.name} ({change.layer})")),
                Text(f"{short(change.old)}\n→ {short(change.new)}"),
                Text(str(change.outcome), style=OUTCOME_COLOURS.get(change.outcome, "")),
                Text(printable(change.why)),
            )
        console.print(table)
    if skipped:
        console.print(Text(f"{len(skipped)} object(s) skipped (see --output json)", style="dim"))


def _cell(text: str) -> str:
    """Markdown table cell: a pipe would end the cell, a newline the row; backslashes escape first."""
    text = printable(text).replace("\\", "\\\\").replace("|", "\\|")
    return text.replace("<", "&lt;").replace("\n", "<br>")


def render_markdown(changes: list[Change], skipped: list[dict], out: TextIO) -> None:
    out.write("### kubeknobs: what applying this change does\n\n")
    if not changes:
        out.write("No setting changes.\n")
    else:
        counts: dict[str, int] = {}
        for change in changes:
            counts[change.outcome] = counts.get(change.outcome, 0) + 1
        out.write(" · ".join(f"{n} {outcome}" for outcome, n in counts.items()) + "\n\n")
        out.write("| workload | container | setting | old → new | outcome | why |\n")
        out.write("|---|---|---|---|---|---|\n")
        for change in changes:
            cells = [
                _where(change),
                change.container,
                change.name,
                f"{short(change.old)} → {short(change.new)}",
                f"**{change.outcome}**" if change.outcome in SURPRISES else str(change.outcome),
                change.why,
            ]
            out.write("| " + " | ".join(_cell(cell) for cell in cells) + " |\n")
    if skipped:
        out.write(f"\n{len(skipped)} object(s) skipped.\n")


def _data(text: str) -> str:
    """GitHub workflow-command message: %, CR and LF are escaped."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """GitHub workflow-command property: as a message, and also : and , which end a property."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(changes: list[Change], out: TextIO) -> None:
    for change in changes:
        level = (
            "error"
            if change.outcome == Outcome.REJECTED_IMMUTABLE
            else "warning"
            if change.outcome in SURPRISES
            else "notice"
        )
        props = [f"title={_property(f'{change.outcome}: {change.name}')}"]
        if change.file:
            props.insert(0, f"file={_property(change.file)}")
        message = (
            f"{_where(change)}, container {change.container}: {change.name} "
            f"{short(change.old)} → {short(change.new)}: {change.why}"
        )
        out.write(f"::{level} {','.join(props)}::{_data(printable(message))}\n")
