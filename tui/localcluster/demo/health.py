"""Answers the kubelet's HTTP and TCP probes on the ports it mapped for this container."""

from __future__ import annotations

import os
import socket
import threading

PORT_ENV_PREFIX = "KUBEKNOBS_PORT_"


def mapped_ports() -> dict[int, int]:
    """Container port -> local port, from the KUBEKNOBS_PORT_<containerPort> variables."""
    ports = {}
    for name, value in os.environ.items():
        if name.startswith(PORT_ENV_PREFIX):
            try:
                ports[int(name[len(PORT_ENV_PREFIX):])] = int(value)
            except ValueError:
                continue
    return ports


def serve_probes(is_healthy=lambda: True) -> list[socket.socket]:
    """Listen on every mapped port; any request gets 200 while healthy, 503 otherwise."""
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
                conn.recv(4096)
                status = "200 OK" if is_healthy() else "503 Service Unavailable"
                conn.sendall(f"HTTP/1.1 {status}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".encode())
            except OSError:
                continue
