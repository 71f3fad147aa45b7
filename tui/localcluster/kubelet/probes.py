"""HTTP and TCP probes against the local port a container port is mapped to."""

from __future__ import annotations

import asyncio
import socket


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_map(container: dict) -> dict[int, int]:
    """A fresh local port for every container port and numeric probe port."""
    wanted = {int(p["containerPort"]) for p in container.get("ports") or [] if p.get("containerPort")}
    for kind in ("readinessProbe", "livenessProbe", "startupProbe"):
        target = probe_target(container.get(kind) or {})
        if target and isinstance(target[1], int):
            wanted.add(target[1])
    return {port: free_port() for port in sorted(wanted)}


def probe_target(probe: dict) -> tuple[str, int | str, str] | None:
    """("http"|"tcp", port, path) of a probe, or None for exec/gRPC or no probe."""
    if "httpGet" in probe:
        return "http", _port(probe["httpGet"].get("port")), probe["httpGet"].get("path") or "/"
    if "tcpSocket" in probe:
        return "tcp", _port(probe["tcpSocket"].get("port")), ""
    return None


def _port(value) -> int | str:
    if isinstance(value, int):
        return value
    text = str(value or "")
    return int(text) if text.isdigit() else text


def resolve_port(container: dict, port: int | str, mapping: dict[int, int]) -> int | None:
    if isinstance(port, str):
        named = [p.get("containerPort") for p in container.get("ports") or [] if p.get("name") == port]
        if not named:
            return None
        port = int(named[0])
    return mapping.get(port)


async def run_probe(kind: str, port: int, path: str, timeout: float) -> bool:
    """One probe: TCP connect, or an HTTP GET whose status is 200-399."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
    except (OSError, TimeoutError):
        return False
    try:
        if kind == "tcp":
            return True
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: kube-probe/1.31\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        await writer.drain()
        line = await asyncio.wait_for(reader.readline(), timeout)
        parts = line.split()
        return len(parts) >= 2 and parts[1].isdigit() and 200 <= int(parts[1]) < 400
    except (OSError, TimeoutError):
        return False
    finally:
        writer.close()
