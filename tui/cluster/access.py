"""What the current user may do: SelfSubjectAccessReview per verb, resource and namespace, cached."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

from tui.cluster.errors import ApiError, Denied, TransportError
from tui.cluster.resources import RESOURCES

SSAR_PATH = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"


class AccessReview:
    def __init__(self, api, *, readonly: bool = False, ttl: float = 120.0):
        self.api = api
        self.readonly = readonly
        self.ttl = ttl
        self._cache: dict[tuple, tuple[float, bool]] = {}
        self._lock = threading.Lock()

    def can(self, verb: str, resource: str, namespace: str | None, *, subresource: str = "") -> bool:
        """True when allowed, or when the API could not answer (the action itself will then report why)."""
        if self.readonly and verb not in ("get", "list", "watch"):
            return False
        plural, _, sub = resource.partition("/")
        subresource = subresource or sub
        key = (verb, plural, subresource, namespace or "")
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
            if hit and now - hit[0] < self.ttl:
                return hit[1]
        allowed = self._review(verb, plural, subresource, namespace)
        if allowed is None:
            return True
        with self._lock:
            self._cache[key] = (now, allowed)
        return allowed

    def denied(self, verb: str, resource: str, namespace: str | None) -> Denied | None:
        return None if self.can(verb, resource, namespace) else Denied(verb, resource, namespace)

    def forget(self) -> None:
        with self._lock:
            self._cache.clear()

    def _review(self, verb: str, plural: str, subresource: str, namespace: str | None) -> bool | None:
        group = RESOURCES[plural].group if plural in RESOURCES else ""
        attrs = {"verb": verb, "resource": plural, "group": group}
        if subresource:
            attrs["subresource"] = subresource
        if namespace:
            attrs["namespace"] = namespace
        body = {
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "SelfSubjectAccessReview",
            "spec": {"resourceAttributes": attrs},
        }
        try:
            answer = self.api.request("POST", SSAR_PATH, body=body, retries=2)
        except (ApiError, TransportError):
            return None
        status = answer.get("status") or {}
        return bool(status.get("allowed")) and not status.get("denied")


def may_write(can, namespaces: Sequence[str | None] | None) -> bool:
    """Whether the user may change anything kubeknobs changes: patch configmaps or deployments somewhere shown."""
    return any(
        can("patch", resource, namespace) for namespace in (namespaces or (None,)) for resource in WRITES
    )


WRITES = ("configmaps", "deployments")  # a context allowed neither is read-only, as --readonly is
