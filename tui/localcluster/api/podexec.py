"""pods/{name}/exec over WebSocket, the remote command protocols v5.channel.k8s.io and v4.channel.k8s.io.

Each message is binary: one channel byte, then data. 0 stdin (client to server), 1 stdout, 2 stderr,
3 the error channel (one JSON metav1.Status when the command ends), 4 resize (a TTY's window size,
`{"Width": 80, "Height": 24}`). With a TTY, stderr is the terminal too, as the kubelet has it. v5 adds 255, a half-close: `[255, 0]` closes the command's stdin. As the apiserver does, the
server first sends an empty message on the lowest output channel asked for, and after the status a
close frame. SPDY/3.1 (what kubectl falls back to) and the unversioned and base64 subprotocols are not
served: kubectl 1.30+ speaks v5 and the Python client v5 or v4.
"""

from __future__ import annotations

import asyncio
import contextlib
import json

from aiohttp import WSMsgType, web

from tui.localcluster.api import errors
from tui.localcluster.api.errors import ApiError
from tui.localcluster.api.podlog import container_name

V5 = "v5.channel.k8s.io"
V4 = "v4.channel.k8s.io"
PROTOCOLS = (V5, V4)
STDIN, STDOUT, STDERR, ERROR, RESIZE, CLOSE = 0, 1, 2, 3, 4, 255


def container_runner(cluster, namespace: str, pod: str, name: str):
    """The kubelet's runner of a container with a process, or None."""
    from tui.localcluster.kubelet.component import Kubelet

    for component in cluster.components:
        if isinstance(component, Kubelet):
            return component.container(namespace, pod, name)
    return None


def exit_status(code: int) -> dict:
    """The error channel's Status for an exit code, as the kubelet writes it."""
    if code == 0:
        return {"metadata": {}, "status": "Success"}
    return {
        "metadata": {},
        "status": "Failure",
        "message": f"command terminated with non-zero exit code: exit status {code}",
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]},
    }


def _flag(request: web.Request, name: str) -> bool:
    return request.query.get(name, "").lower() in ("true", "1")


def _not_upgraded(request: web.Request, protocol: str | None) -> ApiError:
    asked = request.headers.get("Sec-WebSocket-Protocol", "")
    if (request.headers.get("Upgrade") or "").lower() == "websocket" and protocol is None:
        return errors.bad_request(
            f"requested protocol(s) are not supported: [{asked}]; supports [{' '.join(PROTOCOLS)}]"
        )
    return errors.bad_request(
        "Upgrade request required: the embedded cluster serves exec over WebSocket "
        f"({', '.join(PROTOCOLS)}), not {request.headers.get('Upgrade') or 'a plain request'}"
    )


async def serve_exec(cluster, request: web.Request, route) -> web.StreamResponse:
    pod = cluster.store.get("pods", route.namespace, route.name)
    if pod is None:
        raise errors.not_found(route.res, route.name)
    container = container_name(pod, route.name, request.query.get("container"))
    command = request.query.getall("command", [])
    if not command:
        raise errors.bad_request("you must specify at least one command for the container")
    stdin, stdout, stderr, tty = (_flag(request, n) for n in ("stdin", "stdout", "stderr", "tty"))
    if not (stdin or stdout or stderr):
        raise errors.bad_request("you must specify at least 1 of stdin, stdout, stderr")
    stderr = stderr and not tty
    runner = container_runner(cluster, route.namespace, route.name, container)
    if runner is None or runner.process is None or not runner.running:
        raise ApiError(500, "InternalError", f'container not found ("{container}")')
    ws = web.WebSocketResponse(protocols=PROTOCOLS, max_msg_size=0)
    ready = ws.can_prepare(request)
    if not ready.ok or ready.protocol is None:
        raise _not_upgraded(request, ready.protocol)
    await ws.prepare(request)
    lock = asyncio.Lock()

    async def send(channel: int, data: bytes) -> None:
        async with lock:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await ws.send_bytes(bytes([channel]) + data)

    from tui.localcluster.kubelet.execute import ExecError, ExecSession

    await send(STDOUT if stdout else STDERR if stderr else ERROR, b"")
    session = ExecSession(runner, command, stdin=stdin, tty=tty)
    try:
        await session.start(stdout, stderr)
    except ExecError as exc:
        why = f"error executing command in container: {exc}"
        status = {
            "metadata": {},
            "status": "Failure",
            "message": f"Internal error occurred: {why}",
            "reason": "InternalError",
            "details": {"causes": [{"message": why}]},
            "code": 500,
        }
        await send(ERROR, json.dumps(status).encode())
        await ws.close()
        return ws
    reader = asyncio.create_task(_read(ws, session, stdin))
    try:
        code = await session.run(
            (lambda data: send(STDOUT, data)) if stdout else None,
            (lambda data: send(STDERR, data)) if stderr else None,
        )
        await send(ERROR, json.dumps(exit_status(code)).encode())
        await ws.close()
    finally:
        session.kill()
        reader.cancel()
        await asyncio.gather(reader, return_exceptions=True)
    return ws


async def _read(ws: web.WebSocketResponse, session, stdin: bool) -> None:
    """Client messages: stdin data, v5's half-close; when the client goes away the command goes too."""
    v5 = ws.ws_protocol == V5
    async for msg in ws:
        if msg.type not in (WSMsgType.BINARY, WSMsgType.TEXT):
            continue
        data = msg.data if isinstance(msg.data, bytes) else msg.data.encode()
        if not data:
            continue
        if v5 and data[0] == CLOSE:
            if data[1:] == bytes([STDIN]):
                session.close_stdin()
        elif data[0] == STDIN and stdin:
            await session.feed(data[1:])
        elif data[0] == RESIZE:
            with contextlib.suppress(ValueError, TypeError, KeyError):
                size = json.loads(data[1:])
                session.resize(int(size["Width"]), int(size["Height"]))
    session.close_stdin()
    session.kill()
