"""The object store: every write gets a resourceVersion, a history entry for watches, and listeners.

Bodies from the network are type-checked (shape.check_shape) by the HTTP handlers before they get here;
components on the loop pass well-formed objects.

Touched only from the cluster's loop thread, so it holds no locks.
"""

from __future__ import annotations

import bisect
import builtins  # inside Store, a bare list[...] would name the method Store.list
import copy
import json
import random
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from tui.localcluster.api import errors
from tui.localcluster.api.defaults import apply_defaults, normalize_secret, validate
from tui.localcluster.api.resources import RESOURCES, Resource
from tui.localcluster.api.selectors import Matcher, combine, parse_field_selector, parse_label_selector

GENERATED = ("deployments", "replicasets", "statefulsets", "daemonsets")
WITH_STATUS = tuple(r.plural for r in RESOURCES.values() if "status" in r.subresources)
SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
IMMUTABLE_MSG = "Forbidden: field is immutable when `immutable` is set"


def dumps(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def timestamp(seconds: float | None = None) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if seconds is None else seconds))


def _typed(res: Resource, obj: dict) -> dict:
    """apiVersion and kind first, as the apiserver writes them."""
    return {
        "apiVersion": res.api_version,
        "kind": res.kind,
        **{k: v for k, v in obj.items() if k not in ("apiVersion", "kind")},
    }


class Entry:
    """A stored object and its serialized form, computed once per version."""

    __slots__ = ("obj", "_raw")

    def __init__(self, obj: dict):
        self.obj = obj
        self._raw: bytes | None = None

    @property
    def raw(self) -> bytes:
        if self._raw is None:
            self._raw = dumps(self.obj)
        return self._raw


@dataclass(slots=True)
class Change:
    rv: int
    type: str
    resource: str
    entry: Entry
    old: dict | None
    wire: bytes | None = None  # the JSON watch line, built once and shared by every watcher


