"""Answers the kubelet's HTTP and TCP probes on the ports it mapped for this container."""

from __future__ import annotations

import os
import socket
import threading

PORT_ENV_PREFIX = "KUBEKNOBS_PORT_"
# The paths the real services serve; a probe pointed elsewhere fails, as it would on a cluster.
SERVED_PATHS = frozenset(
    {"/", "/healthz", "/readyz", "/livez", "/health", "/ready", "/health/ready", "/health/live", "/metrics"}
)


def mapped_ports() -> dict[int, int]:
    """Container port -> local port, from the KUBEKNOBS_PORT_<containerPort> variables."""
    ports = {}
    for name, value in os.environ.items():
        if name.startswith(PORT_ENV_PREFIX):
            try:
                ports[int(name[len(PORT_ENV_PREFIX) :])] = int(value)
            except ValueError:
                continue
    return ports


def serve_probes(is_healthy=lambda: True) -> list[socket.socket]:
    """Listen on every mapped port: 200 on a served path while healthy, 503 when not, 404 elsewhere."""
    sockets = []
    for local in sorted(set(mapped_ports().values())):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", local))
        except OSError:
            sock.close()
            continue
        sock.listen(16)
        threading.Thread(target=_accept, args=(sock, is_healthy), daemon=True).start()
        sockets.append(sock)
    return sockets


def _accept(sock: socket.socket, is_healthy) -> None:
    while True:
        try:
            conn, _ = sock.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(2.0)
            try:
                request = conn.recv(4096).split(b"\r\n", 1)[0].split()
                path = request[1].decode("latin-1").split("?", 1)[0] if len(request) > 1 else "/"
                if path not in SERVED_PATHS:
                    status = "404 Not Found"
                else:
                    status = "200 OK" if is_healthy() else "503 Service Unavailable"
                conn.sendall(
                    f"HTTP/1.1 {status}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".encode()
                )
            except OSError:
                continue
