"""Columns sharing one line: which gives up width first, and cutting a name so both ends stay."""

from __future__ import annotations

from collections.abc import Iterable


def cut_middle(value: str, width: int) -> str:
    """`kubernaut-gat…orchestrator`: names differ at both ends, so both ends stay."""
    if len(value) <= width:
        return value
    if width <= 1:
        return "…"[:width]
    head = width // 2
    tail = width - 1 - head
    return value[:head] + "…" + (value[-tail:] if tail else "")


def cut_end(value: str, width: int) -> str:
    return value if len(value) <= width else value[: max(0, width - 1)] + "…"[:width]


def shrink(
    widths: dict[str, int], total: int, steps: Iterable[tuple[str | tuple[str, ...], int]], gap: int = 1
) -> None:
    """Narrow `widths` in place until they fit `total` with `gap` between columns.

    Each step narrows one column down to the width named (0 leaves it out), or several at once, the
    widest first, so that none is cut while another of them has room. A step only goes as far as
    needed, and what a dropped column frees goes back to the columns still cut, the narrowest first.
    """
    natural = dict(widths)

    def over() -> int:
        shown = [w for w in widths.values() if w]
        return sum(shown) + gap * (len(shown) - 1) - total

    for keys, floor in steps:
        if over() <= 0:
            break
        keys = tuple(k for k in ((keys,) if isinstance(keys, str) else keys) if k in widths)
        if floor == 0:
            for key in keys:
                widths[key] = 0
            continue
        while over() > 0:
            widest = max(keys, key=lambda k: widths[k], default=None)
            if widest is None or widths[widest] <= floor:
                break
            widths[widest] -= 1
    spare = -over()
    while spare > 0:  # the narrowest of the columns still cut gets the next cell
        cut = [key for key in widths if 0 < widths[key] < natural[key]]
        if not cut:
            break
        widths[min(cut, key=lambda k: widths[k])] += 1
        spare -= 1
