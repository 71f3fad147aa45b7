"""Local copies of ConfigMap values before each edit, so one key can be put back."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from tui.model.paths import state_dir


@dataclass(frozen=True)
class Backup:
    path: Path
    namespace: str
    configmap: str
    key: str
    old_value: str | None  # None: the key did not exist before the edit
    new_value: str | None  # what the edit wrote
    resource_version: str  # of the ConfigMap the old value was read from
    saved_at: float


class Backups:
    def __init__(self, context: str, root: Path | None = None):
        self.context = context
        self.root = root

    def _dir(self, namespace: str, configmap: str, key: str) -> Path:
        base = self.root or state_dir()
        parts = [self.context or "default", namespace, configmap, key]
        return base.joinpath("backups", *(quote(p, safe="") or "_" for p in parts))

    def save(
        self,
        namespace: str,
        configmap: str,
        key: str,
        old_value: str | None,
        new_value: str | None,
        resource_version: str,
    ) -> Backup:
        folder = self._dir(namespace, configmap, key)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        saved_at = time.time()
        path = folder / f"{time.time_ns()}.json"
        doc = {
            "namespace": namespace,
            "configmap": configmap,
            "key": key,
            "old": old_value,
            "new": new_value,
            "resourceVersion": resource_version,
            "savedAt": saved_at,
            "context": self.context,
        }
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(doc, fh)
        os.replace(tmp, path)
        return self._load(path)

    def _load(self, path: Path) -> Backup:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return Backup(
            path,
            doc["namespace"],
            doc["configmap"],
            doc["key"],
            doc.get("old"),
            doc.get("new"),
            str(doc.get("resourceVersion") or ""),
            float(doc.get("savedAt") or 0),
        )

    def history(self, namespace: str, configmap: str, key: str) -> list[Backup]:
        """Newest first."""
        folder = self._dir(namespace, configmap, key)
        if not folder.is_dir():
            return []
        out = []
        for path in sorted(
            folder.glob("*.json"), key=lambda p: int(p.stem) if p.stem.isdigit() else 0, reverse=True
        ):
            try:
                out.append(self._load(path))
            except (OSError, ValueError, KeyError):
                continue
        return out

    def latest(self, namespace: str, configmap: str, key: str) -> Backup | None:
        found = self.history(namespace, configmap, key)
        return found[0] if found else None

    def discard(self, backup: Backup) -> None:
        backup.path.unlink(missing_ok=True)
