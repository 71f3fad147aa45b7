"""Figures: repeated measurements summarised as median, min and max, and percentiles of samples."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field


@dataclass
class Figure:
    name: str
    size: str
    unit: str = "s"
    values: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")

    def cells(self) -> list[str]:
        if not self.values:
            return [self.name, self.size, "-", "-", "-", "0", self.note]
        fmt = _fmt(self.unit)
        return [
            self.name,
            self.size,
            fmt(self.median),
            fmt(min(self.values)),
            fmt(max(self.values)),
            str(len(self.values)),
            self.note,
        ]


def _fmt(unit: str):
    if unit == "s":
        return lambda v: f"{v:.3f} s"
    if unit == "ms":
        return lambda v: f"{v:.1f} ms"
    if unit == "MB":
        return lambda v: f"{v:.0f} MB"
    if unit == "x":
        return lambda v: f"{v:.2f}"
    return lambda v: f"{v:g} {unit}".strip()


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


HEADER = ["figure", "size", "median", "min", "max", "runs", "note"]


def table(figures: list[Figure]) -> str:
    rows = [HEADER] + [f.cells() for f in figures]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown(figures: list[Figure]) -> str:
    rows = [HEADER] + [f.cells() for f in figures]
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(HEADER)]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows[1:]]
    return "\n".join(out)
