"""The columns of the controllers table: their order, how they share a line, how they sort."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tui.widgets.columns import shrink


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int  # the width it starts from before the rows say how wide they are
    flex: bool = False  # takes a share of the room left over
    right: bool = False


COLUMNS = (
    Column("namespace", "NAMESPACE", 18),
    Column("kind", "KIND", 11),
    Column("name", "NAME", 22, flex=True),
    Column("ready", "READY", 5, right=True),
    Column("age", "AGE", 4, right=True),
    Column("configmaps", "CONFIGMAPS", 26, flex=True),
    Column("summary", "LAYERS", 24),
)
# When the line is too narrow, columns give up width in this order, each down to the width named;
# 0 drops the column. LAYERS, the reason for this table, gives last.
SHRINK = (
    ("configmaps", 12),
    ("namespace", 12),
    ("name", 20),
    ("ready", 9),  # "0/1 Cras…": the error colour still marks it
    ("configmaps", 0),
    ("kind", 6),
    ("age", 0),
    ("name", 16),
    ("summary", 16),
    ("name", 10),
    ("namespace", 8),
)
SHORT_KINDS = {"Deployment": "deploy", "StatefulSet": "sts", "DaemonSet": "ds"}  # kubectl's short names
SORTS = ("namespace", "kind", "name", "ready", "age", "summary")


def layer_counts(summary: str | None) -> dict[str, int]:
    """`2 hot · 6 restart` as {"hot": 2, "restart": 6}; a summary not yet known counts nothing."""
    counts: dict[str, int] = {}
    for part in (summary or "").split("·"):
        number, _, label = part.strip().partition(" ")
        if number.isdigit() and label:
            counts[label] = int(number)
    return counts


def _strictness(row) -> tuple:
    """Most settings that need a restart first (then immutable, file, hot); unknown summaries last."""
    counts = layer_counts(row.summary)
    return (
        not counts,
        -counts.get("restart", 0),
        -counts.get("immutable", 0),
        -counts.get("file", 0),
        -counts.get("hot", 0),
    )


def sort_key(column: str) -> Callable:
    if column == "ready":
        return lambda r: (not getattr(r, "crash", ""), r.ready - r.desired, r.namespace, r.name)
    if column == "age":
        return lambda r: ((r.created or ""), r.namespace, r.name)
    if column == "kind":
        return lambda r: (r.kind, r.namespace, r.name)
    if column == "name":
        return lambda r: (r.name, r.namespace, r.kind)
    if column == "summary":
        return lambda r: (*_strictness(r), r.namespace, r.name)
    return lambda r: (r.namespace, r.kind, r.name)


def ready_text(row) -> str:
    """`1/1`, or `0/1 CrashLoopBackOff` while its pods fail."""
    crash = getattr(row, "crash", "")
    return f"{row.ready}/{row.desired} {crash}" if crash else f"{row.ready}/{row.desired}"


def natural_widths(row) -> dict[str, int]:
    """How wide each column's value of this row is, uncut."""
    return {
        "namespace": len(row.namespace),
        "kind": len(row.kind),
        "name": len(row.name),
        "ready": len(ready_text(row)),
        "configmaps": len(",".join(row.configmaps)) or 1,
        "summary": len(row.summary or "") or 1,
    }


def column_widths(natural: dict[str, int], total: int, sort_column: str = "") -> dict[str, int]:
    """Each column's width on a line `total` cells wide, from the widest values; 0 leaves it out."""
    widths = {c.key: max(len(c.label) + (c.key == sort_column), natural.get(c.key, c.width)) for c in COLUMNS}
    widths["age"] = max(widths["age"], 4)  # "119s", "47h", "100d"

    shrink(widths, total, [step for step in SHRINK if step != (sort_column, 0)])  # the sort column stays
    shown = [w for w in widths.values() if w]
    spare = total - sum(shown) - len(shown) + 1
    flex = [c.key for c in COLUMNS if c.flex and widths[c.key]]
    if spare > 0 and flex:
        for i, key in enumerate(flex):
            widths[key] += spare // len(flex) + (1 if i < spare % len(flex) else 0)
    return widths
