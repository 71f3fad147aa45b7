"""Which cluster a session talks to: its API server and a UID only that cluster's namespaces carry."""

from __future__ import annotations

from tui.cluster.errors import ApiError, TransportError
from tui.cluster.resources import RESOURCES

# kube-system is created with the cluster and never deleted; default too, where kube-system is not to be read
IDENTITY_NAMESPACES = ("kube-system", "default")


def cluster_identity(api, server: str) -> str:
    """`<server> <namespace UID>`; the server alone when no namespace can be read (then one address is one
    cluster, as before)."""
    for namespace in IDENTITY_NAMESPACES:
        try:
            obj = api.request("GET", RESOURCES["namespaces"].item(None, namespace), retries=1)
        except (ApiError, TransportError):
            continue
        uid = (obj.get("metadata") or {}).get("uid")
        if uid:
            return f"{server} {uid}"
    return server
