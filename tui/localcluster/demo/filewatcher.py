"""Hot reload of a config file, the way Kubernaut's FileWatcher does it.

Watches the parent directory (not the file: the kubelet replaces files by swapping the
`..data` symlink), reacts to events on the file's own name or on `..data`, debounces
200 ms, skips content whose SHA-256 is unchanged, and keeps the previous content when
the callback rejects the new one.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

from .startup import pod_path, sha256_hex
from .zaplog import Logger

DEBOUNCE_SECONDS = 0.2


class FileWatcher:
    def __init__(self, path: str, callback: Callable[[str], None], logger: Logger, observer):
        self.path = path  # the in-container path, as logged
        self._local = pod_path(path)
        self._callback = callback
        self._log = logger.named("file-watcher")
        self._observer = observer
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self.hash = ""
        self.total_reloads = 0
        self.total_errors = 0

    def start(self) -> None:
        """Load the file once (a failure here is fatal to the caller), then watch its directory."""
        raw = self._read()
        self._callback(raw.decode("utf-8", errors="replace"))
        self.hash = sha256_hex(raw)
        self._log.info("Initial content loaded", path=self.path, hash=self.hash, size=len(raw))
        from watchdog.events import FileSystemEventHandler

        watcher = self

        class _Events(FileSystemEventHandler):
            def on_any_event(self, event):
                watcher._on_event(event)

        directory = os.path.dirname(self._local)
        self._observer.schedule(_Events(), directory, recursive=False)
        self._log.info(
            "File watcher started", path=self.path, hash=self.hash, directory=os.path.dirname(self.path)
        )

    def _read(self) -> bytes:
        with open(self._local, "rb") as handle:
            return handle.read()

    def _on_event(self, event) -> None:
        if event.event_type in ("opened", "closed", "closed_no_write"):
            return
        names = {os.path.basename(event.src_path)}
        if getattr(event, "dest_path", ""):
            names.add(os.path.basename(event.dest_path))
        if os.path.basename(self._local) not in names and "..data" not in names:
            return
        self._log.debug("File change detected", path=self.path, event=event.event_type, name=sorted(names)[0])
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(DEBOUNCE_SECONDS, self._reload)
            self._timer.daemon = True
            self._timer.start()

    def _reload(self) -> None:
        try:
            raw = self._read()
        except OSError as exc:
            self.total_errors += 1
            self._log.error("Failed to read file after change event", path=self.path, error=str(exc))
            return
        new_hash = sha256_hex(raw)
        if new_hash == self.hash:
            self._log.debug("Hash unchanged, skipping reload", path=self.path, hash=new_hash)
            return
        try:
            self._callback(raw.decode("utf-8", errors="replace"))
        except Exception as exc:  # the callback's refusal, whatever its type
            self.total_errors += 1
            self._log.error(
                "Callback rejected new content, keeping previous",
                path=self.path,
                newHash=new_hash,
                error=str(exc),
            )
            return
        self.hash = new_hash
        self.total_reloads += 1
        self._log.info(
            "Configuration reloaded successfully",
            path=self.path,
            hash=new_hash,
            size=len(raw),
            totalReloads=self.total_reloads,
        )

    def stop(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
        self._log.info(
            "File watcher stopped",
            path=self.path,
            totalReloads=self.total_reloads,
            totalErrors=self.total_errors,
        )
