"""A pseudo-terminal for `kubectl exec -t`: the command's stdin, stdout and stderr, and its window size."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import struct
import sys
import termios

# Run before the command: the terminal, already the new session's stdin, becomes its controlling one
# (a shell's job control needs it). A helper process, since preexec_fn is unsafe with threads.
CONTROLLING = "import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); os.execvp(sys.argv[1], sys.argv[1:])"
EOT = b"\x04"  # what a terminal reads as the end of its input


class Terminal:
    def __init__(self) -> None:
        self.master, self.follower = os.openpty()
        os.set_blocking(self.master, False)
        self._chunks: asyncio.Queue[bytes] = asyncio.Queue()
        self._loop = asyncio.get_running_loop()
        self._loop.add_reader(self.master, self._readable)

    @staticmethod
    def argv(command: list[str]) -> list[str]:
        return [sys.executable, "-I", "-c", CONTROLLING, *command]

    def started(self) -> None:
        """The command has the terminal: only it holds the follower side now, so its end is our EOF."""
        os.close(self.follower)
        self.follower = -1

    def _readable(self) -> None:
        try:
            chunk = os.read(self.master, 32768)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""  # EIO: every process holding the terminal has gone
        if not chunk:
            self._loop.remove_reader(self.master)
        self._chunks.put_nowait(chunk)

    async def read(self) -> bytes:
        return await self._chunks.get()

    def write(self, data: bytes) -> None:
        with contextlib.suppress(OSError):
            os.write(self.master, data)

    def resize(self, width: int, height: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))

    def close(self) -> None:
        if self.master >= 0:
            self._loop.remove_reader(self.master)
        for fd in (self.master, self.follower):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.master = self.follower = -1
