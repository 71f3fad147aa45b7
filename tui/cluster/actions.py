"""Changes an operator can make, each checked first and guarded so none is left half done."""

from __future__ import annotations

from tui.cluster.results import ActionResult

__all__ = ["Actions", "ActionResult"]


class Actions:
    def __init__(self, api, access, *, backups=None, readonly: bool = False):
        self.api = api
        self.access = access
        self.backups = backups
        self.readonly = readonly

    def edit_configmap_key(self, namespace: str, name: str, key: str, value: str, *,
                           resource_version: str | None = None, dry_run: bool = False) -> ActionResult:
        raise NotImplementedError

    def edit_configmap_key_path(self, namespace: str, name: str, key: str, key_path: str, value: str, *,
                                resource_version: str | None = None, dry_run: bool = False) -> ActionResult:
        raise NotImplementedError

    def revert(self, namespace: str, name: str, key: str) -> ActionResult:
        raise NotImplementedError

    def edit_container_value(self, workload: tuple[str, str, str], container: str, source: str, name: str,
                             value: str, *, value_type: str = "string", positive: bool = False,
                             dry_run: bool = False) -> ActionResult:
        raise NotImplementedError

    def rollout_restart(self, workload: tuple[str, str, str]) -> ActionResult:
        raise NotImplementedError

    def rollback(self, workload: tuple[str, str, str]) -> ActionResult:
        raise NotImplementedError

    def propagate_now(self, workload: tuple[str, str, str]) -> ActionResult:
        raise NotImplementedError

    def track_rollout(self, workload: tuple[str, str, str], on_progress, *, timeout: float = 600.0):
        raise NotImplementedError
