"""The change history: one JSON line per change the wizard made, beside the ConfigMap backups.

Lives in `$KUBEKNOBS_STATE_DIR`, else `$XDG_STATE_HOME/kubeknobs` (the directory that holds
`backups/`); a record names the backup file that can undo a ConfigMap edit.
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
