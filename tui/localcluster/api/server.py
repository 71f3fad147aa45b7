"""The HTTP front: authentication, faults, routing of API paths to the resource handlers."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import yaml
from aiohttp import web

from tui.localcluster.api import discovery, errors, protobuf
from tui.localcluster.api.errors import ApiError
from tui.localcluster.api.resources import RESOURCES, Resource, resource_for

log = logging.getLogger("kubeknobs.localcluster")
CHUNK = 1 << 20


@dataclass(frozen=True)
class Route:
    res: Resource
    namespace: str | None
    name: str | None
    subresource: str | None
    proxy_path: str = ""  # pods/{name}/proxy/{path}: the path sent on to the pod


def parse_route(path: str) -> Route | None:
    parts = [p for p in path.split("/") if p]
    if len(parts) >= 2 and parts[0] == "api" and parts[1] == "v1":
        group, rest = "", parts[2:]
    elif len(parts) >= 3 and parts[0] == "apis" and parts[2] == "v1":
        group, rest = parts[1], parts[3:]
    else:
        return None
    namespace = None
    if len(rest) >= 3 and rest[0] == "namespaces" and rest[2] not in ("status", "finalize"):
        namespace, rest = rest[1], rest[2:]
    proxy_path = ""
    if len(rest) >= 3 and rest[2] == "proxy":
        proxy_path = "/" + "/".join(rest[3:]) + ("/" if path.endswith("/") and len(rest) > 3 else "")
        rest = rest[:3]
    if not rest or len(rest) > 3:
        return None
    res = resource_for(group, rest[0])
    if res is None:
        return None
    if namespace is not None and not res.namespaced:
        return None
    name = rest[1] if len(rest) > 1 else None
    sub = rest[2] if len(rest) > 2 else None
    if sub is not None and sub not in res.subresources:
        return None
    if name is not None and res.namespaced and namespace is None:
        return None
    return Route(res, namespace, name, sub, proxy_path)


def query_int(request: web.Request, name: str) -> int | None:
    """An integer query parameter, or a 400 naming it as the apiserver does."""
    value = request.query.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise errors.bad_request(f'invalid value for {name}: "{value}"') from None


def json_response(obj, status: int = 200, headers: dict | None = None, content_type="application/json"):
    return web.Response(
        body=json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode(),
        status=status,
        headers={"Content-Type": content_type, **(headers or {})},
    )


def error_response(err: ApiError) -> web.Response:
    return json_response(err.status(), status=err.code, headers=err.headers)


async def read_body(request: web.Request, *, patch: bool = False) -> dict | list:
    raw = await request.read()
    ctype = (request.headers.get("Content-Type") or "application/json").split(";")[0].strip().lower()
    if not patch and ctype == "application/vnd.kubernetes.protobuf":
        try:
            return protobuf.decode(raw)
        except (protobuf.ProtobufError, UnicodeDecodeError, KeyError, IndexError) as exc:
            raise ApiError(415, "UnsupportedMediaType", str(exc)) from None
    if not patch and ctype not in ("application/json", "application/yaml", "*/*", ""):
        raise ApiError(
            415,
            "UnsupportedMediaType",
            "the body of the request was in an unknown format - accepted media types include: "
            "application/json, application/yaml, application/vnd.kubernetes.protobuf",
        )
    try:
        text = raw.decode("utf-8")
        body = yaml.safe_load(text) if ctype == "application/yaml" else json.loads(text or "null")
    except (UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise errors.bad_request(f"the body of the request could not be decoded: {exc}") from None
    if not isinstance(body, dict | list):
        raise errors.bad_request("the body of the request must be a JSON object")
    return body


async def send_bytes(request: web.Request, parts: list[bytes], status: int = 200) -> web.StreamResponse:
    """Send a large body in chunks so the loop keeps serving others while a slow client reads."""
    total = sum(len(p) for p in parts)
    if total <= CHUNK * 4:
        return web.Response(body=b"".join(parts), status=status, headers={"Content-Type": "application/json"})
    response = web.StreamResponse(status=status, headers={"Content-Type": "application/json"})
    response.content_length = total
    try:
        await response.prepare(request)
        buffer: list[bytes] = []
        size = 0
        for part in parts:
            buffer.append(part)
            size += len(part)
            if size >= CHUNK:
                await response.write(b"".join(buffer))
                buffer, size = [], 0
        if buffer:
            await response.write(b"".join(buffer))
        await response.write_eof()
    except ConnectionResetError:
        pass  # the client went away mid-list
    return response


class ApiServer:
    def __init__(self, cluster) -> None:
        from tui.localcluster.api.handlers import ResourceHandlers

        self.cluster = cluster
        self.handlers = ResourceHandlers(cluster)

    def build_app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self.dispatch)
        return app

    async def dispatch(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        try:
            user = None
            if path not in discovery_public():
                user = self.cluster.access.authenticate(request.headers.get("Authorization"))
            if path == "/localcluster/faults":
                return await self._faults(request, user)
            fault = await self.cluster.faults.before_request(request.method, path, request.query)
            if fault is not None:
                raise self._fault_error(*fault)
            return await self._route(request, path, user)
        except ApiError as err:
            return error_response(err)
        except (ConnectionResetError, web.HTTPException):
            raise
        except Exception as exc:  # noqa: BLE001 - an unexpected bug answers 500 instead of a dropped connection
            log.exception("internal error on %s %s", request.method, path)
            return error_response(ApiError(500, "InternalError", f"Internal error occurred: {exc}"))

    @staticmethod
    def _fault_error(status: int, retry_after: int | None) -> ApiError:
        if status == 429:
            headers = {"Retry-After": str(retry_after or 1)}
            return ApiError(
                429,
                "TooManyRequests",
                "Too many requests, please try again later.",
                {"retryAfterSeconds": retry_after or 1},
                headers,
            )
        return ApiError(status, "InternalError", "Internal error occurred: injected fault")

    async def _faults(self, request: web.Request, user) -> web.Response:
        if user is None or not user.admin:
            raise ApiError(403, "Forbidden", "only the admin user may inject faults")
        if request.method != "POST":
            raise errors.method_not_allowed()
        body = await read_body(request)
        try:
            return json_response(self.cluster.faults.handle_admin(body))
        except (ValueError, TypeError) as exc:
            raise errors.bad_request(str(exc)) from None

    async def _route(self, request: web.Request, path: str, user) -> web.StreamResponse:
        method = request.method
        if path.startswith("/openapi"):
            return web.Response(status=404, text="404 page not found\n")
        static = self._discovery(path)
        if static is not None:
            if method != "GET":
                raise errors.method_not_allowed()
            return static
        route = parse_route(path)
        if route is None:
            if path.startswith(("/api/", "/apis/")) or path in ("/api", "/apis"):
                raise errors.not_found_path()
            return web.Response(status=404, text="404 page not found\n")
        return await self.handlers.handle(request, route, user)

    def _discovery(self, path: str) -> web.Response | None:
        path = path.rstrip("/") or "/"
        if path == "/version":
            return json_response(discovery.VERSION)
        if path in ("/healthz", "/livez", "/readyz"):
            return web.Response(text="ok")
        if path == "/api":
            host = self.cluster.url.split("://", 1)[1]
            return json_response(discovery.api_versions(host))
        if path == "/apis":
            return json_response(discovery.api_group_list())
        if path == "/api/v1":
            return json_response(discovery.resource_list(""))
        parts = path.split("/")
        if len(parts) == 3 and parts[1] == "apis":
            group = discovery.api_group(parts[2])
            if group is None:
                raise errors.not_found_path()
            return json_response(group)
        if len(parts) == 4 and parts[1] == "apis" and parts[3] == "v1":
            listing = discovery.resource_list(parts[2])
            if listing is None or not parts[2]:
                raise errors.not_found_path()
            return json_response(listing)
        return None


def discovery_public() -> frozenset[str]:
    from tui.localcluster.api.auth import PUBLIC_PATHS

    return PUBLIC_PATHS


__all__ = ["ApiServer", "RESOURCES", "Route", "parse_route", "read_body", "send_bytes", "json_response"]
