"""Structured log lines in the shape zap writes them (one JSON object per line)."""

from __future__ import annotations

import json
import sys
import threading
import time

LEVELS = {"DEBUG": 10, "INFO": 20, "WARN": 30, "ERROR": 40}

_write_lock = threading.Lock()


class Logger:
    """A named zap-like logger whose level can change while the program runs."""

    def __init__(self, name: str, level: dict | None = None):
        self.name = name
        # Shared mutable holder: every logger of the process follows one live level.
        self._level = level if level is not None else {"value": "INFO"}

    def named(self, name: str) -> Logger:
        return Logger(name, self._level)

    def set_level(self, level: str) -> None:
        self._level["value"] = level.upper()

    @property
    def level(self) -> str:
        return self._level["value"]

    def enabled(self, level: str) -> bool:
        return LEVELS[level] >= LEVELS.get(self._level["value"], 20)

    def log(self, level: str, msg: str, **fields) -> None:
        if not self.enabled(level):
            return
        record = {"level": level.lower(), "ts": round(time.time(), 6), "logger": self.name, "msg": msg}
        record.update(fields)
        emit(json.dumps(record, default=str, separators=(",", ":"), ensure_ascii=False))

    def debug(self, msg: str, **fields) -> None:
        self.log("DEBUG", msg, **fields)

    def info(self, msg: str, **fields) -> None:
        self.log("INFO", msg, **fields)

    def warn(self, msg: str, **fields) -> None:
        self.log("WARN", msg, **fields)

    def error(self, msg: str, **fields) -> None:
        self.log("ERROR", msg, **fields)


def emit(line: str, stream=None) -> None:
    """Write one whole line; threads never interleave inside a line."""
    out = stream or sys.stdout
    with _write_lock:
        out.write(line + "\n")
        out.flush()
