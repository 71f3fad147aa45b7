"""The harness side of the driver: spawn the headless dashboard, collect its marks, send commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path


class DashboardProcess:
    def __init__(self, kubeconfig: Path, expect: int):
        self.kubeconfig, self.expect = kubeconfig, expect
        self.marks: list[dict] = []
        self._cond = threading.Condition()
        self.proc: subprocess.Popen | None = None
        self.spawned_at = 0.0

    def start(self) -> DashboardProcess:
        read_fd, write_fd = os.pipe()
        env = {
            **os.environ,
            "XDG_CONFIG_HOME": str(Path(self.kubeconfig).parent / "xdg-config"),
            "XDG_STATE_HOME": str(Path(self.kubeconfig).parent / "xdg-state"),
        }
        cmd = [
            sys.executable,
            "-m",
            "bench.driver",
            "--marks-fd",
            str(write_fd),
            "--kubeconfig",
            str(self.kubeconfig),
            "--expect",
            str(self.expect),
        ]
        self.spawned_at = time.monotonic()
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            pass_fds=(write_fd,),
            text=True,
            cwd=Path(__file__).resolve().parent.parent,
            env=env,
        )
        os.close(write_fd)
        threading.Thread(target=self._read, args=(read_fd,), daemon=True, name="bench-marks").start()
        return self

    def _read(self, fd: int) -> None:
        with os.fdopen(fd, "rb") as stream:
            for line in stream:
                with self._cond:
                    self.marks.append(json.loads(line))
                    self._cond.notify_all()

    def wait_for(self, name: str, timeout: float) -> dict:
        """The first mark of that name; raises if the process ends or the time is up first."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = next((m for m in self.marks if m["mark"] == name), None)
                if found is not None:
                    return found
                if self.proc.poll() is not None:
                    raise RuntimeError(f"dashboard ended before {name!r}: {self.stderr_tail()}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no {name!r} mark within {timeout:.0f} s")
                self._cond.wait(min(left, 0.2))

    def cpu_seconds(self) -> float:
        """User and system CPU time of the dashboard process so far."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def wait_idle(self, timeout: float, busy: float = 0.15, window: float = 1.0) -> float:
        """Wait until the process uses under `busy` of a core over `window` seconds; returns seconds waited."""
        started = time.monotonic()
        before = self.cpu_seconds()
        while time.monotonic() - started < timeout:
            time.sleep(window)
            now = self.cpu_seconds()
            if now - before < busy * window:
                break
            before = now
        return time.monotonic() - started

    def wait_for_nth(self, name: str, n: int, timeout: float) -> dict:
        """The n-th mark of that name (from 1)."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.all(name)
            if len(found) >= n:
                return found[n - 1]
            if self.proc.poll() is not None:
                raise RuntimeError(f"dashboard ended before {name!r} #{n}: {self.stderr_tail()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {name!r} mark #{n} within {timeout:.0f} s")
            time.sleep(0.1)

    def all(self, name: str) -> list[dict]:
        with self._cond:
            return [m for m in self.marks if m["mark"] == name]

    def send(self, command: str) -> None:
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def stderr_tail(self) -> str:
        try:
            return (self.proc.stderr.read() or "")[-800:] if self.proc.poll() is not None else ""
        except (OSError, ValueError):
            return ""

    def stop(self, timeout: float = 20.0) -> None:
        proc = self.proc
        if proc is None:
            return
        if proc.poll() is None:
            try:
                self.send("quit")
                proc.wait(timeout)
            except (OSError, subprocess.TimeoutExpired):
                proc.kill()
                proc.wait(10)
        self.proc = None

    def __enter__(self) -> DashboardProcess:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
