"""The change wizard as a state machine, without any UI: read, edit, review, apply, follow, summarise.

Methods that talk to the cluster block; the screen calls them from worker threads.
Events reach the flow through `feed`; the window for reload events through `tick`. How it moves
on is in tui/change/advance.py, how it is taken back in undo.py, its phases in phases.py.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime

from tui.change import advance, undo
from tui.change.draft import Base, Draft, base_from_configmap, base_from_workload, make_draft, rebase
from tui.change.edits import EditError, value_format
from tui.change.follow import PodCheck, ReloadChecklist, RolloutWatch
from tui.change.phases import TERMINAL, Phase, Step
from tui.change.plan import ChangePlan, Follow, Route, display_name, plan_change
from tui.change.port import ClusterPort, ReloaderSeen
from tui.change.proof import StartProof, file_hash_check, file_proofs, start_proofs
from tui.change.record import ChangeLog, ChangeRecord, record_of
from tui.change.results import ActionResult
from tui.model.events import ClusterEvent
from tui.model.layers import Layer, Setting
from tui.model.mechanisms import reload_window
from tui.model.reloadlog import hidden_reload_line


class ChangeFlow:
    def __init__(
        self,
        setting: Setting,
        workload_key: tuple[str, str, str],
        session: ClusterPort,
        *,
        history: ChangeLog,
        window: float | None = None,
    ):
        self.setting = setting
        kind, namespace, name = workload_key  # a list from a caller becomes the tuple the cluster keys by
        self.key = (kind, namespace, name)
        self.session = session
        self.history = history
        self.window = window if window is not None else reload_window(setting, session.correlator.window)
        self.plan: ChangePlan | None = None
        self.base: Base | None = None
        self.draft: Draft | None = None
        self.step = Step.WHERE
        self.phase = Phase.EDITING
        self.problem: str | None = None  # the last operator-facing reason something did not happen
        self.dry_run_result: ActionResult | None = None
        self.conflict: ActionResult | None = None  # a conflict's result, with the server's current value
        self.applied: ActionResult | None = None  # the result of the apply
        self.applied_at: float | None = None
        self.applied_wall: datetime | None = None
        self.pods_before: frozenset[str] = frozenset()  # UIDs of the pods that ran before the apply
        self.in_force_after: float | None = None
        self.reload: ReloadChecklist | None = None
        self.rollout: RolloutWatch | None = None
        self.rollout_target: str | None = None  # resourceVersion the rollout is measured from
        self.awaiting_generation: int | None = (
            None  # Reloader's rollout counts once the generation passes this
        )
        self.auto_missing = False  # Reloader did not roll the pods within the window
        self.proofs: list[StartProof] = []  # after a rollout: what each new pod started with
        self.reloader: ReloaderSeen | None = None  # asked when the workload is annotated for Reloader
        self.undo_done: list[str] = []
        self.recorded: ChangeRecord | None = None

    # -- reading -------------------------------------------------------------------------------
    @property
    def namespace(self) -> str:
        return self.key[1]

    @property
    def name(self) -> str:
        return display_name(self.setting)

    def pod_names(self) -> list[str]:
        return [
            p["metadata"]["name"]
            for p in self.session.pods_of(self.key)
            if not (p.get("metadata") or {}).get("deletionTimestamp")
        ]

    # The steps run in order; each helper names the step that must have come first.
    @property
    def planned(self) -> ChangePlan:
        if self.plan is None:
            raise RuntimeError("the change has no plan yet: prepare() comes first")
        return self.plan

    @property
    def route(self) -> Route:
        return self.planned.route

    def _base(self) -> Base:
        if self.base is None:
            raise RuntimeError("nothing was read from the server yet: prepare() comes first")
        return self.base

    @property
    def drafted(self) -> Draft:
        if self.draft is None:
            raise RuntimeError("there is no edit yet: edit() comes first")
        return self.draft

    def configmap_key(self) -> tuple[str, str]:
        s = self.setting
        if not s.configmap or not s.key:
            raise RuntimeError(f"{self.name} is not read from a ConfigMap key")
        return s.configmap, s.key

    def prepare(self) -> ChangePlan:
        """Step 1: the plan, with RBAC asked of the server; then what the server holds now."""
        row = self.session.workloads().get(self.key)
        pods = row.desired if row is not None else len(self.pod_names())
        siblings = self.session.settings(self.key)
        readonly = self.session.readonly
        if self.setting.auto_restart == "reloader":
            self.reloader = self._reloader()
        self.plan = plan_change(
            self.setting,
            pods=pods,
            siblings=siblings,
            readonly=readonly,
            can=self._can,
            reloader=self.reloader,
        )
        if self.plan.route != Route.REFUSED:
            self.base = self.read_base()
        return self.plan

    def _reloader(self) -> ReloaderSeen:
        try:
            return self.session.reloader()
        except Exception as exc:  # noqa: BLE001 - an unanswered question is "cannot see", never "runs"
            return ReloaderSeen(None, f"whether Stakater Reloader runs could not be asked: {exc}")

    def _can(self, verb: str, resource: str, namespace: str) -> bool:
        try:
            return self.session.can(verb, resource, namespace)
        except Exception:  # noqa: BLE001 - an unanswered review is not a refusal; the apply asks again
            return True

    def read_base(self) -> Base:
        read = self.session.actions.read_object
        if self.route == Route.TEMPLATE:
            return base_from_workload(read(*self.key), self.setting.container)
        configmap, key = self.configmap_key()
        return base_from_configmap(read("ConfigMap", self.namespace, configmap), key)

    def initial_input(self) -> str:
        if self.route == Route.KEY:
            return self.base.text if self.base else ""
        return "" if self.setting.value is None else self.setting.value

    # -- edit and review ----------------------------------------------------------------------------
    def edit(self, value: str) -> Draft:
        """Step 2: EditError with the reason when the value cannot be written."""
        self.draft = make_draft(self.setting, self.route, self._base(), value)
        self.conflict = None
        self.dry_run_result = None
        return self.draft

    @property
    def apply_refused(self) -> str | None:
        """Why Apply is not offered: read-only, a missing permission, or the server's refusal of the dry run."""
        blocked = self.plan.blocked if self.plan is not None else None
        if blocked is not None:
            return blocked.text
        result = self.dry_run_result
        if result is not None and result.status in ("forbidden", "refused"):
            return result.message + (f" (missing permission: {result.denied})" if result.denied else "")
        return None

    def dry_run(self) -> ActionResult:
        """Step 3: the server's verdict, nothing stored."""
        result = self.dry_run_result = self._write(dry_run=True)
        if result.status == "conflict":
            self.conflict = result
        return result

    def _write(self, *, dry_run: bool) -> ActionResult:
        actions, s, draft = self.session.actions, self.setting, self.drafted
        if self.route == Route.TEMPLATE:
            changed = self._template_changed()
            if changed is not None:
                return changed
            return actions.edit_container_value(
                self.key,
                s.container,
                str(s.source),
                s.name,
                draft.value,
                value_type=s.value_type,
                positive=s.positive,
                choices=s.choices,
                any_case=s.any_case,
                dry_run=dry_run,
                resource_version=self._base().resource_version,
            )
        configmap, key = self.configmap_key()
        if self.immutable:
            return actions.copy_and_repoint(self.key, configmap, key, draft.new_text, dry_run=dry_run)
        return actions.edit_configmap_key(
            self.namespace,
            configmap,
            key,
            draft.new_text,
            resource_version=self._base().resource_version,
            dry_run=dry_run,
        )

    def _template_changed(self) -> ActionResult | None:
        """A workload's resourceVersion moves with every status update: compare the container itself."""
        fresh = self.read_base()
        if fresh.text == self._base().text:
            self.base = fresh
            return None
        return ActionResult(
            "conflict",
            f"{self.key[0]} {self.key[2]} container {self.setting.container} changed "
            "since it was read; nothing was overwritten.",
            current_value=fresh.text,
            resource_version=fresh.resource_version,
        )

    def rebase(self) -> Draft:
        """After a conflict: the same edit on what the server holds now; review it again."""
        fresh = self.read_base()
        self.draft = rebase(self.setting, self.route, self.drafted, fresh)
        self.base, self.conflict, self.dry_run_result = fresh, None, None
        self.problem = None  # the conflict's sentence is over with it
        return self.draft

    # -- apply and follow ---------------------------------------------------------------------
    def apply(self) -> ActionResult:
        """Step 4: write it; a conflict or refusal leaves everything as it was."""
        before = (self.session.workload_object(self.key) or {}).get("metadata") or {}
        self.pods_before = frozenset(
            uid for pod in self.session.pods_of(self.key) if (uid := (pod.get("metadata") or {}).get("uid"))
        )
        result = self._write(dry_run=False)
        if result.status == "conflict":
            self.conflict = result
        if not result.ok:
            self.problem = result.message
            return result
        self.problem = None  # whatever stopped an earlier attempt did not stop this one
        self.applied, self.applied_at, self.applied_wall = result, time.monotonic(), datetime.now(UTC)
        self.append_record(record_of(self, "applied"))  # on disk now: the app may die before the outcome
        self.step = Step.FOLLOW
        follow, draft = self.planned.follow, self.drafted
        if follow in (Follow.HOT, Follow.FILE, Follow.RELOAD_THEN_RESTART):
            configmap, key = self.configmap_key()
            self.reload = ReloadChecklist(
                configmap,
                key,
                str(result.resource_version or ""),
                [PodCheck(p) for p in self.pod_names()],
                quiet=hidden_reload_line(draft.old_text, draft.new_text, value_format(key) or "yaml"),
            )
            self.phase = Phase.RELOADING
        elif follow == Follow.RESTART:
            self.phase = Phase.CONFIRM_RESTART
        elif self.route == Route.TEMPLATE or self.immutable:
            self._start_rollout(result.resource_version)
        else:
            self._start_rollout(None)
            self.awaiting_generation = int(before.get("generation") or 0)
        return result

    def _start_rollout(self, target_version: str | None) -> None:
        self.rollout = RolloutWatch(self.key)
        self.rollout_target = target_version
        self.phase = Phase.ROLLING

    def restart(self) -> ActionResult:
        """The confirmed rollout restart."""
        result = self.session.actions.rollout_restart(self.key)
        if result.ok:
            self.awaiting_generation = None
            self._start_rollout(result.resource_version)
        else:
            self.problem = result.message
        return result

    def feed(self, events: Sequence[ClusterEvent]) -> bool:
        changed = False
        for event in events:
            if self.reload is not None and self.phase in (Phase.RELOADING, Phase.STALE):
                changed |= self.reload.feed(event)
            if self.rollout is not None and self.phase in (Phase.ROLLING, Phase.FAILED):
                changed |= self.rollout.feed(event)
        if changed:
            advance.advance(self)
        return changed

    def tick(self, now: float | None = None) -> bool:
        """The reload window: pods silent past it are flagged, and a restart is offered."""
        return advance.window_passed(self, time.monotonic() if now is None else now)

    def prove(self) -> list[StartProof]:
        """Blocking: each new pod's start, against the new value; in force only when every pod proves it.

        A reload the pods' logs cannot show (`reload.quiet`) is checked by the file in each pod instead: that
        proves the file arrived, not that the app applied it, so the change ends unproven either way."""
        if self.reload is not None and self.rollout is None:  # a reload followed, no pod restarted
            pods = [check.pod for check in self.reload.pods]
            self.proofs = file_proofs(self.session, self.key, self.setting, self.drafted.new_text, pods)
            self.finish(Phase.UNPROVEN)
            return self.proofs
        template = self.route == Route.TEMPLATE
        self.proofs = start_proofs(
            self.session, self.key, self.setting, self.drafted, template=template, existing=self.pods_before
        )
        if self.proofs and all(p.proven for p in self.proofs):
            self.put_in_force(None)
        else:
            self.finish(Phase.UNPROVEN)
        return self.proofs

    @property
    def unproven_reason(self) -> str:
        if self.reload is not None and self.reload.quiet:
            return self.reload.quiet
        if not self.proofs:
            return "no new pod was found to read its start from"
        if any(p.proven is False for p in self.proofs):
            return "a new pod started with something other than the new value"
        return "not every new pod shows what it started with"

    def put_in_force(self, delay: float | None) -> None:
        """Every pod runs the new value: timed from the apply, or by the slowest pod's reload."""
        elapsed = time.monotonic() - self.applied_at if self.applied_at is not None else None
        self.in_force_after = elapsed if elapsed is not None else delay
        self.finish(Phase.IN_FORCE)

    def finish(self, phase: Phase) -> None:
        """The change ends here: the summary shows it and the history keeps it."""
        self.phase = phase
        self.step = Step.SUMMARY
        self.record()

    def what_would_tell(self) -> str:
        """The check that proves an unproven reload: the file's hash inside each pod."""
        return file_hash_check(self.setting, self.draft.new_text if self.draft else "")

    # -- undo -------------------------------------------------------------------------------
    @property
    def immutable(self) -> bool:
        return self.setting.layer == Layer.IMMUTABLE

    @property
    def configmap_changed(self) -> bool:
        """An edit in place (an immutable ConfigMap is copied, never changed)."""
        return self.applied is not None and self.route in (Route.KEY, Route.KEY_PATH) and not self.immutable

    def revert(self, *, finish: bool = True) -> ActionResult:
        """Put back the ConfigMap value saved before the edit."""
        return undo.revert(self, finish=finish)

    def rollback(self) -> list[ActionResult]:
        """The previous revision of the workload, and the ConfigMap's old value when it was changed too."""
        return undo.rollback(self)

    # -- summary ------------------------------------------------------------------------------
    def undo_hint(self) -> str:
        return undo.undo_hint(self)

    def record(self, outcome: str | None = None) -> ChangeRecord | None:
        """Once per change, when it ends: appended to the change history."""
        if self.applied is None or self.recorded is not None:
            return self.recorded
        self.recorded = self.append_record(record_of(self, outcome or str(self.phase)))
        return self.recorded

    def append_record(self, record: ChangeRecord) -> ChangeRecord:
        try:
            self.history.append(record)
        except OSError as exc:
            self.problem = f"The change history could not be written: {exc}"
        return record


__all__ = ["ChangeFlow", "EditError", "Phase", "Step", "TERMINAL"]
