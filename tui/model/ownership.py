"""Who else acts on an object: Reloader and Helm checksums restart pods, GitOps tools revert edits."""

from __future__ import annotations

from collections.abc import Mapping

from tui.model.workload import Workload

RELOADER_AUTO = "reloader.stakater.com/auto"
RELOADER_SEARCH = "reloader.stakater.com/search"
RELOADER_MATCH = "reloader.stakater.com/match"
RELOADER_IGNORE = "reloader.stakater.com/ignore"
CONFIGMAP_AUTO = "configmap.reloader.stakater.com/auto"
CONFIGMAP_RELOAD = "configmap.reloader.stakater.com/reload"
SECRET_AUTO = "secret.reloader.stakater.com/auto"
SECRET_RELOAD = "secret.reloader.stakater.com/reload"

MANAGER_NAMES = {"helm": "Helm", "argocd": "Argo CD", "flux": "Flux"}


def _true(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


def _names(value: str | None) -> set[str]:
    return {part.strip() for part in (value or "").split(",") if part.strip()}


def reloader_reason(workload: Workload, kind: str, name: str, source_obj: Mapping | None) -> str | None:
    """Why Stakater Reloader restarts `workload` when ConfigMap/Secret `name` changes, or None."""
    annotations = workload.annotations
    source_meta = (source_obj or {}).get("metadata") or {}
    source_annotations = source_meta.get("annotations") or {}
    if _true(source_annotations.get(RELOADER_IGNORE)):
        return None
    named = CONFIGMAP_RELOAD if kind == "ConfigMap" else SECRET_RELOAD
    if name in _names(annotations.get(named)):
        return f"{named} names {kind} {name}"
    typed_auto = CONFIGMAP_AUTO if kind == "ConfigMap" else SECRET_AUTO
    if _true(annotations.get(typed_auto)):
        return f"{typed_auto} is true"
    if _true(annotations.get(RELOADER_AUTO)):
        return f"{RELOADER_AUTO} is true"
    if _true(annotations.get(RELOADER_SEARCH)) and _true(source_annotations.get(RELOADER_MATCH)):
        return f"{RELOADER_SEARCH} is true and {kind} {name} has {RELOADER_MATCH}"
    return None


def helm_checksum(workload: Workload) -> str | None:
    """The first `checksum/*` pod-template annotation of a Helm release: `helm upgrade` rolls the pods.

    Other renderers (kube-prometheus's jsonnet) write such annotations too; only Helm's markers make it Helm's.
    """
    if not helm_marked({**workload.template_labels, **workload.labels}, workload.annotations):
        return None
    for key in sorted(workload.template_annotations):
        if key.startswith("checksum/"):
            return key
    return None


def auto_restart(
    workload: Workload, kind: str, name: str, source_obj: Mapping | None
) -> tuple[str | None, str | None]:
    """(`reloader` | `helm-checksum` | None, the evidence for it)."""
    reason = reloader_reason(workload, kind, name, source_obj)
    if reason:
        return "reloader", f"Reloader restarts {workload.ref} when {kind} {name} changes ({reason})"
    checksum = helm_checksum(workload)
    if checksum:
        return "helm-checksum", f"pod template has {checksum}: a helm upgrade that changes it rolls the pods"
    return None, None


def managed_by(obj: Mapping | None) -> str | None:
    """`argocd`, `flux` or `helm` for an object one of them applies, else None."""
    if not obj:
        return None
    metadata = obj.get("metadata") or {}
    labels = metadata.get("labels") or {}
    annotations = metadata.get("annotations") or {}
    return managed_by_meta(labels, annotations)


def managed_by_meta(labels: Mapping[str, str], annotations: Mapping[str, str]) -> str | None:
    if "argocd.argoproj.io/tracking-id" in annotations or "argocd.argoproj.io/instance" in labels:
        return "argocd"
    if any(key.startswith(("kustomize.toolkit.fluxcd.io/", "helm.toolkit.fluxcd.io/")) for key in labels):
        return "flux"
    if helm_marked(labels, annotations):
        return "helm"
    return None


def helm_marked(labels: Mapping[str, str], annotations: Mapping[str, str]) -> bool:
    """Does the object carry a marker Helm writes: the release annotations, managed-by Helm, or the chart label?"""
    return (
        str(labels.get("app.kubernetes.io/managed-by", "")).lower() == "helm"
        or "helm.sh/chart" in labels
        or any(key.startswith("meta.helm.sh/") for key in annotations)
    )


def managed_warning(manager: str | None, what: str) -> str | None:
    """The operator step that keeps a manager from undoing a direct edit of `what`."""
    if manager == "helm":
        return f"Make the same change in the Helm values, or the next helm upgrade overwrites {what}"
    if manager == "argocd":
        return f"Make the same change in Git, or the next Argo CD sync reverts {what}"
    if manager == "flux":
        return f"Make the same change in Git, or the next Flux reconciliation reverts {what}"
    return None
