"""Plain kubeconfig credentials (token, client certificate, basic auth) without the kubernetes client.

Importing `kubernetes` costs a second or more; most kubeconfigs need none of it. An exec plugin's
ExecCredential becomes plain credentials too (`exec_credentials`); auth providers and in-cluster
config still go through the client (`None`).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import ssl
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tui.cluster.errors import ConnectError
from tui.cluster.kubeconfig import Entry, existing, kubeconfig_paths, merge_kubeconfigs

# Keys the plain path understands; anything else in the entry sends the connection through the client.
_CLUSTER_KEYS = {
    "server",
    "certificate-authority",
    "certificate-authority-data",
    "insecure-skip-tls-verify",
    "tls-server-name",
    "extensions",
}
_USER_KEYS = {
    "token",
    "client-certificate",
    "client-certificate-data",
    "client-key",
    "client-key-data",
    "username",
    "password",
    "extensions",
}


@dataclass
class PlainCredentials:
    """What KubeApi reads from a configuration, plus the TLS context to connect with."""

    host: str
    ssl_context: ssl.SSLContext | None
    token: str | None = None
    username: str | None = None
    password: str | None = None
    server_hostname: str | None = None
    expires: datetime | None = None  # of an exec plugin's token
    renew: Callable[[], PlainCredentials] | None = field(default=None, repr=False)
    _renewing: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def get_api_key_with_prefix(self, name: str) -> str | None:
        if name != "BearerToken":
            return None
        if self.renew is not None and self.expires is not None:
            self._renew_if_expired()
        return f"Bearer {self.token}" if self.token else None

    def _renew_if_expired(self) -> None:
        from datetime import UTC

        with self._renewing:
            if self.renew is None or self.expires is None or datetime.now(UTC) < self.expires:
                return
            try:
                fresh = self.renew()
            except ConnectError:
                return  # the old token is refused, and the request says so
            self.token, self.expires = fresh.token, fresh.expires

    def pool_manager(self):
        import urllib3

        kwargs: dict[str, Any] = {"ssl_context": self.ssl_context} if self.ssl_context is not None else {}
        if self.server_hostname:
            kwargs["server_hostname"] = self.server_hostname
        return urllib3.PoolManager(num_pools=4, maxsize=max(10, (os.cpu_count() or 2) * 5), **kwargs)


def _file(path: str, base: str) -> str:
    return path if os.path.isabs(path) else os.path.join(base, path)


def _data(value: str, what: str, context: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ConnectError(
            "bad-kubeconfig",
            f"Context {context}: {what} is not valid base64",
            str(exc),
            "Fix the kubeconfig entry.",
        ) from exc


def _tls_context(
    cluster: dict, user: dict, cluster_base: str, user_base: str, context: str
) -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    try:
        if cluster.get("insecure-skip-tls-verify") is True:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        elif cluster.get("certificate-authority-data"):
            ctx.load_verify_locations(
                cadata=_data(
                    cluster["certificate-authority-data"], "certificate-authority-data", context
                ).decode("ascii")
            )
        elif cluster.get("certificate-authority"):
            ctx.load_verify_locations(cafile=_file(cluster["certificate-authority"], cluster_base))
        cert, key = user.get("client-certificate-data"), user.get("client-key-data")
        if cert or key:
            _load_chain_from_data(
                ctx,
                _data(cert or "", "client-certificate-data", context),
                _data(key or "", "client-key-data", context),
            )
        elif user.get("client-certificate"):
            ctx.load_cert_chain(
                _file(user["client-certificate"], user_base),
                _file(user["client-key"], user_base) if user.get("client-key") else None,
            )
    except (ssl.SSLError, UnicodeDecodeError, ValueError) as exc:
        raise ConnectError(
            "bad-kubeconfig",
            f"Context {context} has certificates that cannot be used",
            str(exc),
            "Check the certificate-authority and client certificate entries.",
        ) from exc
    except OSError as exc:
        raise ConnectError(
            "bad-kubeconfig",
            f"Context {context} refers to a file that cannot be read",
            str(exc),
            "Check certificate and key paths in the kubeconfig.",
        ) from exc
    return ctx


def _load_chain_from_data(ctx: ssl.SSLContext, cert: bytes, key: bytes) -> None:
    """ssl loads certificates from files only: a private temporary file, removed at once."""
    fd, path = tempfile.mkstemp(prefix="kubeknobs-", suffix=".pem")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(cert + b"\n" + key)
        ctx.load_cert_chain(path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)


def _entries(connection) -> tuple[Entry, Entry] | None:
    """The context's cluster and user entries, each with the file that defines it."""
    if connection.in_cluster or not connection.kubeconfig:
        return None
    merged, _current = merge_kubeconfigs(existing(kubeconfig_paths(connection.kubeconfig)))
    ctx = merged["contexts"].get(connection.context)
    ctx_body = ctx.body if ctx else {}
    cluster = merged["clusters"].get(str(ctx_body.get("cluster") or ""))
    user = merged["users"].get(str(ctx_body.get("user") or ""))
    if cluster is None or not cluster.body.get("server") or set(cluster.body) - _CLUSTER_KEYS:
        return None
    return cluster, user or Entry({}, cluster.file)


def _credentials(connection, cluster: Entry, user: dict, user_base: str) -> PlainCredentials:
    server = str(cluster.body["server"]).rstrip("/")
    tls = (
        _tls_context(cluster.body, user, cluster.base, user_base, connection.context)
        if server.startswith("https://")
        else None
    )
    return PlainCredentials(
        host=server,
        ssl_context=tls,
        token=user.get("token") or None,
        username=user.get("username"),
        password=user.get("password"),
        server_hostname=cluster.body.get("tls-server-name"),
    )


def plain_credentials(connection) -> PlainCredentials | None:
    """Credentials for a kubeconfig context that needs no plugin; None when the client must handle it."""
    if connection.exec_plugin is not None:
        return None
    entries = _entries(connection)
    if entries is None:
        return None
    cluster, user = entries
    if set(user.body) - _USER_KEYS:
        return None
    return _credentials(connection, cluster, user.body, user.base)


def exec_credentials(
    connection, status: dict, renew: Callable[[], PlainCredentials] | None = None
) -> PlainCredentials | None:
    """Credentials from an exec plugin's ExecCredential status; None when the cluster entry needs the client."""
    entries = _entries(connection)
    if entries is None:
        return None
    cluster, user = entries
    cert, key = status.get("clientCertificateData"), status.get("clientKeyData")
    plain = _credentials(connection, cluster, {"token": status.get("token")}, user.base)
    if cert and plain.ssl_context is not None:
        try:
            _load_chain_from_data(plain.ssl_context, str(cert).encode(), str(key or "").encode())
        except (ssl.SSLError, OSError) as exc:
            raise ConnectError(
                "exec-plugin",
                f"The credential plugin of user {connection.user} gave a certificate that cannot be used",
                str(exc),
                "Run the plugin by hand and check its clientCertificateData and clientKeyData.",
            ) from exc
    plain.expires = _expiry(status.get("expirationTimestamp"))
    plain.renew = renew
    return plain


def _expiry(value) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
