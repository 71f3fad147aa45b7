"""No wrong verdicts on the kubernaut demo: a change that hides its own proof, a Reloader that is not there."""

from __future__ import annotations

from tests.kube import kubectl, wait_pods_ready
from tests.ui.harness import SIZE, click_button
from tests.waiting import eventually_async
from tests.wizard.steps import NS, WE, configmap_value, open_wizard, review, type_value
from tui.change.flow import Phase, Step
from tui.change.plan import Follow

UNPROVEN = "applied, not provable from logs"


def follow_words(screen) -> str:
    return str(screen.query_one("#follow-text").content)


async def test_raising_the_log_level_ends_applied_not_provable_and_offers_no_restart(
    fresh_demo, make_app, state_dir
):
    wait_pods_ready(fresh_demo, NS, "app.kubernetes.io/instance=kubernaut")
    app = make_app(fresh_demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, WE, lambda s: s.key_path == "logging.level")
        await type_value(pilot, screen, "WARN")
        await review(pilot, screen)
        await click_button(pilot, "#apply")
        flow = screen.flow
        await eventually_async(pilot, lambda: flow.phase == Phase.RELOADING, message="the follow")
        await eventually_async(
            pilot, lambda: "no pod can prove its reload" in follow_words(screen), message="the words"
        )
        assert "sha256sum /etc/config/workflowexecution.yaml" in follow_words(screen)
        seen = []

        def settled() -> bool:
            seen.append((flow.phase, screen.check_action("restart", ()), screen.check_action("rollback", ())))
            return flow.phase in (Phase.UNPROVEN, Phase.STALE, Phase.CONFIRM_RESTART, Phase.IN_FORCE)

        await eventually_async(pilot, settled, timeout=150, message="the window to pass")
        assert flow.phase == Phase.UNPROVEN and flow.step == Step.SUMMARY
        assert not any(restart or rollback for _, restart, rollback in seen), seen
        assert [p.state for p in flow.reload.pods] == [UNPROVEN] * len(flow.reload.pods) == [UNPROVEN] * 2
        summary = str(screen.query_one("#summary-text").content)
        assert summary.startswith(
            "Applied: the new file is in every pod; its reload is not provable from logs"
        )
        assert "restart" not in summary.lower()
        assert [p.proven for p in flow.proofs] == [True, True]  # sha256sum through pods/exec
        assert all("has the new file" in p.detail for p in flow.proofs)
    assert "level: WARN" in configmap_value(fresh_demo, "workflowexecution-config", "workflowexecution.yaml")


async def test_a_reloader_annotation_without_reloader_follows_the_hot_reload(fresh_demo, make_app, state_dir):
    wait_pods_ready(fresh_demo, NS, "app.kubernetes.io/instance=kubernaut")
    out = kubectl(
        fresh_demo,
        "-n",
        NS,
        "annotate",
        "deployment",
        WE[2],
        "reloader.stakater.com/auto=true",
        "--overwrite",
    )
    assert out.returncode == 0, out.stderr
    app = make_app(fresh_demo)
    async with app.run_test(size=SIZE) as pilot:

        def annotated(s) -> bool:
            return s.key_path == "logging.level" and s.auto_restart == "reloader"

        await eventually_async(
            pilot,
            lambda: app.session is not None and any(annotated(s) for s in app.session.settings(WE)),
            timeout=60,
            message="the annotation seen",
        )
        screen = await open_wizard(app, pilot, WE, annotated)
        flow = screen.flow
        assert flow.reloader is not None and flow.reloader.running is False, flow.reloader
        assert flow.plan.follow == Follow.HOT
        assert "no Deployment in any namespace runs Stakater Reloader" in flow.plan.cautions[0].text
        await type_value(pilot, screen, "DEBUG")
        await review(pilot, screen)
        await click_button(pilot, "#apply")
        seen = []

        def done() -> bool:
            seen.append(screen.check_action("rollback", ()))
            return flow.phase in (
                Phase.IN_FORCE,
                Phase.CONFIRM_RESTART,
            )  # stale is not an end: a late line moves on

        await eventually_async(pilot, done, timeout=90, message="every pod applied")
        assert flow.phase == Phase.IN_FORCE and not any(seen), [(p.pod, p.state) for p in flow.reload.pods]
        assert all(p.state == "applied" for p in flow.reload.pods) and flow.rollout is None
        assert "Reloader" not in str(screen.query_one("#summary-text").content)
