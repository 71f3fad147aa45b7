"""The change history: one JSON line per change the wizard made, beside the ConfigMap backups.

Lives in `$KUBEKNOBS_STATE_DIR`, else `$XDG_STATE_HOME/kubeknobs` (the directory that holds
`backups/`); a record names the backup file that can undo a ConfigMap edit.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from tui.model.paths import state_dir

FILE_NAME = "history.jsonl"
_LOCK = threading.Lock()


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


def history_path() -> Path:
    return state_dir() / FILE_NAME


class ChangeHistory:
    """Append-only JSON lines; unreadable lines are skipped, never fatal."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path is not None else history_path()

    def append(self, record: ChangeRecord) -> None:
        line = json.dumps(record.to_json(), ensure_ascii=False, sort_keys=True) + "\n"
        with _LOCK:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as fh:
                fh.write(line)

    def records(self) -> list[ChangeRecord]:
        """Newest first; a change recorded at apply and again at its outcome is listed once, as last written."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError):
            return []
        latest: dict[tuple, ChangeRecord] = {}
        for line in text.splitlines():
            try:
                record = ChangeRecord.from_json(json.loads(line))
            except (ValueError, TypeError):
                continue
            latest[record.identity] = record  # a dict keeps the place of the first line of each change
        return list(reversed(latest.values()))
