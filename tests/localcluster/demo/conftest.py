import json
import os
import queue
import signal
import subprocess
import threading

import pytest

from tests.waiting import eventually
from tui.localcluster.demo import command
from tui.localcluster.kubelet import atomicwriter


class DemoProcess:
    """A demo program run the way the kubelet runs it, with its output lines collected."""

    def __init__(self, root, program, *args, env=None):
        self.root = root
        self.lines: list[str] = []
        self._queue: queue.Queue = queue.Queue()
        full_env = {"PATH": os.environ.get("PATH", ""), "KUBEKNOBS_POD_ROOT": str(root), **(env or {})}
        self.proc = subprocess.Popen(
            command(program, list(args)),
            env=full_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self._queue.put(line.rstrip("\n"))

    def wait_for(self, predicate, timeout=15.0) -> str:
        """The first output line, seen so far or still to come, that `predicate` accepts."""
        seen = iter(list(self.lines))

        def next_match() -> str | None:
            for line in seen:
                if predicate(line):
                    return line
            while True:
                try:
                    line = self._queue.get_nowait()
                except queue.Empty:
                    return None
                self.lines.append(line)
                if predicate(line):
                    return line

        return eventually(
            next_match, timeout, message=lambda: "a matching line; got:\n" + "\n".join(self.lines)
        )

    def records(self) -> list[dict]:
        out = []
        for line in self.lines:
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
        return out

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self._reader.join(5)
        self.proc.stdout.close()
        while not self._queue.empty():
            self.lines.append(self._queue.get_nowait())


@pytest.fixture
def run_demo(tmp_path):
    started: list[DemoProcess] = []

    def run(program, *args, env=None):
        process = DemoProcess(tmp_path, program, *args, env=env)
        started.append(process)
        return process

    yield run
    for process in started:
        process.stop()


def publish(root, mount_path, files: dict[str, str]):
    """Write a ConfigMap volume the way the kubelet does."""
    atomicwriter.write(str(root / mount_path.lstrip("/")), {k: v.encode() for k, v in files.items()})


def msg(text):
    def match(line):
        try:
            return json.loads(line).get("msg") == text
        except ValueError:
            return False

    return match
