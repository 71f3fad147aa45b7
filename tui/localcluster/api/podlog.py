"""GET pods/{name}/log: container, previous, tailLines, sinceSeconds, timestamps, limitBytes, follow."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from tui.localcluster.api import errors
from tui.localcluster.api.server import query_int
from tui.model.times import parse_time


def _line(item: tuple[datetime, str], timestamps: bool) -> bytes:
    ts, text = item
    prefix = ts.strftime("%Y-%m-%dT%H:%M:%S.%f000Z ") if timestamps else ""
    return (prefix + text + "\n").encode("utf-8", errors="replace")


def container_name(pod: dict, name: str, wanted: str | None) -> str:
    spec = pod.get("spec") or {}
    containers = [c.get("name") for c in spec.get("containers") or []]
    others = [c.get("name") for c in spec.get("initContainers") or []]
    if wanted:
        if wanted not in containers + others:
            raise errors.bad_request(f"container {wanted} is not valid for pod {name}")
        return wanted
    default = (pod["metadata"].get("annotations") or {}).get("kubectl.kubernetes.io/default-container")
    if isinstance(default, str) and default in containers:
        return default
    if len(containers) == 1:
        return containers[0]
    raise errors.bad_request(
        f"a container name must be specified for pod {name}, choose one of: "
        f"[{' '.join(containers)}]"
        + (f" or one of the init containers: [{' '.join(others)}]" if others else "")
    )


async def serve_log(cluster, request: web.Request, route) -> web.StreamResponse:
    store, logs = cluster.store, cluster.logs
    pod = store.get("pods", route.namespace, route.name)
    if pod is None:
        raise errors.not_found(route.res, route.name)
    container = container_name(pod, route.name, request.query.get("container"))
    previous = request.query.get("previous", "").lower() == "true"
    follow = request.query.get("follow", "").lower() == "true" and not previous
    timestamps = request.query.get("timestamps", "").lower() == "true"
    tail = query_int(request, "tailLines")
    since: float | None = query_int(request, "sinceSeconds")
    since_time = request.query.get("sinceTime")
    if since_time and since is None:
        moment = parse_time(since_time)
        if moment is None:
            raise errors.bad_request(f'invalid value for sinceTime: "{since_time}"')
        since = max(0.0, (datetime.now(UTC) - moment).total_seconds())
    limit = query_int(request, "limitBytes")
    ns = route.namespace
    if previous and not logs.has(ns, route.name, container, previous=True):
        raise errors.bad_request(
            f'previous terminated container "{container}" in pod "{route.name}" not found'
        )
    start = logs.position(ns, route.name, container) if follow else None
    lines = logs.read(ns, route.name, container, previous=previous, tail_lines=tail, since_seconds=since)
    body = b"".join(_line(item, timestamps) for item in lines)
    if limit is not None and limit >= 0:
        body = body[:limit]
    if not follow:
        return web.Response(body=body, headers={"Content-Type": "text/plain"})
    response = web.StreamResponse(headers={"Content-Type": "text/plain", "Transfer-Encoding": "chunked"})
    response.enable_chunked_encoding()
    await response.prepare(request)
    sent = len(body)
    try:
        if body:
            await response.write(body)
        async for item in logs.follow(ns, route.name, container, start):
            chunk = _line(item, timestamps)
            if limit is not None and sent + len(chunk) > limit:
                await response.write(chunk[: max(0, limit - sent)])
                break
            sent += len(chunk)
            await response.write(chunk)
        await response.write_eof()
    except (ConnectionResetError, RuntimeError):
        pass
    return response
