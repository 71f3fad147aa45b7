"""Changes an operator can make: `Actions` is the one writer, each of its jobs in its own module.

tui/cluster/writes.py guards every write (read-only, RBAC, dry run first, resourceVersion);
configmap_edits.py changes ConfigMaps, template_edits.py the pod template, rollout_actions.py rollouts.
"""

from __future__ import annotations

from tui.change.results import ActionResult
from tui.cluster.configmap_edits import CONFIGMAP_LIMIT, ConfigMapEdits
from tui.cluster.podexec import ExecResult, run_in_pod
from tui.cluster.resources import BY_KIND
from tui.cluster.rollout import last_log_lines
from tui.cluster.rollout_actions import RESTARTED_AT, RolloutActions
from tui.cluster.template_edits import TemplateEdits

__all__ = ["CONFIGMAP_LIMIT", "RESTARTED_AT", "ActionResult", "Actions"]


class Actions(ConfigMapEdits, TemplateEdits, RolloutActions):
    def read_object(self, kind: str, namespace: str, name: str) -> dict:
        """The object as the server holds it now: the base a change is made on and checked against."""
        return self.api.request("GET", BY_KIND[kind].item(namespace, name))

    def last_log_lines(
        self, namespace: str, pod: str, container: str, count: int, *, previous: bool = False
    ) -> list[str]:
        return last_log_lines(self.api, namespace, pod, container, count, previous=previous)

    def run_in_pod(self, namespace: str, pod: str, container: str, argv: list[str]) -> ExecResult:
        """Blocking: a command in a pod (pods/exec), to read what it has; never in read-only mode."""
        if self.readonly:
            return ExecResult(None, "", "", "read-only mode: no command is run in a pod")
        return run_in_pod(self.api, namespace, pod, container, argv)
