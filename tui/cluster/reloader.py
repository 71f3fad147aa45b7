"""Does Stakater Reloader run in the cluster? A Deployment with a ready pod of its image, in any namespace."""

from __future__ import annotations

from tui.change.port import ReloaderSeen
from tui.cluster.errors import ApiError, TransportError, describe

RELOADER_IMAGE = "stakater/reloader"


def _images(deployment: dict) -> list[str]:
    spec = ((deployment.get("spec") or {}).get("template") or {}).get("spec") or {}
    return [c.get("image") or "" for c in (spec.get("containers") or []) + (spec.get("initContainers") or [])]


def reloader_seen(api) -> ReloaderSeen:
    try:
        items = api.request("GET", "/apis/apps/v1/deployments").get("items") or []
    except ApiError as exc:
        if exc.status in (401, 403):
            return ReloaderSeen(
                None,
                "Deployments cannot be listed in every namespace, so whether Stakater Reloader runs "
                "cannot be seen",
            )
        return ReloaderSeen(None, f"whether Stakater Reloader runs could not be asked: {describe(exc)}")
    except TransportError as exc:
        return ReloaderSeen(None, f"whether Stakater Reloader runs could not be asked: {describe(exc)}")
    found = [d for d in items if any(RELOADER_IMAGE in image.lower() for image in _images(d))]
    for deployment in found:
        meta, status = deployment.get("metadata") or {}, deployment.get("status") or {}
        if int(status.get("readyReplicas") or 0) > 0:
            where = f"{meta.get('namespace')}/{meta.get('name')}"
            return ReloaderSeen(True, f"Stakater Reloader runs (Deployment {where})")
    if found:
        meta = found[0].get("metadata") or {}
        return ReloaderSeen(
            False,
            f"Deployment {meta.get('namespace')}/{meta.get('name')} has Stakater Reloader's image "
            "but no ready pod",
        )
    return ReloaderSeen(False, "no Deployment in any namespace runs Stakater Reloader's image")
