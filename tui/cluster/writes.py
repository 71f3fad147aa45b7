"""What every change an operator makes goes through, so that none is left half done.

Every write: read-only mode refuses it; RBAC is asked first; the value is validated;
a server-side dry run goes before the real call; the real call carries the
resourceVersion that was read, so a concurrent edit comes back as a conflict.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tui.change.results import ActionResult
from tui.cluster.backups import Backups
from tui.cluster.errors import ApiError, Denied, TransportError, describe
from tui.cluster.resources import BY_KIND

STRATEGIC = "application/strategic-merge-patch+json"
MERGE = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
READONLY = "Read-only mode: nothing was changed (start without --readonly to make changes)."


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def version_of(obj: dict) -> str:
    """The resourceVersion an object was read at: the next write carries it."""
    return str((obj.get("metadata") or {}).get("resourceVersion") or "")


class Writer:
    """The connection, the access check and the backups every change uses, and the guarded calls."""

    def __init__(
        self,
        api,
        access,
        *,
        backups: Backups | None = None,
        readonly: bool = False,
        context: str = "default",
        profiles=None,
    ):
        self.api = api
        self.profiles = profiles
        self.access = access
        self.backups = backups or Backups(context)
        self.readonly = readonly

    # -- shared guards -----------------------------------------------------------------
    def _read_to_patch(self, workload: tuple[str, str, str]) -> dict | ActionResult:
        """The workload as the server has it now, or why it may not be patched or read."""
        kind, ns, name = workload
        res = BY_KIND[kind]
        blocked = self._guard("patch", res.plural, ns)
        if blocked:
            return blocked
        try:
            return self.api.request("GET", res.item(ns, name))
        except (ApiError, TransportError) as exc:
            return self._failure(exc, "get", res.plural, ns)

    def _guard(self, verb: str, resource: str, namespace: str | None) -> ActionResult | None:
        if self.readonly or getattr(self.access, "readonly", False):
            return ActionResult.refused(READONLY)
        if self.access is not None and not self.access.can(verb, resource, namespace):
            denied = Denied(verb, resource, namespace)
            return ActionResult("forbidden", f"You may not {denied}.", denied=str(denied))
        return None

    def _failure(self, exc: Exception, verb: str, resource: str, namespace: str | None) -> ActionResult:
        if isinstance(exc, ApiError):
            if exc.status == 403:
                denied = str(Denied(verb, resource, namespace))
                return ActionResult("forbidden", f"You may not {denied}: {exc.message}", denied=denied)
            if exc.status in (400, 422):
                return ActionResult.invalid(describe(exc))
        return ActionResult.error(describe(exc))

    def _patch(
        self,
        res,
        ns: str,
        name: str,
        body,
        content_type: str,
        *,
        dry_run: bool = False,
        done: str,
        field_manager: str = "kubeknobs",
    ) -> ActionResult:
        path = res.item(ns, name)
        try:
            self.api.request(
                "PATCH",
                path,
                body=body,
                content_type=content_type,
                query={"dryRun": "All", "fieldManager": field_manager},
            )
            if dry_run:
                return ActionResult.success(f"Dry run accepted: {done}", dry_run=True)
            saved = self.api.request(
                "PATCH", path, body=body, content_type=content_type, query={"fieldManager": field_manager}
            )
        except ApiError as exc:
            stale_test = content_type == JSON_PATCH and exc.status == 422 and "test" in exc.message
            if exc.status == 409 or stale_test:
                return ActionResult(
                    "conflict", f"{res.kind} {name} changed since it was read; nothing was overwritten"
                )
            return self._failure(exc, "patch", res.plural, ns)
        except TransportError as exc:
            return self._failure(exc, "patch", res.plural, ns)
        return ActionResult.success(done, resource_version=version_of(saved))
