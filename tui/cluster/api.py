"""HTTP to the API server as raw JSON, on top of the kubernetes client's auth and TLS setup.

The generated client models are slow to build for large lists, so every call here
returns plain dicts (or a line stream for watches and log follows).
"""

from __future__ import annotations

import contextlib
import json
import random
import threading
from collections.abc import Iterator
from urllib.parse import urlencode

from tui.cluster.errors import ApiError, transport_error

USER_AGENT = "kubeknobs/0.1"
RETRYABLE_READ = {429, 500, 502, 503, 504}


def backoff_delay(attempt: int, *, base: float = 0.2, cap: float = 5.0, rng=random) -> float:
    """Full-jitter exponential back-off."""
    return rng.uniform(0, min(cap, base * (2 ** max(0, attempt))))


class KubeApi:
    """A thread-safe raw JSON client for one cluster/user."""

    def __init__(self, configuration, *, timeout: float = 30.0):
        self.configuration = configuration
        self.timeout = timeout
        if hasattr(configuration, "pool_manager"):
            self._pool = configuration.pool_manager()
        else:
            from kubernetes.client import ApiClient

            self._pool = ApiClient(configuration).rest_client.pool_manager
        self.base = configuration.host.rstrip("/")
        self._closed = threading.Event()

    def close(self) -> None:
        self._closed.set()
        with contextlib.suppress(Exception):  # closing never fails the caller
            self._pool.clear()

    def _headers(self, content_type: str | None = None, accept: str = "application/json") -> dict:
        headers = {"User-Agent": USER_AGENT, "Accept": accept}
        token = self.configuration.get_api_key_with_prefix(
            "BearerToken"
        ) or self.configuration.get_api_key_with_prefix("authorization")
        if token:
            scheme, _, value = token.partition(" ")
            # in-cluster config writes "bearer"; some servers only accept the canonical spelling
            headers["Authorization"] = f"Bearer {value}" if scheme.lower() == "bearer" and value else token
        elif self.configuration.username or self.configuration.password:
            import urllib3

            headers.update(
                urllib3.make_headers(
                    basic_auth=f"{self.configuration.username}:{self.configuration.password}"
                )
            )
        if content_type:
            headers["Content-Type"] = content_type
        return headers

    def auth_headers(self) -> dict:
        """The headers that say who asks: for a connection the client opens itself (a WebSocket)."""
        return {k: v for k, v in self._headers().items() if k in ("Authorization", "User-Agent")}

    def url(self, path: str, query: dict | None = None) -> str:
        query = {k: v for k, v in (query or {}).items() if v is not None}
        q = urlencode({k: ("true" if v is True else "false" if v is False else v) for k, v in query.items()})
        return f"{self.base}{path}" + (f"?{q}" if q else "")

    def _send(self, method: str, path: str, query, body, content_type, timeout, *, stream: bool):
        import urllib3

        data = None
        if body is not None:
            data = body if isinstance(body, bytes | str) else json.dumps(body)
        t = timeout if timeout is not None else self.timeout
        tmo = urllib3.Timeout(connect=min(t, 10.0), read=t) if isinstance(t, int | float) else t
        try:
            resp = self._pool.request(
                method,
                self.url(path, query),
                body=data,
                headers=self._headers(content_type if body is not None else None),
                timeout=tmo,
                retries=False,
                preload_content=False,
                redirect=False,
            )
        except Exception as exc:  # noqa: BLE001 - urllib3/ssl/socket errors are classified in one place
            raise transport_error(exc) from exc
        if resp.status >= 400:
            try:
                raw = resp.read()
            except Exception:  # noqa: BLE001
                raw = b""
            finally:
                resp.release_conn()
            raise ApiError.from_body(
                resp.status, raw, method=method, path=path, retry_after=resp.headers.get("Retry-After")
            )
        if stream:
            return resp
        try:
            raw = resp.read()
        except Exception as exc:  # noqa: BLE001
            raise transport_error(exc) from exc
        finally:
            resp.release_conn()
        return raw

    def request(
        self,
        method: str,
        path: str,
        *,
        query: dict | None = None,
        body=None,
        content_type: str = "application/json",
        timeout: float | None = None,
        retries: int | None = None,
    ) -> dict:
        """One call; reads retry on 429/5xx with jittered back-off, writes only on 429 (never processed)."""
        if retries is None:
            retries = 4 if method == "GET" else 2
        attempt = 0
        while True:
            try:
                raw = self._send(method, path, query, body, content_type, timeout, stream=False)
                return json.loads(raw) if raw else {}
            except ApiError as exc:
                retryable = exc.status == 429 or (method == "GET" and exc.status in RETRYABLE_READ)
                if not retryable or attempt >= retries or self._closed.is_set():
                    raise
                wait = exc.retry_after if exc.retry_after is not None else backoff_delay(attempt)
                self._closed.wait(min(wait, 10.0))
                attempt += 1

    def get(self, path: str, **query) -> dict:
        return self.request("GET", path, query=query)

    def get_text(self, path: str, *, query: dict | None = None, timeout: float | None = None) -> str:
        raw = self._send("GET", path, query, None, None, timeout, stream=False)
        return raw.decode("utf-8", "replace")

    def open_stream(self, path: str, query: dict | None = None, *, read_timeout: float = 60.0):
        """A streaming GET (watch or log follow); returns the urllib3 response."""
        return self._send("GET", path, query, None, None, read_timeout, stream=True)


def iter_lines(resp, stop: threading.Event | None = None) -> Iterator[bytes]:
    """Lines of a chunked response, as bytes without the newline."""
    buf = b""
    try:
        for chunk in resp.stream(amt=None, decode_content=False):
            if stop is not None and stop.is_set():
                return
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                yield line
        if buf:
            yield buf
    except Exception as exc:  # noqa: BLE001
        if stop is not None and stop.is_set():
            return
        raise transport_error(exc) from exc


def close_stream(resp) -> None:
    """Interrupt a stream being read by another thread."""
    if resp is None:
        return
    for name in ("shutdown", "close", "release_conn"):
        with contextlib.suppress(Exception):  # the connection may already be gone
            getattr(resp, name)()
