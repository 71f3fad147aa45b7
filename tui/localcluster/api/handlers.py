"""The verbs on resources: get, list, watch, create, update, patch, delete, scale; log, exec, proxy."""

from __future__ import annotations

import base64
import copy
import json

from aiohttp import web

from tui.localcluster.api import errors, tables
from tui.localcluster.api.auth import REVIEWS
from tui.localcluster.api.errors import ApiError
from tui.localcluster.api.patch import PATCH_TYPES, apply_patch
from tui.localcluster.api.selectors import combine, parse_field_selector, parse_label_selector
from tui.localcluster.api.server import Route, json_response, query_int, read_body, send_bytes
from tui.localcluster.api.shape import check_shape
from tui.localcluster.api.store import dumps
from tui.localcluster.api.watch import WatchStream

VERB_OF = {"POST": "create", "PUT": "update", "PATCH": "patch"}
PROXY_VERB_OF = {**VERB_OF, "GET": "get", "HEAD": "get", "OPTIONS": "get", "DELETE": "delete"}


def _flag(request: web.Request, name: str) -> bool:
    return request.query.get(name, "").lower() in ("true", "1")


def _dry_run(request: web.Request) -> bool:
    values = request.query.getall("dryRun", [])
    for value in values:
        if value != "All":
            raise errors.bad_request(f'Invalid dryRun value: "{value}", supported values: All')
    return bool(values)


def _wants_table(request: web.Request) -> bool:
    accept = request.headers.get("Accept", "")
    first = accept.split(",")[0]
    return "as=Table" in first


