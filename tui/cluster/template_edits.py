"""Changes to the pod template: a flag or a literal env value of one container; the pods roll."""

from __future__ import annotations

from tui.change.edits import EditError
from tui.change.results import ActionResult
from tui.change.template import container_spec, container_value_problem, edit_container
from tui.cluster.resources import BY_KIND
from tui.cluster.writes import STRATEGIC, Writer, version_of


class TemplateEdits(Writer):
    def edit_container_value(
        self,
        workload: tuple[str, str, str],
        container: str,
        source: str,
        name: str,
        value: str,
        *,
        value_type: str = "string",
        positive: bool = False,
        choices: tuple[str, ...] = (),
        any_case: bool = False,
        dry_run: bool = False,
        resource_version: str | None = None,
    ) -> ActionResult:
        """Set a flag or a literal env value of one container; the pod template rolls."""
        kind, ns, wname = workload
        res = BY_KIND[kind]
        obj = self._read_to_patch(workload)
        if isinstance(obj, ActionResult):
            return obj
        if source == "flag":
            spec = self._flag_spec(obj, container, name)
            if spec is not None:
                value_type = spec.type if value_type == "string" else value_type
                positive = positive or spec.positive
                choices, any_case = choices or spec.choices, any_case or spec.any_case
        problem = container_value_problem(
            name, value, value_type=value_type, positive=positive, choices=choices, any_case=any_case
        )
        if problem:
            return ActionResult.invalid(f"{name}: {problem}")
        if resource_version and version_of(obj) != resource_version:
            return ActionResult(
                "conflict",
                f"{kind} {wname} changed since it was read; nothing was overwritten.",
                resource_version=version_of(obj),
            )
        found = container_spec(obj, container)
        if found is None:
            return ActionResult.invalid(f"{kind} {wname} has no container {container}.")
        if source not in ("flag", "env"):
            return ActionResult.invalid(f"{source} values are not edited on the pod template.")
        try:
            edit = edit_container(found, source, name, value)
        except EditError as exc:
            return ActionResult.refused(str(exc))
        patch = {
            "metadata": {"resourceVersion": version_of(obj)},
            "spec": {"template": {"spec": {"containers": [edit.patch]}}},
        }
        return self._patch(
            res,
            ns,
            wname,
            patch,
            STRATEGIC,
            dry_run=dry_run,
            done=f"{kind} {wname}: {container} {name} set to {value}; the pods roll.",
        )

    def _flag_spec(self, obj: dict, container: str, name: str):
        """What the app's profile says about a flag (type, must be positive), if a profile matches."""
        if self.profiles is None:
            return None
        from tui.model.workload import Workload

        try:
            workload = Workload.from_api({**obj, "kind": obj.get("kind") or "Deployment"})
        except ValueError:
            return None
        found = next((c for c in workload.all_containers if c.name == container), None)
        profile = self.profiles.for_container(workload, found) if found is not None else None
        return profile.flags.get(name.lstrip("-")) if profile is not None else None
