"""Run a command in a pod's container through the API server's `pods/exec` (WebSocket, as kubectl does).

The channel protocol is the API server's remote-command one: each binary frame starts with its channel
(1 stdout, 2 stderr, 3 the command's final Status as JSON). `v5.channel.k8s.io` and `v4.channel.k8s.io`
are offered, in kubectl's order; both end with one Status on channel 3.
"""

from __future__ import annotations

import json
import ssl
from dataclasses import dataclass
from urllib.parse import urlencode

from tui.cluster.api import KubeApi

PROTOCOLS = ("v5.channel.k8s.io", "v4.channel.k8s.io")
STDOUT, STDERR, ERROR, CLOSE = 1, 2, 3, 255
OUTPUT_LIMIT = 1 << 20  # bytes kept of each stream: a proof reads a hash, never a dump


@dataclass(frozen=True)
class ExecResult:
    exit_code: int | None  # None: the command did not run (refused, unreachable, no status)
    stdout: str
    stderr: str
    problem: str = ""  # why it did not run, in the API server's words


def _status_exit_code(status: dict) -> tuple[int | None, str]:
    if status.get("status") == "Success":
        return 0, ""
    for cause in (status.get("details") or {}).get("causes") or []:
        if cause.get("reason") == "ExitCode":
            try:
                return int(cause.get("message", "")), ""
            except ValueError:
                break
    return None, str(status.get("message") or status.get("reason") or "the command did not run")


def _ssl_options(configuration) -> dict:
    context = getattr(configuration, "ssl_context", None)
    if isinstance(context, ssl.SSLContext):
        options: dict = {"context": context}
    else:  # the kubernetes client's Configuration: its files
        options = {"cert_reqs": ssl.CERT_REQUIRED if configuration.verify_ssl else ssl.CERT_NONE}
        if getattr(configuration, "ssl_ca_cert", None):
            options["ca_certs"] = configuration.ssl_ca_cert
        if getattr(configuration, "cert_file", None):
            options["certfile"] = configuration.cert_file
        if getattr(configuration, "key_file", None):
            options["keyfile"] = configuration.key_file
    hostname = getattr(configuration, "server_hostname", None)
    if hostname:
        options["server_hostname"] = hostname
    return options


def exec_url(api: KubeApi, namespace: str, pod: str, container: str, argv: list[str]) -> str:
    query = [("container", container), ("stdout", "true"), ("stderr", "true")]
    query += [("command", part) for part in argv]
    path = f"/api/v1/namespaces/{namespace}/pods/{pod}/exec?{urlencode(query)}"
    return "ws" + api.base[len("http") :] + path if api.base.startswith("http") else api.base + path


def run_in_pod(
    api: KubeApi, namespace: str, pod: str, container: str, argv: list[str], *, timeout: float = 20.0
) -> ExecResult:
    """Blocking: the command's exit code and output; a refusal (403, no such pod) as `problem`."""
    import websocket  # websocket-client, the kubernetes client's own WebSocket library

    headers = api.auth_headers()
    try:
        ws = websocket.create_connection(
            exec_url(api, namespace, pod, container, argv),
            timeout=timeout,
            header=[f"{k}: {v}" for k, v in headers.items()],
            subprotocols=list(PROTOCOLS),
            sslopt=_ssl_options(api.configuration),
        )
    except websocket.WebSocketBadStatusException as exc:
        return ExecResult(None, "", "", _refusal(exc))
    except (OSError, websocket.WebSocketException) as exc:
        return ExecResult(None, "", "", f"pods/exec could not be reached: {exc}")
    out, err, status = bytearray(), bytearray(), None
    try:
        while status is None:
            try:
                frame = ws.recv()
            except websocket.WebSocketConnectionClosedException:
                break
            if not isinstance(frame, bytes) or not frame:
                continue
            channel, data = frame[0], frame[1:]
            if channel == STDOUT and len(out) < OUTPUT_LIMIT:
                out += data
            elif channel == STDERR and len(err) < OUTPUT_LIMIT:
                err += data
            elif channel == ERROR:
                status = json.loads(data or b"{}")
    except (OSError, websocket.WebSocketException, ValueError) as exc:
        return ExecResult(None, out.decode(errors="replace"), err.decode(errors="replace"), str(exc))
    finally:
        ws.close()
    if status is None:
        return ExecResult(None, out.decode(errors="replace"), err.decode(errors="replace"), "no exit status")
    code, problem = _status_exit_code(status)
    return ExecResult(code, out.decode(errors="replace"), err.decode(errors="replace"), problem)


def _refusal(exc) -> str:
    body = getattr(exc, "resp_body", None) or b""
    try:
        message = json.loads(body).get("message") if body else None
    except ValueError:
        message = None
    return f"pods/exec refused ({exc.status_code}): {message or 'no reason given'}"