class ResourceHandlers:
    def __init__(self, cluster) -> None:
        self.cluster = cluster

    @property
    def store(self):
        return self.cluster.store

    async def handle(self, request: web.Request, route: Route, user) -> web.StreamResponse:
        method = request.method
        res = route.res
        if route.subresource == "log":
            if method != "GET":
                raise errors.method_not_allowed()
            self.cluster.access.check(user, "get", res, route.namespace, route.name, "log")
            from tui.localcluster.api.podlog import serve_log

            return await serve_log(self.cluster, request, route)
        if route.subresource == "exec":
            if method not in ("GET", "POST"):
                raise errors.method_not_allowed()
            # As the apiserver since 1.31: exec needs `create` whether it came as GET (WebSocket) or POST.
            self.cluster.access.check(user, "create", res, route.namespace, route.name, "exec")
            from tui.localcluster.api.podexec import serve_exec

            return await serve_exec(self.cluster, request, route)
        if route.subresource == "proxy":
            verb = PROXY_VERB_OF.get(method)
            if verb is None:
                raise errors.method_not_allowed()
            self.cluster.access.check(user, verb, res, route.namespace, route.name, "proxy")
            from tui.localcluster.api.podproxy import serve_proxy

            return await serve_proxy(self.cluster, request, route)
        if method == "GET":
            verb = "get" if route.name else ("watch" if _flag(request, "watch") else "list")
        elif method == "DELETE":
            verb = "delete" if route.name else "deletecollection"
        else:
            verb = VERB_OF.get(method, "")
        if not verb or verb not in res.verbs or (verb in ("update", "patch") and not route.name):
            raise errors.method_not_allowed()
        self.cluster.access.check(user, verb, res, route.namespace, route.name, route.subresource or "")
        if res.plural in REVIEWS:
            body = await read_body(request)
            return json_response(self.cluster.access.answer(user, res.plural, body), status=201)
        if verb == "get":
            return self.get(request, route)
        if verb == "list":
            return await self.list(request, route)
        if verb == "watch":
            return await self.watch(request, route)
        if verb == "create":
            if route.name:
                raise errors.method_not_allowed()
            return await self.create(request, route)
        if verb == "update":
            return await self.update(request, route)
        if verb == "patch":
            return await self.patch(request, route)
        if verb == "delete":
            return await self.delete(request, route)
        return await self.delete_collection(request, route)

    # -- reading -----------------------------------------------------------------------------------

    def _current(self, route: Route) -> dict:
        obj = self.store.get(route.res.plural, route.namespace, route.name)
        if obj is None:
            raise errors.not_found(route.res, route.name or "")
        return obj

    def get(self, request: web.Request, route: Route) -> web.Response:
        entry = self.store.entry(route.res.plural, route.namespace, route.name)
        if entry is None:
            raise errors.not_found(route.res, route.name or "")
        if route.subresource == "scale":
            return json_response(self._scale(route.res, entry.obj))
        if _wants_table(request):
            table = tables.table(
                route.res,
                [entry.obj],
                request.query.get("includeObject"),
                entry.obj["metadata"]["resourceVersion"],
            )
            return json_response(table)
        return web.Response(body=entry.raw, headers={"Content-Type": "application/json"})

    def _matcher(self, request: web.Request, route: Route):
        return combine(
            parse_label_selector(request.query.get("labelSelector")),
            parse_field_selector(request.query.get("fieldSelector"), route.res.plural),
        )

    async def list(self, request: web.Request, route: Route) -> web.StreamResponse:
        res = route.res
        matcher = self._matcher(request, route)
        limit = query_int(request, "limit")
        token = request.query.get("continue")
        after = None
        rv = self.store.resource_version
        if token:
            try:
                state = json.loads(base64.b64decode(token))
                after, rv = tuple(state["start"]), str(state["rv"])
            except (ValueError, KeyError, TypeError):
                raise errors.bad_request(
                    "continue key is not valid: incorrect encoded start resourceVersion "
                    "(version meta.k8s.io/v1)"
                ) from None
            if int(rv) < self.store.floor:
                raise errors.gone(
                    "The provided continue parameter is too old to display a consistent list "
                    "result. You can start a new list without the continue parameter, or use "
                    "the continue token in this response to retrieve the remainder of the "
                    "results. Continuing with the provided token results in an inconsistent "
                    "list - objects that were created, modified, or deleted between the time "
                    "the first chunk was returned and now may show up in the list."
                )
        entries = self.store.entries(res.plural, route.namespace, matcher, after)
        meta: dict = {"resourceVersion": rv}
        if limit and limit > 0 and len(entries) > limit:
            last = entries[limit - 1].obj["metadata"]
            meta["continue"] = base64.b64encode(
                json.dumps({"rv": int(rv), "start": [last.get("namespace", ""), last["name"]]}).encode()
            ).decode()
            meta["remainingItemCount"] = len(entries) - limit
            entries = entries[:limit]
        if _wants_table(request):
            table = tables.table(res, [e.obj for e in entries], request.query.get("includeObject"), rv)
            table["metadata"] = meta
            return json_response(table)
        head = (
            b'{"kind":"'
            + res.list_kind.encode()
            + b'","apiVersion":"'
            + res.api_version.encode()
            + b'","metadata":'
            + dumps(meta)
            + b',"items":['
        )
        parts = [head]
        for i, entry in enumerate(entries):
            if i:
                parts.append(b",")
            parts.append(entry.raw)
        parts.append(b"]}")
        return await send_bytes(request, parts)

    async def watch(self, request: web.Request, route: Route) -> web.StreamResponse:
        res = route.res
        matcher = self._matcher(request, route)
        render = None
        if _wants_table(request):
            include = request.query.get("includeObject")
            headers = [True]  # as the apiserver does: column definitions on the first event only

            def render(obj, res=res, include=include):
                table = tables.table(res, [obj], include, obj["metadata"].get("resourceVersion", ""))
                if not headers[0]:
                    table["columnDefinitions"] = None
                headers[0] = False
                return table

        timeout = query_int(request, "timeoutSeconds")
        send_initial = request.query.get("sendInitialEvents")
        stream = WatchStream(
            self.store,
            self.cluster.faults.open_watches,
            resource=res.plural,
            kind=res.kind,
            api_version=res.api_version,
            namespace=route.namespace,
            matcher=matcher,
            render=render,
            bookmarks=_flag(request, "allowWatchBookmarks"),
            bookmark_interval=self.cluster.options.bookmark_interval,
            timeout=float(timeout) if timeout and timeout > 0 else 1800.0,
        )
        return await stream.serve(
            request,
            request.query.get("resourceVersion"),
            None if send_initial is None else send_initial.lower() == "true",
            lambda: self.store.entries(res.plural, route.namespace, matcher),
        )

    # -- writing -----------------------------------------------------------------------------------

    def _check_body(self, route: Route, body, *, named: bool) -> dict:
        if not isinstance(body, dict):
            raise errors.bad_request("the body of the request must be a JSON object")
        check_shape(route.res, body)
        kind = body.get("kind")
        if kind and kind != route.res.kind:
            raise errors.bad_request(
                f"the API version in the data ({body.get('apiVersion', '')}) does not "
                f"match the expected API version ({route.res.api_version})"
                if body.get("apiVersion") != route.res.api_version
                else f"the kind in the data ({kind}) does not match the expected kind ({route.res.kind})"
            )
        meta = body.setdefault("metadata", {})
        if not isinstance(meta, dict):
            raise errors.bad_request("metadata must be an object")
        if route.res.namespaced:
            if meta.get("namespace") and meta["namespace"] != route.namespace:
                raise errors.bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request"
                )
            meta["namespace"] = route.namespace
        if named and meta.get("name") != route.name:
            raise errors.bad_request(
                f"the name of the object ({meta.get('name', '')}) does not match the name "
                f"on the URL ({route.name})"
            )
        return body

    def _write_response(self, obj: dict, status: int = 200) -> web.Response:
        return web.Response(body=dumps(obj), status=status, headers={"Content-Type": "application/json"})

    async def create(self, request: web.Request, route: Route) -> web.Response:
        body = self._check_body(route, await read_body(request), named=False)
        created = self.store.create(
            route.res.plural, body, dry_run=_dry_run(request), field_manager=self._manager(request)
        )
        return self._write_response(created, 201)

    def _manager(self, request: web.Request) -> str:
        manager = request.query.get("fieldManager")
        if manager:
            return manager
        agent = request.headers.get("User-Agent", "unknown")
        return agent.split("/")[0][:128] or "unknown"

    async def update(self, request: web.Request, route: Route) -> web.Response:
        body = await read_body(request)
        if route.subresource == "scale":
            return self._update_scale(request, route, body)
        body = self._check_body(route, body, named=True)
        updated = self.store.update(
            route.res.plural,
            body,
            subresource=route.subresource,
            dry_run=_dry_run(request),
            field_manager=self._manager(request),
        )
        return self._write_response(updated)

    async def patch(self, request: web.Request, route: Route) -> web.Response:
        ctype = (request.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype not in PATCH_TYPES:
            raise errors.unsupported_media_type()
        body = await read_body(request, patch=True)
        current = self._current(route)
        if route.subresource == "scale":
            scale = apply_patch(ctype, self._scale(route.res, current), body)
            return self._update_scale(request, route, scale)
        patched = apply_patch(ctype, copy.deepcopy(current), body)
        if not isinstance(patched, dict):
            raise errors.bad_request("the patch produced something other than an object")
        check_shape(route.res, patched)
        meta = patched.setdefault("metadata", {}) if isinstance(patched.get("metadata"), dict) else {}
        patched["metadata"] = meta
        if meta.get("name") != route.name:
            raise errors.bad_request(
                f"the name of the object ({meta.get('name', '')}) does not match the name "
                f"on the URL ({route.name})"
            )
        if route.res.namespaced:
            meta["namespace"] = route.namespace
        if "resourceVersion" not in meta or meta["resourceVersion"] is None:
            meta["resourceVersion"] = current["metadata"]["resourceVersion"]
        updated = self.store.update(
            route.res.plural,
            patched,
            subresource=route.subresource,
            dry_run=_dry_run(request),
            field_manager=self._manager(request),
        )
        return self._write_response(updated)

    async def delete(self, request: web.Request, route: Route) -> web.Response:
        options = {}
        if request.can_read_body:
            raw = await request.read()
            if raw.strip():
                try:
                    options = json.loads(raw)
                except ValueError:
                    raise errors.bad_request("the body of the request could not be decoded") from None
        options = options if isinstance(options, dict) else {}
        pre = options.get("preconditions") or {}
        propagation = request.query.get("propagationPolicy") or options.get("propagationPolicy")
        removed = self.store.delete(
            route.res.plural,
            route.namespace,
            route.name,
            dry_run=_dry_run(request),
            uid=pre.get("uid"),
            resource_version=pre.get("resourceVersion"),
            propagation=propagation,
        )
        if route.res.plural == "pods" or removed["metadata"].get("deletionTimestamp"):
            return self._write_response(removed)
        details = {"name": route.name, "kind": route.res.plural, "uid": removed["metadata"].get("uid")}
        if route.res.group:
            details["group"] = route.res.group
        return json_response(
            {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}
        )

    async def delete_collection(self, request: web.Request, route: Route) -> web.Response:
        matcher = self._matcher(request, route)
        removed = self.store.delete_collection(
            route.res.plural, route.namespace, matcher, dry_run=_dry_run(request)
        )
        return json_response(
            {
                "kind": route.res.list_kind,
                "apiVersion": route.res.api_version,
                "metadata": {"resourceVersion": self.store.resource_version},
                "items": removed,
            }
        )

    # -- scale -------------------------------------------------------------------------------------

    @staticmethod
    def _scale(res, obj: dict) -> dict:
        meta = obj["metadata"]
        labels = ((obj.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
        return {
            "kind": "Scale",
            "apiVersion": "autoscaling/v1",
            "metadata": {
                k: meta[k]
                for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
                if k in meta
            },
            "spec": {"replicas": (obj.get("spec") or {}).get("replicas", 0)},
            "status": {
                "replicas": (obj.get("status") or {}).get("replicas", 0),
                "selector": ",".join(f"{k}={v}" for k, v in sorted(labels.items())),
            },
        }

    def _update_scale(self, request: web.Request, route: Route, scale) -> web.Response:
        current = self._current(route)
        if not isinstance(scale, dict):
            raise errors.bad_request("the body of the request must be a Scale object")
        replicas = (scale.get("spec") or {}).get("replicas")
        if not isinstance(replicas, int) or replicas < 0:
            raise ApiError(
                422,
                "Invalid",
                f'Scale.autoscaling "{route.name}" is invalid: spec.replicas: '
                f"Invalid value: {replicas}: must be greater than or equal to 0",
            )
        new = copy.deepcopy(current)
        new["spec"]["replicas"] = replicas
        wanted = (scale.get("metadata") or {}).get("resourceVersion")
        new["metadata"]["resourceVersion"] = wanted or current["metadata"]["resourceVersion"]
        updated = self.store.update(
            route.res.plural, new, dry_run=_dry_run(request), field_manager=self._manager(request)
        )
        return json_response(self._scale(route.res, updated))
