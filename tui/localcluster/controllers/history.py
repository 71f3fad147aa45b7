"""ControllerRevisions: the template history of StatefulSets and DaemonSets (rollout history/undo)."""

from __future__ import annotations

import copy

from tui.localcluster.controllers.hashing import semantic
from tui.localcluster.controllers.objects import owner_reference


def revision_data(obj: dict) -> dict:
    """getPatch: the template as a strategic-merge patch that replaces it (what `rollout undo` applies)."""
    template = copy.deepcopy((obj.get("spec") or {}).get("template") or {})
    template["$patch"] = "replace"
    return {"spec": {"template": template}}


def same_data(revision: dict, data: dict) -> bool:
    return semantic(revision.get("data")) == semantic(data)


def template_of(revision: dict) -> dict:
    """ApplyRevision: the pod template a revision holds."""
    template = copy.deepcopy((((revision.get("data") or {}).get("spec") or {}).get("template")) or {})
    template.pop("$patch", None)
    return template


def by_number(revisions: list[dict]) -> list[dict]:
    return sorted(revisions, key=lambda r: (int(r.get("revision") or 0), r["metadata"]["name"]))


def next_number(revisions: list[dict]) -> int:
    return max((int(r.get("revision") or 0) for r in revisions), default=0) + 1


def new_revision(owner: dict, kind: str, name: str, labels: dict, data: dict, number: int) -> dict:
    annotations = dict(owner["metadata"].get("annotations") or {})
    meta = {
        "name": name,
        "namespace": owner["metadata"].get("namespace"),
        "labels": labels,
        "ownerReferences": [owner_reference(owner, kind)],
    }
    if annotations:
        meta["annotations"] = annotations
    return {
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": meta,
        "data": data,
        "revision": number,
    }


def renumber(store, revision: dict, number: int) -> dict:
    if int(revision.get("revision") or 0) == number:
        return revision
    return store.update("controllerrevisions", {**revision, "revision": number})


def truncate(store, revisions: list[dict], live: set[str], limit: int | None) -> None:
    """Delete the oldest revisions no pod or status refers to, beyond revisionHistoryLimit."""
    if limit is None:
        return
    history = [r for r in by_number(revisions) if r["metadata"]["name"] not in live]
    for revision in history[: max(len(history) - limit, 0)]:
        try:
            store.delete(
                "controllerrevisions", revision["metadata"].get("namespace"), revision["metadata"]["name"]
            )
        except Exception as exc:
            if getattr(exc, "code", None) != 404:
                raise
