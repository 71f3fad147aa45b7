"""Plain kubeconfig credentials (token, client certificate, basic auth) without the kubernetes client.

Importing `kubernetes` costs a second or more; most kubeconfigs need none of it. Exec plugins,
auth providers and in-cluster config still go through the client (`None` from `plain_credentials`).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tui.cluster.errors import ConnectError

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

    def get_api_key_with_prefix(self, name: str) -> str | None:
        return f"Bearer {self.token}" if self.token and name == "BearerToken" else None

    def pool_manager(self):
        import urllib3

        kwargs = {"ssl_context": self.ssl_context} if self.ssl_context is not None else {}
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


def _tls_context(cluster: dict, user: dict, base: str, context: str) -> ssl.SSLContext:
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
            ctx.load_verify_locations(cafile=_file(cluster["certificate-authority"], base))
        cert, key = user.get("client-certificate-data"), user.get("client-key-data")
        if cert or key:
            _load_chain_from_data(
                ctx,
                _data(cert or "", "client-certificate-data", context),
                _data(key or "", "client-key-data", context),
            )
        elif user.get("client-certificate"):
            ctx.load_cert_chain(
                _file(user["client-certificate"], base),
                _file(user["client-key"], base) if user.get("client-key") else None,
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


def plain_credentials(connection) -> PlainCredentials | None:
    """Credentials for a kubeconfig context that needs no plugin; None when the client must handle it."""
    from tui.cluster.connect import kubeconfig_paths, merge_kubeconfigs

    if connection.in_cluster or connection.exec_plugin is not None or not connection.kubeconfig:
        return None
    paths = kubeconfig_paths(connection.kubeconfig)
    merged, _current = merge_kubeconfigs([p for p in paths if Path(p).exists()])
    ctx = merged["contexts"].get(connection.context) or {}
    cluster = merged["clusters"].get(str(ctx.get("cluster") or "")) or {}
    user = merged["users"].get(str(ctx.get("user") or "")) or {}
    if set(cluster) - _CLUSTER_KEYS or set(user) - _USER_KEYS or not cluster.get("server"):
        return None
    # Relative paths are relative to the file that defines the entry; the first file is kubectl's usual case.
    base = os.path.dirname(os.path.abspath(paths[0]))
    server = str(cluster["server"]).rstrip("/")
    tls = _tls_context(cluster, user, base, connection.context) if server.startswith("https://") else None
    return PlainCredentials(
        host=server,
        ssl_context=tls,
        token=user.get("token") or None,
        username=user.get("username"),
        password=user.get("password"),
        server_hostname=cluster.get("tls-server-name"),
    )
