"""Closing the terminal, a kill or an interrupt from outside end `kubeknobs --demo` as ctrl+q does.

The demo cluster writes an admin kubeconfig and the API server's private key into a temporary
directory; whatever ends the app, that directory and every process the app started must be gone.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import signal
import struct
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from tests.waiting import eventually

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads the process tree from /proc")


def descendants(pid: int) -> set[int]:
    """Every live process below `pid`, read from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class DemoInTerminal:
    """`kubeknobs --demo` on a pseudo-terminal of its own, its output drained so it never blocks."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        env = dict(os.environ, TMPDIR=str(tmp), TERM="xterm-256color", COLUMNS="120", LINES="40")
        pid, self.master = os.forkpty()
        if pid == 0:  # the child: the terminal's session leader, as a shell would start it
            os.execvpe(sys.executable, [sys.executable, "-m", "tui", "--demo"], env)
        self.pid = pid
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.reading = True
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()
        self.status: int | None = None

    def _drain(self) -> None:
        while self.reading:
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                try:
                    os.read(self.master, 65536)
                except OSError:
                    return

    def close_terminal(self) -> None:
        self.reading = False
        self.reader.join()
        os.close(self.master)

    def exited(self) -> bool:
        if self.status is None:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                self.status = status
        return self.status is not None

    def end(self) -> None:
        """Kill what is left, if the test failed before the app ended: nothing outlives the test."""
        if not self.exited():
            for pid in descendants(self.pid) | {self.pid}:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        if self.reading:
            self.close_terminal()


@pytest.mark.slow
@pytest.mark.parametrize("ending", ["terminal closed", "SIGTERM", "SIGINT"])
def test_the_demo_leaves_no_credentials_and_no_process_however_it_ends(tmp_path, ending):
    demo = DemoInTerminal(tmp_path)
    try:
        workdir = eventually(
            lambda: next(
                (d for d in tmp_path.glob("kubeknobs-cluster-*") if (d / "kubeconfig").exists()), None
            ),
            timeout=60,
            message="the demo cluster's kubeconfig",
        )
        # the credentials are the owner's only while they exist
        assert workdir.stat().st_mode & 0o777 == 0o700
        assert (workdir / "kubeconfig").stat().st_mode & 0o777 == 0o600
        keys = list((workdir / "pki").glob("*.key"))
        assert keys and all(k.stat().st_mode & 0o777 == 0o600 for k in keys)
        started = eventually(lambda: descendants(demo.pid), timeout=60, message="the demo's pods running")
        time.sleep(1)  # let the app settle into its event loop: the signal lands in a running app
        started |= descendants(demo.pid)

        if ending == "terminal closed":
            demo.close_terminal()  # the kernel sends SIGHUP to the terminal's session
        else:
            os.kill(demo.pid, getattr(signal, ending))
        eventually(demo.exited, timeout=60, message=f"kubeknobs to end after {ending}")

        assert not list(tmp_path.glob("kubeknobs-cluster-*")), "the kubeconfig and key were left behind"
        left = sorted(pid for pid in started if alive(pid))
        assert not left, f"processes the app started outlived it: {left}"
        if ending != "terminal closed":
            assert os.WIFEXITED(demo.status), demo.status
            assert os.WEXITSTATUS(demo.status) == 128 + getattr(signal, ending)
    finally:
        demo.end()
