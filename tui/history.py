"""The change history: one JSON line per change the wizard made, beside the ConfigMap backups.

Lives in `$KUBEKNOBS_STATE_DIR`, else `$XDG_STATE_HOME/kubeknobs` (the directory that holds
`backups/`); a record names the backup file that can undo a ConfigMap edit. Each line names the
cluster it was made on (the API server and the cluster's identity), so that a new cluster behind the
same context name, or the same address, does not list the changes made on an earlier one.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from tui.change.record import ChangeRecord
from tui.model.paths import state_dir

FILE_NAME = "history.jsonl"
_LOCK = threading.Lock()


def history_path() -> Path:
    return state_dir() / FILE_NAME


class ChangeHistory:
    """Append-only JSON lines; unreadable lines are skipped, never fatal."""

    def __init__(self, path: Path | None = None, *, cluster: str | None = None):
        """`cluster`: the identity of the cluster the changes are made on and listed for; None: every one."""
        self.path = Path(path) if path is not None else history_path()
        self.cluster = cluster

    def append(self, record: ChangeRecord) -> None:
        doc = {**record.to_json(), **({"cluster": self.cluster} if self.cluster is not None else {})}
        line = json.dumps(doc, ensure_ascii=False, sort_keys=True) + "\n"
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
                doc = json.loads(line)
                if self.cluster is not None and doc.get("cluster") != self.cluster:
                    continue  # another cluster's, or one no line tells apart from a former cluster's
                record = ChangeRecord.from_json(doc)
            except (ValueError, TypeError, AttributeError):
                continue
            latest[record.identity] = record  # a dict keeps the place of the first line of each change
        return list(reversed(latest.values()))
