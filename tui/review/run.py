"""`kubeknobs explain --against OLD -f NEW`: read both sides, compare, print, and set the exit code."""

from __future__ import annotations

import os
import sys

from tui.explain import EXIT_BAD_INPUT, EXIT_BROKEN_PIPE, ExplainError
from tui.model.profiles import ProfileSet
from tui.model.review import Outcome, compare, failing
from tui.model.text import printable
from tui.review.inputs import GIT_PREFIX, read_at_ref, read_paths, read_side
from tui.review.render import render_github, render_json, render_markdown, render_table

EXIT_FAILED = 1


def fail_on(text: str | None) -> list[Outcome]:
    """The outcomes named by --fail-on; ExplainError for a name that is not one."""
    if not text:
        return []
    names = [part.strip() for part in text.split(",") if part.strip()]
    known = {str(outcome) for outcome in Outcome}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ExplainError(f"--fail-on: unknown outcome {', '.join(unknown)} (one of: {', '.join(known)})")
    return [Outcome(name) for name in names]


def run_review(args) -> int:
    profiles, errors = ProfileSet.load(extra_dirs=[args.profiles] if getattr(args, "profiles", None) else ())
    for error in errors:
        print(f"kubeknobs explain: profile skipped: {printable(str(error))}", file=sys.stderr)
    paths = list(args.filename)
    try:
        outcomes = fail_on(args.fail_on)
        if args.against.startswith(GIT_PREFIX):
            old_sources = read_at_ref(args.against.removeprefix(GIT_PREFIX), paths)
        else:
            if args.against == "-" and "-" in paths:
                raise ExplainError("-: stdin can be read only once (give OLD or NEW as a file)")
            old_sources = read_paths([args.against])
        skipped: list[dict] = []
        old = read_side(old_sources, profiles, [])
        new = read_side(read_paths(paths), profiles, skipped)
    except ExplainError as error:
        print(f"kubeknobs explain: {printable(str(error))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    changes, unread = compare(old, new)
    skipped.extend(unread)
    try:
        if args.output == "json":
            render_json(changes, skipped, sys.stdout)
        elif args.output == "markdown":
            render_markdown(changes, skipped, sys.stdout)
        elif args.output == "github":
            render_github(changes, sys.stdout)
        else:
            render_table(changes, skipped)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return EXIT_FAILED if failing(changes, outcomes) else 0
