"""A command exec'd in a running container (pods/exec): the container's env, root and main process.

The command runs as a local process with the env the container's main process got, in the pod's
root directory. An argument that is an absolute path under a top-level directory of the pod's root
(`/etc/config/app.yaml`, where the volumes are) is resolved under that root, as the demo programs
resolve their own paths. A pod has no PID
namespace here, so `kill [-SIGNAL | -s SIGNAL | -n NUMBER] 1` is done by the kubelet itself: PID 1
is the container's main process, and the signal goes to it alone. `kill` of any other PID is
refused; a `kill` inside a shell (`sh -c 'kill -HUP 1'`) is the host's own and is not mapped.
With a TTY (`kubectl exec -it`) the command gets a pseudo-terminal as its controlling terminal.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
from collections.abc import Awaitable, Callable

from .process import end_group, remember_group
from .terminal import EOT, Terminal

Writer = Callable[[bytes], Awaitable[None]]
MAIN_PID = "1"


class ExecError(Exception):
    """The command could not be started; the message is what the runtime says."""


def in_pod_path(root: str, arg: str) -> str:
    """`/etc/config/x` → `<root>/etc/config/x` when `/etc` is a directory of the pod's root."""
    if not arg.startswith("/") or arg.startswith(root.rstrip("/") + "/"):
        return arg
    top = arg.lstrip("/").split("/", 1)[0]
    return os.path.join(root, arg.lstrip("/")) if top and os.path.isdir(os.path.join(root, top)) else arg


def parse_kill(args: list[str]) -> tuple[int, list[str]] | str | None:
    """(signal, pids) of `kill` arguments, an error text, or None for what is not a signal (`kill -l`)."""
    sig: int = signal.SIGTERM
    rest = list(args)
    if rest and rest[0] in ("-s", "-n") and len(rest) > 1:
        name, rest = rest[1], rest[2:]
    elif rest and rest[0].startswith("-") and rest[0] not in ("-", "--") and rest[0][1:2] not in ("l", "L"):
        name, rest = rest[0][1:], rest[1:]
    elif rest and rest[0].startswith("-l") or rest[:1] == ["-L"]:
        return None
    else:
        name = ""
    if rest[:1] == ["--"]:
        rest = rest[1:]
    if name:
        if name.isdigit():
            sig = int(name)
        else:
            upper = name.upper()
            try:
                sig = signal.Signals[upper if upper.startswith("SIG") else "SIG" + upper]
            except KeyError:
                return f"kill: {name}: invalid signal specification\n"
    if not rest:
        return "kill: usage: kill [-s sigspec | -n signum | -sigspec] pid\n"
    return sig, rest


class ExecSession:
    """One exec'd command; `run` streams its output and returns its exit code."""

    def __init__(self, runner, argv: list[str], *, stdin: bool, tty: bool = False):
        self.runner = runner
        self.argv = argv
        self.stdin = stdin
        self.tty = tty
        self.terminal: Terminal | None = None
        self.proc: asyncio.subprocess.Process | None = None
        self.builtin: tuple[int, list[str]] | str | None = None

    async def start(self, out: bool, err: bool) -> None:
        """Start the command (a `kill` of PID 1 needs no process); ExecError when it cannot start."""
        if os.path.basename(self.argv[0]) == "kill":
            self.builtin = parse_kill(self.argv[1:])
            if self.builtin is not None:
                return
        root, env = self.runner.pod.root, self.runner.env
        argv = [self.argv[0], *(in_pod_path(root, arg) for arg in self.argv[1:])]
        if "/" not in argv[0] and shutil.which(argv[0], path=env.get("PATH")) is None:
            raise ExecError(f'exec: "{argv[0]}": executable file not found in $PATH')
        pipe, devnull = asyncio.subprocess.PIPE, asyncio.subprocess.DEVNULL
        streams: dict = {
            "stdin": pipe if self.stdin else devnull,
            "stdout": pipe if out else devnull,
            "stderr": pipe if err else devnull,
        }
        if self.tty:
            self.terminal = Terminal()
            streams = dict.fromkeys(("stdin", "stdout", "stderr"), self.terminal.follower)
            argv = Terminal.argv(argv)
        try:
            self.proc = await asyncio.create_subprocess_exec(
                *argv, cwd=root, env=env, start_new_session=True, **streams
            )
        except OSError as exc:
            if self.terminal is not None:
                self.terminal.close()
            if isinstance(exc, FileNotFoundError):
                raise ExecError(f'exec: "{argv[0]}": executable file not found in $PATH') from None
            raise ExecError(f'exec: "{argv[0]}": {exc.strerror}') from None
        if self.terminal is not None:
            self.terminal.started()
        remember_group(self.proc.pid)
        self.runner.sessions.add(self)

    async def run(self, out: Writer | None, err: Writer | None) -> int:
        """Stream the output of the started command until it ends; its exit code (128+N for signal N)."""
        if self.proc is None:
            return await self._kill(self.builtin, err) if self.builtin is not None else 0
        try:
            if self.terminal is not None:
                while chunk := await self.terminal.read():
                    if out:
                        await out(chunk)
            else:
                pumps = [self._pump(s, w) for s, w in ((self.proc.stdout, out), (self.proc.stderr, err)) if w]
                await asyncio.gather(*pumps)
            code = await self.proc.wait()
        finally:
            self.runner.sessions.discard(self)
            end_group(self.proc.pid)
            if self.terminal is not None:
                self.terminal.close()
            transport = getattr(self.proc, "_transport", None)
            if transport is not None:
                transport.close()
        return 128 - code if code < 0 else code

    async def _kill(self, parsed: tuple[int, list[str]] | str, err: Writer | None) -> int:
        if isinstance(parsed, str):
            return await _say(err, parsed, 1)
        sig, pids = parsed
        code = 0
        for pid in pids:
            main = self.runner.process
            if pid != MAIN_PID:
                message = f"kill: ({pid}) - only PID 1, the container's main process, can be signalled\n"
                code = await _say(err, message, 1)
            elif main is None or main.proc is None or main.proc.returncode is not None:
                code = await _say(err, f"kill: ({pid}) - No such process\n", 1)
            else:
                try:
                    os.kill(main.proc.pid, sig)
                except ProcessLookupError:
                    code = await _say(err, f"kill: ({pid}) - No such process\n", 1)
                except OSError as exc:
                    code = await _say(err, f"kill: ({pid}) - {exc.strerror}\n", 1)
        return code

    @staticmethod
    async def _pump(stream: asyncio.StreamReader | None, write: Writer) -> None:
        assert stream is not None  # a PIPE was asked for every stream that has a writer
        while chunk := await stream.read(32768):
            await write(chunk)

    async def feed(self, data: bytes) -> None:
        if self.terminal is not None:
            self.terminal.write(data)
            return
        stdin = self.proc.stdin if self.proc is not None else None
        if stdin is None or stdin.is_closing():
            return
        stdin.write(data)
        with contextlib.suppress(ConnectionError):
            await stdin.drain()

    def resize(self, width: int, height: int) -> None:
        if self.terminal is not None:
            self.terminal.resize(width, height)

    def close_stdin(self) -> None:
        if self.terminal is not None:
            self.terminal.write(EOT)
            return
        if self.proc is not None and self.proc.stdin is not None:
            self.proc.stdin.close()

    def kill(self) -> None:
        """The client went away or the container ended: the command and its children go."""
        if self.proc is not None and self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)


async def _say(err: Writer | None, message: str, code: int) -> int:
    if err is not None:
        await err(message.encode())
    return code