class Store:
    def __init__(
        self,
        *,
        rng: random.Random | None = None,
        history_size: int = 20000,
        event_rng: random.Random | None = None,
    ):
        self.rng = rng or random.Random()
        self.event_rng = (
            event_rng or random.Random()
        )  # event names never shift the uids or names drawn after them
        self._objects: dict[str, dict[tuple[str, str], Entry]] = {r: {} for r in RESOURCES}
        self._sorted: dict[str, list[tuple[str, str]] | None] = {r: None for r in RESOURCES}
        self.event_names: dict[tuple, str] = {}  # aggregation key of an Event -> its name
        self._rv = 1
        self.history: deque[Change] = deque()
        self.history_size = history_size
        self.floor = 0  # watches may resume from any resourceVersion >= floor
        self._listeners: list[Callable[[str, str, dict], None]] = []
        self.watchers: dict[str, set] = {r: set() for r in RESOURCES}

    # -- reading -----------------------------------------------------------------------------------

    @property
    def resource_version(self) -> str:
        return str(self._rv)

    def get(self, resource: str, namespace: str | None, name: str) -> dict | None:
        entry = self._objects[resource].get((namespace or "", name))
        return entry.obj if entry else None

    def entry(self, resource: str, namespace: str | None, name: str) -> Entry | None:
        return self._objects[resource].get((namespace or "", name))

    def entries(
        self,
        resource: str,
        namespace: str | None = None,
        matcher: Matcher | None = None,
        after: tuple[str, str] | None = None,
    ) -> list[Entry]:
        """Entries in etcd key order (namespace, name), optionally starting after a key."""
        objects = self._objects[resource]
        keys = self._sorted[resource]
        if keys is None:
            keys = self._sorted[resource] = sorted(objects)
        start, end = 0, len(keys)
        if namespace:
            start, end = (
                bisect.bisect_left(keys, (namespace, "")),
                bisect.bisect_left(keys, (namespace + "\0", "")),
            )
        if after is not None:
            start = max(start, bisect.bisect_right(keys, after))
        out = [objects[k] for k in keys[start:end]]
        if matcher is not None:
            out = [e for e in out if matcher(e.obj)]
        return out

    def list(
        self, resource: str, namespace: str | None = None, label_selector=None, field_selector=None
    ) -> tuple[list[dict], str]:
        matcher = combine(
            parse_label_selector(label_selector) if isinstance(label_selector, str) else label_selector,
            parse_field_selector(field_selector, resource)
            if isinstance(field_selector, str)
            else field_selector,
        )
        return [e.obj for e in self.entries(resource, namespace, matcher)], self.resource_version

    def count(self, resource: str) -> int:
        return len(self._objects[resource])

    # -- listeners and history ---------------------------------------------------------------------

    def add_listener(self, fn: Callable[[str, str, dict], None]) -> None:
        self._listeners.append(fn)

    def remove_listener(self, fn) -> None:
        if fn in self._listeners:
            self._listeners.remove(fn)

    def compact(self) -> None:
        """Forget the history: a watch resuming from an older resourceVersion gets 410 Gone."""
        self.history.clear()
        self.floor = self._rv

    def changes_since(self, rv: int, resource: str) -> builtins.list[Change]:
        out = []
        for change in reversed(self.history):
            if change.rv <= rv:
                break
            if change.resource == resource:
                out.append(change)
        out.reverse()
        return out

    def _commit(self, type_: str, res: Resource, obj: dict, old: dict | None) -> dict:
        key = (obj["metadata"].get("namespace", ""), obj["metadata"]["name"])
        objects = self._objects[res.plural]
        entry = Entry(obj)
        if type_ == "DELETED":
            objects.pop(key, None)
            self._sorted[res.plural] = None
        else:
            if key not in objects:
                self._sorted[res.plural] = None
            objects[key] = entry
        change = Change(self._rv, type_, res.plural, entry, old)
        if len(self.history) >= self.history_size:
            self.floor = self.history.popleft().rv
        self.history.append(change)
        for watcher in list(self.watchers[res.plural]):
            watcher.offer(change)
        for fn in list(self._listeners):
            fn(type_, res.plural, obj)
        return obj

    def _next_rv(self) -> str:
        self._rv += 1
        return str(self._rv)

    # -- writing -----------------------------------------------------------------------------------

    def _resource(self, resource: str) -> Resource:
        res = RESOURCES.get(resource)
        if res is None or not res.stored:
            raise errors.not_found_path()
        return res

    def _random_suffix(self, n: int = 5) -> str:
        return "".join(self.rng.choice(SUFFIX_ALPHABET) for _ in range(n))

    def new_uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def create(
        self, resource: str, obj: dict, *, dry_run: bool = False, field_manager: str | None = None
    ) -> dict:
        res = self._resource(resource)
        obj = _typed(res, json.loads(dumps(obj)))
        meta = obj.setdefault("metadata", {})
        if not isinstance(meta, dict):
            raise errors.bad_request(f"{res.kind}.metadata must be an object")
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = meta["generateName"] + self._random_suffix()
        if res.namespaced:
            namespace = meta.setdefault("namespace", "default")
            if self.get("namespaces", None, namespace) is None:
                raise errors.not_found(RESOURCES["namespaces"], namespace)
            if (self.get("namespaces", None, namespace) or {}).get("status", {}).get(
                "phase"
            ) == "Terminating":
                raise errors.ApiError(
                    403,
                    "Forbidden",
                    f'{res.qualified} "{meta.get("name", "")}" is forbidden: unable to create '
                    f"new content in namespace {namespace} because it is being terminated",
                )
        else:
            meta.pop("namespace", None)
        for field in ("resourceVersion", "uid", "creationTimestamp", "deletionTimestamp", "generation"):
            meta.pop(field, None)
        if res.plural == "secrets":
            normalize_secret(obj)
        apply_defaults(res, obj)
        validate(res, obj)
        key = (meta.get("namespace", ""), meta["name"])
        if key in self._objects[res.plural]:
            raise errors.already_exists(res, meta["name"])
        if res.plural == "services":
            self._allocate_service(obj)
        meta["uid"] = self.new_uid()
        meta["creationTimestamp"] = timestamp()
        if res.plural in GENERATED:
            meta["generation"] = 1
        self._managed_fields(res, meta, field_manager, "Update")
        if dry_run:
            return obj
        meta["resourceVersion"] = self._next_rv()
        return self._commit("ADDED", res, obj, None)

    def _allocate_service(self, svc: dict) -> None:
        """A cluster IP from 10.96.0.0/12 and node ports from 30000-32767, as the apiserver allocates them."""
        spec = svc.setdefault("spec", {})
        if not spec.get("clusterIP"):
            spec["clusterIP"] = (
                f"10.{96 + self.rng.randrange(16)}.{self.rng.randrange(256)}.{self.rng.randrange(1, 255)}"
            )
        spec["clusterIPs"] = [spec["clusterIP"]]
        if spec["clusterIP"] != "None":
            spec.setdefault("ipFamilies", ["IPv4"])
            spec.setdefault("ipFamilyPolicy", "SingleStack")
        if spec.get("type") in ("NodePort", "LoadBalancer"):
            for port in spec.get("ports") or []:
                if isinstance(port, dict):
                    port.setdefault("nodePort", 30000 + self.rng.randrange(2768))

    def _managed_fields(
        self, res: Resource, meta: dict, manager: str | None, operation: str, subresource: str | None = None
    ) -> None:
        if not manager:
            return
        entries = [
            m
            for m in meta.get("managedFields") or []
            if not (m.get("manager") == manager and m.get("subresource") == subresource)
        ]
        entry = {
            "manager": manager,
            "operation": operation,
            "apiVersion": res.api_version,
            "time": timestamp(),
            "fieldsType": "FieldsV1",
            "fieldsV1": {},
        }
        if subresource:
            entry["subresource"] = subresource
        meta["managedFields"] = [*entries, entry]

    def update(
        self,
        resource: str,
        obj: dict,
        *,
        subresource: str | None = None,
        dry_run: bool = False,
        field_manager: str | None = None,
    ) -> dict:
        res = self._resource(resource)
        incoming = _typed(res, json.loads(dumps(obj)))
        meta_in = incoming.get("metadata") or {}
        if (
            not isinstance(meta_in, dict)
            or not isinstance(meta_in.get("namespace", ""), str | None)
            or not isinstance(meta_in.get("name", ""), str | None)
        ):
            raise errors.bad_request(f"{res.kind}.metadata must be an object with string name and namespace")
        name = meta_in.get("name") or ""
        namespace = (meta_in.get("namespace") or "default") if res.namespaced else ""
        entry = self._objects[res.plural].get((namespace, name))
        if entry is None:
            raise errors.not_found(res, name)
        current = entry.obj
        wanted_rv = meta_in.get("resourceVersion")
        if wanted_rv and wanted_rv != current["metadata"]["resourceVersion"]:
            raise errors.conflict(res, name)
        if subresource == "status":
            new = copy.deepcopy(current)
            status = incoming.get("status") or {}
            if not isinstance(status, dict):
                raise errors.bad_request(f"{res.kind}.status must be an object")
            new["status"] = status
        else:
            new = incoming
            if res.plural in WITH_STATUS and "status" in current:
                new["status"] = copy.deepcopy(current["status"])
        meta = new.setdefault("metadata", {})
        for field in ("uid", "creationTimestamp", "generation", "deletionTimestamp", "namespace"):
            if field in current["metadata"]:
                meta[field] = current["metadata"][field]
            else:
                meta.pop(field, None)
        meta["resourceVersion"] = current["metadata"]["resourceVersion"]
        if res.plural == "services" and subresource is None:
            spec, old = new.setdefault("spec", {}), current.get("spec", {})
            for field in ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"):
                if field in old:
                    spec[field] = old[field]
            allocated = {p.get("port"): p["nodePort"] for p in old.get("ports") or [] if p.get("nodePort")}
            if spec.get("type") in ("NodePort", "LoadBalancer"):
                for port in spec.get("ports") or []:
                    if isinstance(port, dict) and port.get("port") in allocated:
                        port.setdefault("nodePort", allocated[port.get("port")])
                self._allocate_service(new)
        if subresource is None:
            if res.plural == "secrets":
                normalize_secret(new)
            self._check_immutable(res, current, new)
            apply_defaults(res, new)
            validate(res, new)
        if new == current:
            return current
        if res.plural in GENERATED and new.get("spec") != current.get("spec"):
            meta["generation"] = current["metadata"].get("generation", 1) + 1
        self._managed_fields(res, meta, field_manager, "Update", subresource)
        if dry_run:
            return new
        if meta.get("deletionTimestamp") and not meta.get("finalizers"):
            meta["resourceVersion"] = self._next_rv()
            return self._remove(res, new, current)
        meta["resourceVersion"] = self._next_rv()
        return self._commit("MODIFIED", res, new, current)

    def _check_immutable(self, res: Resource, current: dict, new: dict) -> None:
        if res.plural not in ("configmaps", "secrets") or not current.get("immutable"):
            return
        causes = []
        if not new.get("immutable"):
            causes.append(("immutable", "FieldValueForbidden", IMMUTABLE_MSG))
        if new.get("data") != current.get("data"):
            causes.append(("data", "FieldValueForbidden", IMMUTABLE_MSG))
        if new.get("binaryData") != current.get("binaryData"):
            causes.append(("binaryData", "FieldValueForbidden", IMMUTABLE_MSG))
        if causes:
            raise errors.invalid(res, current["metadata"]["name"], causes)

    def delete(
        self,
        resource: str,
        namespace: str | None,
        name: str,
        *,
        dry_run: bool = False,
        uid: str | None = None,
        resource_version: str | None = None,
        propagation: str | None = None,
    ) -> dict:
        res = self._resource(resource)
        entry = self._objects[res.plural].get((namespace or "" if res.namespaced else "", name))
        if entry is None:
            raise errors.not_found(res, name)
        current = entry.obj
        if uid and current["metadata"]["uid"] != uid:
            raise errors.conflict(
                res,
                name,
                f"Precondition failed: UID in precondition: {uid}, "
                f"UID in object meta: {current['metadata']['uid']}",
            )
        if resource_version and current["metadata"]["resourceVersion"] != resource_version:
            raise errors.conflict(
                res,
                name,
                "the object has been modified; please apply your changes to the latest version and try again",
            )
        new = copy.deepcopy(current)
        if dry_run:
            return new
        if current["metadata"].get("finalizers") and res.plural != "namespaces":
            if current["metadata"].get("deletionTimestamp"):
                return current
            new["metadata"]["deletionTimestamp"] = timestamp()
            new["metadata"]["deletionGracePeriodSeconds"] = 0
            new["metadata"]["resourceVersion"] = self._next_rv()
            return self._commit("MODIFIED", res, new, current)
        if res.plural == "namespaces":
            self._empty_namespace(name)
        if propagation == "Orphan":
            self._orphan_dependents(current)
        new["metadata"]["resourceVersion"] = self._next_rv()
        # Other dependents (ownerReferences) are removed by the garbage collector component, not here.
        return self._remove(res, new, current)

    def _orphan_dependents(self, owner: dict) -> None:
        """propagationPolicy=Orphan: dependents lose their reference to the owner and stay."""
        uid = owner["metadata"]["uid"]
        for resource in ("replicasets", "pods", "controllerrevisions"):
            for entry in self.entries(resource, owner["metadata"].get("namespace")):
                refs = entry.obj["metadata"].get("ownerReferences") or []
                if not any(ref.get("uid") == uid for ref in refs):
                    continue
                freed = copy.deepcopy(entry.obj)
                kept = [ref for ref in refs if ref.get("uid") != uid]
                if kept:
                    freed["metadata"]["ownerReferences"] = kept
                else:
                    del freed["metadata"]["ownerReferences"]
                self.update(resource, freed)

    def _remove(self, res: Resource, obj: dict, old: dict) -> dict:
        return self._commit("DELETED", res, obj, old)

    def _empty_namespace(self, namespace: str) -> None:
        for res in RESOURCES.values():
            if not res.namespaced or not res.stored:
                continue
            for key in [k for k in self._objects[res.plural] if k[0] == namespace]:
                current = self._objects[res.plural][key].obj
                gone = copy.deepcopy(current)
                gone["metadata"]["resourceVersion"] = self._next_rv()
                self._remove(res, gone, current)

    def delete_collection(
        self, resource: str, namespace: str | None, matcher: Matcher | None, *, dry_run: bool = False
    ) -> builtins.list[dict]:
        out = []
        for entry in self.entries(resource, namespace, matcher):
            meta = entry.obj["metadata"]
            out.append(self.delete(resource, meta.get("namespace"), meta["name"], dry_run=dry_run))
        return out
