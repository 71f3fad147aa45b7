"""Regenerate screenshots/review.svg, the table `kubeknobs explain --against` prints: `python screenshots/review.py`."""

from __future__ import annotations

import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from rich.console import Console  # noqa: E402

from tests.explain.against_manifests import helm_store, immutable_tariff, review, subpath_proxy  # noqa: E402
from tui.review.render import render_table  # noqa: E402


def main() -> None:
    old = "---\n".join([helm_store(), subpath_proxy(), immutable_tariff()])
    new = "---\n".join(
        [
            helm_store(connections=40, level="DEBUG"),
            subpath_proxy(log_level="debug", timeout="45s"),
            immutable_tariff(vat="0.21"),
        ]
    )
    changes, skipped = review(old, new)
    console = Console(record=True, width=170, markup=False, emoji=False, highlight=False, file=io.StringIO())
    render_table(changes, skipped, console)
    console.save_svg(str(HERE / "review.svg"), title="kubeknobs explain --against old/ -f new/")
    print(HERE / "review.svg")


if __name__ == "__main__":
    main()
