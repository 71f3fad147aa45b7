"""One change as the history keeps it, and what the change flow needs of the history: somewhere to append it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from tui.change.plan import Route

if TYPE_CHECKING:
    from tui.change.flow import ChangeFlow


@dataclass(frozen=True)
class ChangeRecord:
    started: str  # RFC 3339, when the change was applied
    context: str
    user: str  # the kubeconfig user who made it
    namespace: str
    workload: str  # "Deployment/name"
    container: str
    setting: str  # the name an operator looks for: key path, key, flag or variable
    source: str
    layer: str
    old_value: str | None
    new_value: str | None
    outcome: str  # in-force | rejected | reverted | rolled-back | failed | following | applied
    in_force_after: float | None = None  # seconds from apply until every pod ran the new value
    configmap: str | None = None
    key: str | None = None
    key_path: str | None = None
    undo: str = ""  # how to undo it, in the operator's words
    backup: str | None = None  # path of the ConfigMap backup written before the edit
    message: str = ""

    @property
    def identity(self) -> tuple:
        return (
            self.started,
            self.context,
            self.namespace,
            self.workload,
            self.container,
            self.setting,
            self.new_value,
        )

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, doc: dict) -> ChangeRecord:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in doc.items() if k in known})


class ChangeLog(Protocol):
    """Where the flow appends a change's record (tui/history.py's ChangeHistory, on disk)."""

    def append(self, record: ChangeRecord) -> None: ...


def reverted_record(record: ChangeRecord, message: str) -> ChangeRecord:
    """The history line of a revert of `record`: now, the values swapped, nothing left to undo."""
    return replace(
        record,
        started=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        old_value=record.new_value,
        new_value=record.old_value,
        outcome="reverted",
        in_force_after=None,
        backup=None,
        undo="",
        message=message,
    )


def record_of(flow: ChangeFlow, outcome: str) -> ChangeRecord:
    """The change as the history keeps it, with who made it and how to undo it."""
    s, conn = flow.setting, getattr(flow.session, "connection", None)
    draft = flow.draft
    old = s.value if flow.route != Route.KEY else (draft.old_text if draft else None)
    return ChangeRecord(
        started=(flow.applied_wall or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        context=getattr(conn, "context", "") or "",
        user=getattr(conn, "user", "") or "",
        namespace=flow.namespace,
        workload=f"{flow.key[0]}/{flow.key[2]}",
        container=s.container,
        setting=flow.name,
        source=str(s.source),
        layer=str(s.layer),
        old_value=old,
        new_value=draft.value if draft else None,
        outcome=outcome,
        in_force_after=None if flow.in_force_after is None else round(flow.in_force_after, 1),
        configmap=s.configmap,
        key=s.key,
        key_path=s.key_path,
        undo=flow.undo_hint(),
        backup=flow.applied.backup if flow.applied is not None else None,
        message="; ".join(flow.undo_done),
    )
