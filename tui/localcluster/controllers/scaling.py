"""Proportional scaling: a Deployment resized mid-rollout spreads the change over its ReplicaSets."""

from __future__ import annotations

from collections.abc import Iterable

from tui.localcluster.controllers import revision, specs
from tui.localcluster.controllers.objects import round_half_away


def active(rss: Iterable[dict | None]) -> list[dict]:
    """The ReplicaSets with pods wanted; a missing new ReplicaSet (None) is skipped, as Go skips nil."""
    return [rs for rs in rss if rs is not None and specs.replicas(rs) > 0]


def _largest_first(rss: list[dict], newer_first: bool) -> list[dict]:
    """ReplicaSetsBySizeNewer / BySizeOlder: larger first, ties broken by age."""
    ordered = revision.by_creation(rss)
    if newer_first:
        ordered.reverse()
    return sorted(ordered, key=lambda rs: -specs.replicas(rs))


def active_or_latest(new_rs: dict | None, old: list[dict]) -> dict | None:
    """FindActiveOrLatest: the only ReplicaSet with pods, else the newest one, else None."""
    if new_rs is None and not old:
        return None
    newest_first = list(reversed(revision.by_creation(old)))
    with_pods = active([*newest_first, new_rs])
    if not with_pods:
        return new_rs if new_rs is not None else newest_first[0]
    return with_pods[0] if len(with_pods) == 1 else None


def proportion(d: dict, rs: dict, to_add: int, added: int) -> int:
    """GetReplicaSetProportion: this ReplicaSet's share of the replicas to add (or remove)."""
    if specs.replicas(rs) == 0 or to_add == 0 or to_add == added:
        return 0
    want = specs.replicas(d)
    if want == 0:
        fraction = -specs.replicas(rs)
    else:
        before = revision.annotation_max_replicas(rs) or int((d.get("status") or {}).get("replicas") or 0)
        if before == 0:
            fraction = 0
        else:
            fraction = round_half_away(
                specs.replicas(rs) * (want + specs.max_surge(d)) / before
            ) - specs.replicas(rs)
    allowed = to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)


def scale_proportionally(rollout, new_rs: dict | None, old: list[dict]) -> None:
    """The deployment controller's scale(): resize the active ReplicaSets to the new replica count."""
    d = rollout.d
    want = specs.replicas(d)
    only = active_or_latest(new_rs, old)
    if only is not None:
        if specs.replicas(only) != want:
            rollout.scale_and_record(only, want)
        return
    if revision.is_saturated(d, new_rs):
        for rs in active(old):
            rollout.scale_and_record(rs, 0)
        return
    if not specs.is_rolling(d):
        return
    targets = active([*old, new_rs])
    allowed = want + specs.max_surge(d) if want > 0 else 0
    to_add = allowed - sum(specs.replicas(rs) for rs in targets)
    operation = None
    if to_add > 0:
        targets, operation = _largest_first(targets, newer_first=True), "up"
    elif to_add < 0:
        targets, operation = _largest_first(targets, newer_first=False), "down"
    added = 0
    sizes = {}
    for rs in targets:
        share = proportion(d, rs, to_add, added) if to_add else 0
        sizes[rs["metadata"]["name"]] = specs.replicas(rs) + share
        added += share
    for i, rs in enumerate(targets):
        name = rs["metadata"]["name"]
        if i == 0 and to_add:
            sizes[name] = max(sizes[name] + to_add - added, 0)
        rollout.scale_rs(rs, sizes[name], operation)
