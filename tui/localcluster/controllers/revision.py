"""A Deployment's ReplicaSets as revisions: which one is new, their numbers and annotations."""

from __future__ import annotations

from tui.localcluster.controllers import specs
from tui.localcluster.controllers.hashing import semantic
from tui.model.times import parse_time

# kube-controller-manager's limit on the revision-history annotation.
MAX_REVISION_HISTORY_CHARS = 2000

_NOT_COPIED = {
    "kubectl.kubernetes.io/last-applied-configuration",
    specs.REVISION,
    specs.REVISION_HISTORY,
    specs.DESIRED_REPLICAS,
    specs.MAX_REPLICAS,
    "deprecated.deployment.rollback.to",
}


def by_creation(rss: list[dict]) -> list[dict]:
    def key(rs: dict):
        created = parse_time(rs["metadata"].get("creationTimestamp"))
        return (created.timestamp() if created else 0.0, rs["metadata"]["name"])

    return sorted(rss, key=key)


def template_without_hash(template: dict) -> dict:
    meta = template.get("metadata") or {}
    labels = {k: v for k, v in (meta.get("labels") or {}).items() if k != specs.TEMPLATE_HASH_LABEL}
    new_meta = {k: v for k, v in meta.items() if k != "labels"}
    if labels:
        new_meta["labels"] = labels
    return {**template, "metadata": new_meta}


def equal_ignore_hash(a: dict, b: dict) -> bool:
    return semantic(template_without_hash(a or {})) == semantic(template_without_hash(b or {}))


class TemplateCache:
    """Normalised templates by (uid, generation): a stored template changes only with the generation."""

    limit = 100_000

    def __init__(self) -> None:
        self._by_key: dict[tuple, dict] = {}

    def normalised(self, obj: dict) -> dict:
        meta = obj.get("metadata") or {}
        key = (meta.get("uid"), meta.get("generation"))
        found = self._by_key.get(key) if key[0] else None
        if found is None:
            found = semantic(template_without_hash((obj.get("spec") or {}).get("template") or {}))
            if key[0]:
                if len(self._by_key) >= self.limit:
                    self._by_key.clear()
                self._by_key[key] = found
        return found


def find_new(d: dict, rss: list[dict], cache: TemplateCache | None = None) -> dict | None:
    """The oldest ReplicaSet whose template is the Deployment's."""
    cache = cache or TemplateCache()
    template = cache.normalised(d)
    for rs in by_creation(rss):
        if cache.normalised(rs) == template:
            return rs
    return None


def revision_of(rs: dict) -> int:
    try:
        return int(((rs.get("metadata") or {}).get("annotations") or {}).get(specs.REVISION, "0"))
    except ValueError:
        return 0


def max_revision(rss: list[dict]) -> int:
    return max((revision_of(rs) for rs in rss), default=0)


def replicas_annotations_need_update(rs: dict, desired: int, maximum: int) -> bool:
    annotations = rs["metadata"].get("annotations") or {}
    return annotations.get(specs.DESIRED_REPLICAS) != str(desired) or annotations.get(
        specs.MAX_REPLICAS
    ) != str(maximum)


def set_replicas_annotations(annotations: dict, desired: int, maximum: int) -> bool:
    changed = False
    for name, value in ((specs.DESIRED_REPLICAS, str(desired)), (specs.MAX_REPLICAS, str(maximum))):
        if annotations.get(name) != value:
            annotations[name] = value
            changed = True
    return changed


def set_new_rs_annotations(d: dict, annotations: dict, new_revision: int, exists: bool) -> bool:
    """deploymentutil.SetNewReplicaSetAnnotations on the ReplicaSet's annotations (mutated)."""
    changed = False
    for name, value in (d["metadata"].get("annotations") or {}).items():
        if name in _NOT_COPIED or annotations.get(name) == value:
            continue
        annotations[name] = value
        changed = True
    old_text = annotations.get(specs.REVISION)
    try:
        old = int(old_text) if old_text else 0
    except ValueError:
        return False
    if old < new_revision:
        annotations[specs.REVISION] = str(new_revision)
        changed = True
        if old_text:
            history = annotations.get(specs.REVISION_HISTORY, "")
            if not history:
                annotations[specs.REVISION_HISTORY] = old_text
            else:
                kept = history.split(",")
                total = len(history) + len(old_text) + 1
                while total > MAX_REVISION_HISTORY_CHARS and kept:
                    total -= len(kept.pop(0)) + 1
                if total <= MAX_REVISION_HISTORY_CHARS:
                    annotations[specs.REVISION_HISTORY] = ",".join([*kept, old_text])
    if not exists:
        want = specs.replicas(d)
        changed = set_replicas_annotations(annotations, want, want + specs.max_surge(d)) or changed
    return changed


def new_rs_replicas(d: dict, all_rss: list[dict], new_rs: dict) -> int:
    """deploymentutil.NewRSNewReplicas: how far the new ReplicaSet may grow now."""
    want = specs.replicas(d)
    if not specs.is_rolling(d):
        return want
    current = sum(specs.replicas(rs) for rs in all_rss)
    max_total = want + specs.max_surge(d)
    if current >= max_total:
        return specs.replicas(new_rs)
    grow = min(max_total - current, want - specs.replicas(new_rs))
    return specs.replicas(new_rs) + grow


def is_saturated(d: dict, rs: dict | None) -> bool:
    if rs is None:
        return False
    desired = (rs["metadata"].get("annotations") or {}).get(specs.DESIRED_REPLICAS)
    want = specs.replicas(d)
    return (
        desired == str(want)
        and specs.replicas(rs) == want
        and int((rs.get("status") or {}).get("availableReplicas") or 0) == want
    )


def annotation_max_replicas(rs: dict) -> int:
    """The max-replicas annotation (0 when missing or unreadable)."""
    try:
        return int((rs["metadata"].get("annotations") or {}).get(specs.MAX_REPLICAS, "0"))
    except ValueError:
        return 0
