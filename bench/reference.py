"""What the same server costs other clients: kubectl's wall time, and the raw requests it makes."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

from bench.cluster import RawApi

TABLE_ACCEPT = (
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,"
    "application/json"
)


def kubectl_seconds(kubeconfig: Path, *args: str) -> float:
    started = time.monotonic()
    done = subprocess.run(
        ["kubectl", "--kubeconfig", str(kubeconfig), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        timeout=600,
    )
    if done.returncode:
        raise RuntimeError(f"kubectl {' '.join(args)} failed: {done.stderr.decode()[-300:]}")
    return time.monotonic() - started


def server_seconds(api: RawApi, path: str, *, accept: str = "application/json", limit: int = 500) -> float:
    """The paged list kubectl asks for, read to the last byte and not parsed: the server's share."""
    started = time.monotonic()
    token = ""
    while True:
        query = f"?limit={limit}" + (f"&continue={quote(token, safe='')}" if token else "")
        status, body = api.request("GET", path + query, accept=accept)
        if status >= 400:
            raise RuntimeError(f"GET {path}: HTTP {status}")
        # Only the continue token is needed; it sits in the metadata near the start of the body.
        head = body[:2048].decode(errors="replace")
        token = _continue_token(head) or (_continue_token(body.decode()) if '"continue"' in head else "")
        if not token:
            return time.monotonic() - started


def _continue_token(text: str) -> str:
    marker = '"continue":"'
    at = text.find(marker)
    if at < 0:
        return ""
    end = text.find('"', at + len(marker))
    return json.loads(f'"{text[at + len(marker) : end]}"') if end > 0 else ""
