"""The one place where failures talking to a cluster become sentences for the operator."""

from __future__ import annotations

import errno
import json
import socket
import ssl
from dataclasses import dataclass

CONNECT_KINDS = (
    "no-kubeconfig",
    "bad-kubeconfig",
    "unknown-context",
    "unreachable",
    "tls",
    "unauthorized",
    "forbidden",
    "exec-plugin",
)


class ConnectError(Exception):
    """Connecting failed; `title`, `detail` and `hint` are sentences for the operator."""

    def __init__(self, kind: str, title: str, detail: str = "", hint: str = ""):
        super().__init__(f"{title}: {detail}" if detail else title)
        self.kind = kind
        self.title = title
        self.detail = detail
        self.hint = hint


class ApiError(Exception):
    """The API server answered with an error `Status`."""

    def __init__(
        self,
        status: int,
        reason: str,
        message: str,
        *,
        method: str = "",
        path: str = "",
        details: dict | None = None,
        retry_after: float | None = None,
    ):
        super().__init__(f"{status} {reason}: {message}")
        self.status = status
        self.reason = reason
        self.message = message
        self.method = method
        self.path = path
        self.details = details or {}
        self.retry_after = retry_after

    @classmethod
    def from_body(
        cls, status: int, body: bytes, *, method: str = "", path: str = "", retry_after: str | None = None
    ) -> ApiError:
        reason, message, details = "", "", None
        try:
            doc = json.loads(body or b"{}")
            if isinstance(doc, dict):
                reason = str(doc.get("reason") or "")
                message = str(doc.get("message") or "")
                details = doc.get("details") if isinstance(doc.get("details"), dict) else None
        except ValueError:
            message = body[:200].decode("utf-8", "replace").strip() if body else ""
        seconds = None
        if retry_after:
            try:
                seconds = float(retry_after)
            except ValueError:
                seconds = None
        return cls(
            status,
            reason or _REASONS.get(status, "Error"),
            message or _REASONS.get(status, "error"),
            method=method,
            path=path,
            details=details,
            retry_after=seconds,
        )


class TransportError(Exception):
    """No answer from the API server: refused, timed out, or the TLS handshake failed."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind  # unreachable | timeout | tls


_REASONS = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    409: "Conflict",
    410: "Expired",
    422: "Invalid",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceUnavailable",
    504: "Timeout",
}


def transport_error(exc: BaseException) -> TransportError:
    """Classify a low-level network exception (urllib3/ssl/socket) without importing urllib3 here."""
    chain: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and len(chain) < 8:
        chain.append(seen)
        seen = getattr(seen, "reason", None) if not isinstance(getattr(seen, "reason", None), str) else None
        if seen is None:
            seen = chain[-1].__cause__ or chain[-1].__context__
    names = " ".join(type(e).__name__ for e in chain)
    text = str(chain[-1]) or str(exc)
    if any(isinstance(e, ssl.SSLError) for e in chain) or "SSLError" in names:
        return TransportError("tls", text)
    if "Timeout" in names or any(isinstance(e, TimeoutError) for e in chain):
        return TransportError("timeout", text)
    if any(n in names for n in ("ProtocolError", "InvalidChunkLength", "IncompleteRead")):
        # the parser's own words (e.g. "invalid literal for int() with base 16") would only puzzle an operator
        return TransportError("unreachable", "the connection was cut in the middle of an answer")
    for error in chain:
        sentence = _socket_sentence(error)
        if sentence:
            return TransportError("unreachable", sentence)
    return TransportError("unreachable", text)


# the operating system's words differ ("[Errno 111]" on Linux, "[Errno 61]" on macOS): say it once, plainly
_SOCKET_SENTENCES = {
    errno.ECONNREFUSED: "connection refused: nothing listens at that address and port",
    errno.ECONNRESET: "the connection was reset before the API server answered",
    errno.ECONNABORTED: "the connection was aborted before the API server answered",
    errno.EHOSTUNREACH: "no route to the API server's host: is the network or VPN up?",
    errno.ENETUNREACH: "no route to the API server's network: is the network or VPN up?",
}


def _socket_sentence(error: BaseException) -> str | None:
    if isinstance(error, socket.gaierror):
        return "the API server's host name does not resolve: check the address and DNS"
    if isinstance(error, OSError) and error.errno in _SOCKET_SENTENCES:
        return _SOCKET_SENTENCES[error.errno]
    return None


def connect_error_for(
    exc: BaseException,
    *,
    server: str,
    context: str,
    user: str,
    denied: str = "",
    timeout: float | None = None,
) -> ConnectError:
    """Map what went wrong while probing a cluster to a ConnectError."""
    if isinstance(exc, ConnectError):
        return exc
    if isinstance(exc, TransportError):
        if exc.kind == "tls":
            return ConnectError(
                "tls",
                f"TLS handshake with {server} failed",
                exc.args[0],
                "Check certificate-authority(-data) of the cluster in the kubeconfig, "
                "or that the server name matches its certificate.",
            )
        if exc.kind == "timeout":
            return ConnectError(
                "unreachable",
                f"{server} did not answer within {timeout or 0:g}s",
                exc.args[0],
                "Check the network path (VPN, proxy, firewall) to the API server.",
            )
        return ConnectError(
            "unreachable",
            f"Cannot reach the API server at {server}",
            exc.args[0],
            "Is the cluster running and the address in the kubeconfig right?",
        )
    if isinstance(exc, ApiError):
        if exc.status == 401:
            return ConnectError(
                "unauthorized",
                f"The API server did not accept the credentials of user {user}",
                exc.message,
                "The token or client certificate may have expired: log in again or refresh the kubeconfig.",
            )
        if exc.status == 403:
            return ConnectError(
                "forbidden",
                f"User {user} may not {denied or 'read this cluster'}",
                exc.message,
                "Ask for a Role that allows it, or choose a namespace you can read with --namespace.",
            )
        return ConnectError(
            "unreachable",
            f"The API server at {server} answered {exc.status} {exc.reason}",
            exc.message,
            "Retry in a moment; the API server may be overloaded.",
        )
    return ConnectError(
        "unreachable", f"Connecting to {server} failed", f"{type(exc).__name__}: {exc}", f"Context {context}."
    )


def describe(exc: BaseException) -> str:
    """One operator-facing sentence for any failure of a cluster call."""
    if isinstance(exc, ConnectError):
        return f"{exc.title}: {exc.detail}" if exc.detail else exc.title
    if isinstance(exc, TransportError):
        return {
            "tls": "TLS failure talking to the API server",
            "timeout": "The API server did not answer in time",
        }.get(exc.kind, "The API server is unreachable") + f" ({exc.args[0]})"
    if isinstance(exc, ApiError):
        what = {
            401: "The credentials were not accepted",
            403: "Not allowed",
            404: "Not found",
            409: "Someone else changed it first",
            410: "The watched version is too old",
            422: "The API server rejected the change as invalid",
            429: "The API server asks to slow down",
        }.get(exc.status)
        if what is None:
            what = f"The API server failed ({exc.status} {exc.reason})"
        return f"{what}: {exc.message}" if exc.message else what
    return f"{type(exc).__name__}: {exc}"


@dataclass(frozen=True)
class Denied:
    """What RBAC refused, in the words of `kubectl auth can-i`."""

    verb: str
    resource: str
    namespace: str | None

    def __str__(self) -> str:
        where = f" in namespace {self.namespace}" if self.namespace else " cluster-wide"
        return f"{self.verb} {self.resource}{where}"
