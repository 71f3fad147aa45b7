"""The embedded cluster in its own process, and a raw HTTP client to time and drive it."""

from __future__ import annotations

import base64
import http.client
import json
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml


class ClusterProcess:
    """`kubeknobs demo-cluster` in a child process; `start()` returns once it prints `ready:`."""

    def __init__(self, scenario: str, *, sync_delay: float | None = None, workdir: str | None = None):
        self.scenario = scenario
        self.sync_delay = sync_delay
        self.dir = Path(workdir or tempfile.mkdtemp(prefix="kubeknobs-bench-"))
        self.dir.mkdir(parents=True, exist_ok=True)
        self.kubeconfig = self.dir / f"kubeconfig-{scenario.replace(':', '-')}"
        self.proc: subprocess.Popen | None = None
        self.startup_seconds = 0.0
        self.server = ""

    def start(self, timeout: float = 900.0) -> ClusterProcess:
        cmd = [
            sys.executable,
            "-m",
            "tui.cli",
            "demo-cluster",
            "--scenario",
            self.scenario,
            "--kubeconfig",
            str(self.kubeconfig),
        ]
        if self.sync_delay is not None:
            cmd += ["--sync-delay", str(self.sync_delay)]
        started = time.monotonic()
        # Its own process group, so that stopping it also ends any container process it runs.
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True
        )
        ready = threading.Event()
        lines: list[str] = []

        def read() -> None:
            for line in self.proc.stdout:
                lines.append(line)
                if line.startswith("ready:"):
                    ready.set()

        threading.Thread(target=read, daemon=True, name="bench-cluster-stdout").start()
        while not ready.wait(0.1):
            if self.proc.poll() is not None or time.monotonic() - started > timeout:
                self.stop()
                raise RuntimeError(f"demo-cluster {self.scenario} did not start: {''.join(lines)[-500:]}")
        self.startup_seconds = time.monotonic() - started
        self.server = next(w.split("=", 1)[1] for w in lines[-1].split() if w.startswith("server="))
        return self

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)

    def rss_mb(self) -> float:
        return _rss_mb(self.proc.pid) if self.proc else 0.0

    def __enter__(self) -> ClusterProcess:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class RawApi:
    """One keep-alive HTTPS connection with the kubeconfig's token: bytes in, bytes out, nothing else."""

    def __init__(self, kubeconfig: Path):
        config = yaml.safe_load(Path(kubeconfig).read_text())
        cluster = config["clusters"][0]["cluster"]
        user = next(u for u in config["users"] if u["name"].endswith("admin"))["user"]
        self.host, port = cluster["server"].split("://", 1)[1].rsplit(":", 1)
        self.port = int(port)
        self.context = ssl.create_default_context(
            cadata=base64.b64decode(cluster["certificate-authority-data"]).decode()
        )
        self.token = user["token"]
        self.conn: http.client.HTTPSConnection | None = None

    def _connection(self) -> http.client.HTTPSConnection:
        if self.conn is None:
            self.conn = http.client.HTTPSConnection(self.host, self.port, context=self.context, timeout=120)
        return self.conn

    def request(
        self,
        method: str,
        path: str,
        body: dict | None = None,
        *,
        accept: str = "application/json",
        content_type: str = "application/json",
    ) -> tuple[int, bytes]:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": accept}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = content_type
        for attempt in (0, 1):
            conn = self._connection()
            try:
                conn.request(method, path, body=data, headers=headers)
                resp = conn.getresponse()
                return resp.status, resp.read()
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def json(self, method: str, path: str, body: dict | None = None, **kw) -> dict:
        status, data = self.request(method, path, body, **kw)
        if status >= 400:
            raise RuntimeError(f"{method} {path}: HTTP {status}: {data[:300]!r}")
        return json.loads(data)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def count_deployments(api: RawApi) -> int:
    """How many Deployments the server holds, from a one-item page."""
    page = api.json("GET", "/apis/apps/v1/deployments?limit=1")
    return len(page.get("items") or []) + int((page.get("metadata") or {}).get("remainingItemCount") or 0)
