"""The wizard's safety on the kubernaut demo: validation, crash loops and rollback, conflicts, permissions."""

from __future__ import annotations

import json

from tests.kube import kubectl
from tests.ui.harness import SIZE, click_button
from tests.waiting import eventually_async
from tests.wizard.steps import (
    LEGACY,
    NS,
    WE,
    configmap_value,
    deployment,
    open_wizard,
    review,
    review_shown,
    type_value,
)
from tests.wizard.test_wizard_demo import confirm
from tui.change.flow import Phase, Step
from tui.history import ChangeHistory


def cooldown_arg(cluster) -> str:
    args = deployment(cluster, LEGACY[2])["spec"]["template"]["spec"]["containers"][0]["args"]
    return next(a for a in args if a.startswith("--cooldown-period"))


def is_cooldown(setting) -> bool:
    return setting.name == "--cooldown-period"


async def test_cooldown_flag_rolls_out_invalid_is_blocked_and_a_forced_crash_loop_is_rolled_back(
    demo, make_app, state_dir
):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, LEGACY, is_cooldown)
        assert "editing the pod template rolls 1 pod" in screen.flow.plan.summary
        await type_value(pilot, screen, "10m")
        await review(pilot, screen)
        diff = str(screen.query_one("#review-text").content)
        assert "-- --cooldown-period=5m" in diff and "+- --cooldown-period=10m" in diff
        await click_button(pilot, "#apply")
        question = await confirm(app, pilot)
        assert "workflowexecution-legacy" in question and "1 pod" in question
        await eventually_async(
            pilot,
            lambda: screen.flow.phase == Phase.IN_FORCE,
            timeout=90,
            message=lambda: f"the rollout: {screen.flow.phase} {screen.flow.proofs}",
        )
        assert cooldown_arg(demo) == "--cooldown-period=10m"
        await pilot.press("escape")

        screen = await open_wizard(app, pilot, LEGACY, is_cooldown)
        await type_value(pilot, screen, "-1")
        assert screen.flow.step == Step.EDIT
        assert "duration" in str(screen.query_one("#edit-problem").content)
        assert screen.query_one("#to-review").disabled
        await pilot.click("#to-review")
        assert screen.flow.step == Step.EDIT  # blocked: nothing is sent

        # New pods count as available only after 5 s: time for the forced edit to land mid-rollout.
        slow = kubectl(
            demo, "-n", NS, "patch", "deployment", LEGACY[2], "-p", '{"spec":{"minReadySeconds":5}}'
        )
        assert slow.returncode == 0, slow.stderr
        await type_value(pilot, screen, "15m")
        await review(pilot, screen)
        await click_button(pilot, "#apply")
        await confirm(app, pilot)
        await eventually_async(
            pilot, lambda: screen.flow.phase == Phase.ROLLING, message="the rollout to start"
        )
        obj = deployment(demo, LEGACY[2])
        index = next(
            i
            for i, a in enumerate(obj["spec"]["template"]["spec"]["containers"][0]["args"])
            if a.startswith("--cooldown-period")
        )
        forced = kubectl(
            demo,
            "-n",
            NS,
            "patch",
            "deployment",
            LEGACY[2],
            "--type=json",
            "-p",
            json.dumps(
                [
                    {
                        "op": "replace",
                        "path": f"/spec/template/spec/containers/0/args/{index}",
                        "value": "--cooldown-period=-1",
                    }
                ]
            ),
        )
        assert forced.returncode == 0, forced.stderr
        await eventually_async(
            pilot, lambda: screen.flow.phase == Phase.FAILED, timeout=90, message="the crash loop"
        )
        crash = screen.flow.rollout.crashes[0]
        assert any("cooldown-period" in line for line in crash.last_lines)
        assert "cooldown-period" in str(screen.query_one("#rollout-text").content)
        bar = screen.query_one("#rollout-bar")
        assert bar.total and bar.progress < bar.total  # the crash-looping pod is never counted rolled out
        await pilot.press("b")
        question = await confirm(app, pilot)
        assert "workflowexecution-legacy" in question
        await eventually_async(
            pilot, lambda: screen.flow.phase == Phase.UNDONE, timeout=90, message="the rollback"
        )
        summary = str(screen.query_one("#summary-text").content)
        assert "rollout undo" not in summary  # it would bring the crash-looping revision back
        assert "nothing left to undo" in screen.flow.recorded.undo
    assert cooldown_arg(demo) == "--cooldown-period=15m"
    status = deployment(demo, LEGACY[2])["status"]
    assert status.get("readyReplicas") == 1 and status.get("updatedReplicas") == 1


async def test_concurrent_edit_is_a_conflict_and_nothing_is_overwritten(demo, make_app, state_dir):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, WE, lambda s: s.key_path == "controller.metricsAddr")
        await type_value(pilot, screen, ":9191")
        await review(pilot, screen)
        theirs = configmap_value(demo, "workflowexecution-config", "workflowexecution.yaml").replace(
            "leaderElection: true", "leaderElection: false"
        )
        patched = kubectl(
            demo,
            "-n",
            NS,
            "patch",
            "configmap",
            "workflowexecution-config",
            "--type=merge",
            "-p",
            json.dumps({"data": {"workflowexecution.yaml": theirs}}),
        )
        assert patched.returncode == 0, patched.stderr
        await click_button(pilot, "#apply")
        await eventually_async(
            pilot,
            lambda: "Conflict" in str(screen.query_one("#conflict-text").content),
            message="the conflict",
        )
        assert screen.flow.applied is None
        shown = str(screen.query_one("#conflict-text").content)
        assert "leaderElection: false" in shown and ":9191" in shown
        assert configmap_value(demo, "workflowexecution-config", "workflowexecution.yaml") == theirs
        said = screen.flow.conflict.message
        await pilot.press("ctrl+r")
        await eventually_async(
            pilot,
            lambda: screen.flow.conflict is None and review_shown(screen) and screen.flow.dry_run_result.ok,
            message="the rebased review",
        )
        await click_button(pilot, "#apply")
        await eventually_async(pilot, lambda: screen.flow.step == Step.FOLLOW, message="the apply")
        # the conflict is over: the follow does not repeat that it changed since it was read
        assert screen.flow.problem is None
        assert said not in str(screen.query_one("#follow-text").content)
    final = configmap_value(demo, "workflowexecution-config", "workflowexecution.yaml")
    assert "leaderElection: false" in final and ":9191" in final


