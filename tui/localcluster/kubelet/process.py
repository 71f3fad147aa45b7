"""A container as a local process: its own process group, its output captured line by line.

Every process group the kubelet starts is remembered until it is reaped, and killed at
interpreter exit if the cluster did not stop cleanly: nothing outlives the cluster.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import signal

MAX_LINE = 16 * 1024
_LIVE_GROUPS: set[int] = set()


def _kill_live_groups() -> None:
    for pgid in list(_LIVE_GROUPS):
        _signal_group(pgid, signal.SIGKILL)
    _LIVE_GROUPS.clear()


atexit.register(_kill_live_groups)


def _signal_group(pgid: int, sig: int) -> bool:
    try:
        os.killpg(pgid, sig)
        return True
    except (ProcessLookupError, PermissionError):
        return False


def remember_group(pgid: int) -> None:
    """A process group the kubelet started besides a container's own (an exec'd command)."""
    _LIVE_GROUPS.add(pgid)


def end_group(pgid: int) -> None:
    """Kill what is left of a reaped process's group and forget it."""
    _signal_group(pgid, signal.SIGKILL)
    _LIVE_GROUPS.discard(pgid)


def live_groups() -> frozenset[int]:
    """Process groups started and not yet reaped (for tests and shutdown checks)."""
    return frozenset(_LIVE_GROUPS)


class ContainerProcess:
    """One run of one container; `on_line(text)` receives every output line."""

    def __init__(self, argv: list[str], *, env: dict[str, str], cwd: str, on_line):
        self.argv = argv
        self.env = env
        self.cwd = cwd
        self.on_line = on_line
        self.proc: asyncio.subprocess.Process | None = None
        self.exit_code: int | None = None
        self._readers: list[asyncio.Task] = []

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            *self.argv,
            cwd=self.cwd,
            env=self.env,
            start_new_session=True,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _LIVE_GROUPS.add(self.proc.pid)
        # Both are set: the process was created with stdout and stderr as PIPE.
        stdout, stderr = self.proc.stdout, self.proc.stderr
        assert stdout is not None and stderr is not None
        self._readers = [asyncio.create_task(self._pump(stdout)), asyncio.create_task(self._pump(stderr))]

    async def _pump(self, stream: asyncio.StreamReader) -> None:
        pending = b""
        while True:
            chunk = await stream.read(65536)
            if not chunk:
                break
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                self._emit(line)
            while len(pending) > MAX_LINE:
                self._emit(pending[:MAX_LINE])
                pending = pending[MAX_LINE:]
        if pending:
            self._emit(pending)

    def _emit(self, raw: bytes) -> None:
        for start in range(0, max(len(raw), 1), MAX_LINE):
            self.on_line(raw[start : start + MAX_LINE].decode("utf-8", errors="replace").rstrip("\r"))

    async def wait(self) -> int:
        """Wait for the process to exit; its whole group is killed and its output drained."""
        assert self.proc is not None
        code = await self.proc.wait()
        # Children it left in its group go with it.
        end_group(self.proc.pid)
        try:
            await asyncio.wait_for(asyncio.gather(*self._readers, return_exceptions=True), 5)
        except TimeoutError:
            for reader in self._readers:
                reader.cancel()
        # asyncio leaves a finished child's transport to be closed when it is collected, perhaps after its
        # loop has closed: close it here, on the loop that owns it.
        transport = getattr(self.proc, "_transport", None)
        if transport is not None:
            transport.close()
        self.exit_code = code
        return code

    def signal(self, sig: int) -> None:
        if self.proc is not None and self.proc.returncode is None:
            _signal_group(self.proc.pid, sig)

    async def stop(self, grace: float) -> int | None:
        """SIGTERM to the group, SIGKILL after `grace` seconds; returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.returncode is None:
            self.signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(asyncio.shield(self.proc.wait()), grace)
            except TimeoutError:
                self.signal(signal.SIGKILL)
        return await self.wait()
