"""pods/{[scheme:]name[:port]}/proxy/{path}: an HTTP request forwarded to the pod's port.

A container port is served on the local port the kubelet mapped it to (`KUBEKNOBS_PORT_<port>`),
so the request goes to 127.0.0.1 on that port. Without a port, the first declared container port is
used, as the apiserver does; a named port is looked up among the containers' ports. Only `http` is
served (a pod here has no TLS). The body is forwarded as a whole, not streamed.
"""

from __future__ import annotations

import aiohttp
from aiohttp import web

from tui.localcluster.api import errors
from tui.localcluster.api.errors import ApiError
from tui.localcluster.api.podexec import container_runner

# Hop-by-hop headers, and the caller's credentials, which are the API server's and not the pod's.
DROPPED = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "host",
        "authorization",
        "content-length",
    }
)
TIMEOUT = aiohttp.ClientTimeout(total=60, connect=5)


def split_name(raw: str) -> tuple[str, str, str]:
    """(scheme, name, port) of `name`, `name:port` or `scheme:name:port`."""
    parts = raw.split(":")
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    if len(parts) == 2:
        return "", parts[0], parts[1]
    return "", raw, ""


def _target(pod: dict, port: str) -> tuple[str, int] | None:
    """(container name, container port) that `port` names, or None when no container declares it."""
    containers = (pod.get("spec") or {}).get("containers") or []
    for container in containers:
        for declared in container.get("ports") or []:
            number = declared.get("containerPort")
            if not port or str(number) == port or declared.get("name") == port:
                return container.get("name", ""), int(number)
    return None


def _unreachable(pod: dict, port: str, why: str) -> ApiError:
    ip = (pod.get("status") or {}).get("podIP") or "<none>"
    return ApiError(503, "ServiceUnavailable", f"error trying to reach service: dial tcp {ip}:{port}: {why}")


async def serve_proxy(cluster, request: web.Request, route) -> web.StreamResponse:
    scheme, name, port = split_name(route.name)
    pod = cluster.store.get("pods", route.namespace, name)
    if pod is None:
        raise errors.not_found(route.res, name)
    if scheme not in ("", "http"):
        raise errors.bad_request(f"the embedded cluster proxies plain HTTP to pods, not {scheme}")
    target = _target(pod, port)
    if target is None:
        if not port:
            raise errors.bad_request(f"pod {name} declares no container port: name one as {name}:PORT")
        raise _unreachable(pod, port, "connect: connection refused")
    container, number = target
    runner = container_runner(cluster, route.namespace, name, container)
    local = runner.ports.get(number) if runner is not None and runner.running else None
    if local is None:
        raise _unreachable(pod, str(number), "connect: connection refused")
    url = f"http://127.0.0.1:{local}{route.proxy_path}"
    headers = {k: v for k, v in request.headers.items() if k.lower() not in DROPPED}
    body = await request.read()
    try:
        async with (
            aiohttp.ClientSession(timeout=TIMEOUT, auto_decompress=False) as client,
            client.request(
                request.method,
                url,
                params=request.query,
                headers=headers,
                data=body or None,
                allow_redirects=False,
            ) as answer,
        ):
            content = await answer.read()
            kept = {k: v for k, v in answer.headers.items() if k.lower() not in DROPPED}
            return web.Response(status=answer.status, body=content, headers=kept)
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise _unreachable(pod, str(number), str(exc) or type(exc).__name__) from None