async def test_read_only_user_is_refused_every_apply_with_the_missing_permission(demo, make_app, state_dir):
    before = configmap_value(demo, "workflowexecution-config", "workflowexecution.yaml")
    args_before = deployment(demo, LEGACY[2])["spec"]["template"]["spec"]["containers"][0]["args"]
    app = make_app(demo, context="kubeknobs-demo-readonly")
    async with app.run_test(size=SIZE) as pilot:
        for key, match, value, permission in (
            (
                WE,
                lambda s: s.key_path == "logging.level",
                "WARN",
                "update configmaps in namespace kubernaut-system",
            ),
            (LEGACY, is_cooldown, "20m", "patch deployments in namespace kubernaut-system"),
        ):
            screen = await open_wizard(app, pilot, key, match)
            assert permission in str(screen.query_one("#where-text").content)
            await type_value(pilot, screen, value)
            await review(pilot, screen)
            assert screen.flow.dry_run_result.status == "forbidden"
            # Apply is not offered, and the reason stands next to it
            assert screen.query_one("#apply").disabled
            assert permission in str(screen.query_one("#apply-reason").content)
            await pilot.click("#apply")
            await pilot.pause()
            assert screen.flow.applied is None and app.screen is screen
            await pilot.press("escape")
    assert configmap_value(demo, "workflowexecution-config", "workflowexecution.yaml") == before
    assert deployment(demo, LEGACY[2])["spec"]["template"]["spec"]["containers"][0]["args"] == args_before


async def test_with_readonly_apply_is_disabled_with_the_reason_next_to_it(demo, make_app, state_dir):
    before = configmap_value(demo, "workflowexecution-config", "workflowexecution.yaml")
    app = make_app(demo, readonly=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, WE, lambda s: s.key_path == "logging.level")
        await type_value(pilot, screen, "WARN")
        await review(pilot, screen)
        assert screen.query_one("#apply").disabled
        assert "read-only" in str(screen.query_one("#apply-reason").content)
        await pilot.click("#apply")
        await pilot.pause()
        assert screen.flow.applied is None
    assert configmap_value(demo, "workflowexecution-config", "workflowexecution.yaml") == before


async def test_subpath_config_restart_that_crash_loops_is_rolled_back_with_the_configmap(
    demo, make_app, state_dir
):
    sp = ("Deployment", NS, "signalprocessing-controller")
    original = configmap_value(demo, "signalprocessing-config", "config.yaml")
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, sp, lambda s: s.key == "config.yaml" and not s.key_path)
        assert "read only at start: edit the ConfigMap, then restart 1 pod" in screen.flow.plan.summary
        await type_value(pilot, screen, original.replace("/policies/policy.rego", "/policies/missing.rego"))
        await review(pilot, screen)
        await click_button(pilot, "#apply")
        await eventually_async(
            pilot, lambda: screen.flow.phase == Phase.CONFIRM_RESTART, message="the restart offer"
        )
        await pilot.press("r")
        question = await confirm(app, pilot)
        assert "signalprocessing-controller" in question and "1 pod" in question
        await eventually_async(
            pilot, lambda: screen.flow.phase == Phase.FAILED, timeout=90, message="the crash loop"
        )
        assert "revert the ConfigMap" in str(screen.query_one("#follow-text").content)
        await pilot.press("b")
        question = await confirm(app, pilot)
        assert "signalprocessing-config key config.yaml is reverted first" in question
        await eventually_async(
            pilot, lambda: screen.flow.phase == Phase.UNDONE, timeout=90, message="the rollback"
        )
    assert configmap_value(demo, "signalprocessing-config", "config.yaml") == original
    status = deployment(demo, sp[2])["status"]
    assert status.get("readyReplicas") == 1 and status.get("updatedReplicas") == 1
    record = ChangeHistory().records()[0]
    assert record.outcome == "undone" and "reverted" in record.message and "rolled back" in record.message


async def test_log_level_outside_the_declared_choices_is_blocked_inline_and_nothing_is_written(
    demo, make_app, state_dir
):
    before = configmap_value(demo, "workflowexecution-config", "workflowexecution.yaml")
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, WE, lambda s: s.key_path == "logging.level")
        await type_value(pilot, screen, "LOUD")
        await eventually_async(pilot, lambda: screen.query_one("#to-review").disabled, message="the block")
        problem = str(screen.query_one("#edit-problem").content)
        assert "must be one of DEBUG, INFO, WARN, ERROR" in problem and "LOUD" in problem
        await pilot.click("#to-review")
        assert screen.flow.step == Step.EDIT  # blocked: no dry run, no write

        await type_value(pilot, screen, "debug")  # the service upper-cases the level it reads
        await eventually_async(
            pilot, lambda: not screen.query_one("#to-review").disabled, message="the block lifted"
        )
        assert str(screen.query_one("#edit-problem").content) == ""
    assert configmap_value(demo, "workflowexecution-config", "workflowexecution.yaml") == before
