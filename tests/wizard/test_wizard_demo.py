"""The wizard end to end on the kubernaut demo: each change asserted in the cluster afterwards."""

from __future__ import annotations

import json

from tests.kube import kubectl, wait_pods_ready
from tests.ui.harness import SIZE, click_button
from tests.waiting import eventually_async
from tests.wizard.steps import (
    NS,
    SP,
    WE,
    configmap_value,
    open_wizard,
    review,
    type_value,
)
from tui.change.flow import Phase, Step
from tui.history import ChangeHistory
from tui.screens.wizard.confirm import ConfirmRestart


def pods(cluster, app_label: str) -> list[dict]:
    out = kubectl(cluster, "-n", NS, "get", "pods", "-l", f"app.kubernetes.io/name={app_label}", "-o", "json")
    assert out.returncode == 0, out.stderr
    return [p for p in json.loads(out.stdout)["items"] if not p["metadata"].get("deletionTimestamp")]


def logs(cluster, pod: str) -> str:
    out = kubectl(cluster, "-n", NS, "logs", pod)
    assert out.returncode == 0, out.stderr
    return out.stdout


def effective_settings(cluster, pod: str) -> dict:
    """The last "Effective configuration" the pod logged."""
    found = {}
    for line in logs(cluster, pod).splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("msg") == "Effective configuration":
            found = record.get("settings") or {}
    return found


async def confirm(app, pilot) -> str:
    await eventually_async(pilot, lambda: isinstance(app.screen, ConfirmRestart), message="the confirmation")
    question = str(app.screen.query_one("#confirm-question").content)
    await pilot.press("y")
    return question


async def test_logging_level_applies_live_on_every_replica_without_restart_and_u_takes_it_back(
    fresh_demo, make_app, state_dir
):
    demo = fresh_demo  # a cluster of its own: a rerun of this test starts from the scenario again
    wait_pods_ready(demo, NS, "app.kubernetes.io/instance=kubernaut")
    before = {
        p["metadata"]["name"]: p["status"]["containerStatuses"][0]["restartCount"]
        for p in pods(demo, "workflowexecution")
    }
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, WE, lambda s: s.key_path == "logging.level")
        assert screen.setting.value == "INFO", (
            f"the scenario's level is INFO, the dashboard read {screen.setting!r}"
        )
        assert "reloads it live" in screen.flow.plan.summary
        await type_value(pilot, screen, "DEBUG")
        await review(pilot, screen)
        assert screen.flow.dry_run_result.ok
        await click_button(pilot, "#apply")
        await eventually_async(
            pilot, lambda: screen.flow.phase == Phase.IN_FORCE, timeout=60, message="every pod applied"
        )
        checks = screen.flow.reload.pods
        assert {c.pod for c in checks} == set(before)
        digest = (
            __import__("hashlib")
            .sha256(configmap_value(demo, "workflowexecution-config", "workflowexecution.yaml").encode())
            .hexdigest()
        )
        assert all(c.state == "applied" and digest.startswith(c.hash[:12]) for c in checks)
        assert screen.flow.step == Step.SUMMARY
        assert "level: DEBUG" in configmap_value(demo, "workflowexecution-config", "workflowexecution.yaml")
        assert screen.query_one("#summary-revert").display and screen.check_action("revert", ())
        await pilot.press("u")
        question = await confirm(app, pilot)
        assert "workflowexecution-config key workflowexecution.yaml" in question
        await eventually_async(pilot, lambda: screen.flow.phase == Phase.UNDONE, message="the revert")
        summary = str(screen.query_one("#summary-text").content)
        assert summary.startswith("Undone") and "rollout undo" not in summary
        assert not screen.check_action("revert", ())  # once
    assert "level: INFO" in configmap_value(demo, "workflowexecution-config", "workflowexecution.yaml")
    after = {
        p["metadata"]["name"]: p["status"]["containerStatuses"][0]["restartCount"]
        for p in pods(demo, "workflowexecution")
    }
    assert after == before  # the same pods, never restarted
    reverted, record = ChangeHistory(state_dir / "history.jsonl").records()[:2]  # newest first
    assert (record.setting, record.old_value, record.new_value, record.outcome) == (
        "logging.level",
        "INFO",
        "DEBUG",
        "in-force",
    )
    assert record.user == "kubeknobs-demo-admin" and record.in_force_after is not None
    assert (reverted.outcome, reverted.old_value, reverted.new_value) == ("reverted", "DEBUG", "INFO")


async def test_cooldown_period_reloads_but_needs_restart_then_new_pods_use_it(demo, make_app, state_dir):
    old_pods = {p["metadata"]["name"] for p in pods(demo, "workflowexecution")}
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, WE, lambda s: s.key_path == "execution.cooldownPeriod")
        assert "watches this file but reads this key only at start" in screen.flow.plan.summary
        await type_value(pilot, screen, "7m")
        await review(pilot, screen)
        await click_button(pilot, "#apply")
        await eventually_async(
            pilot,
            lambda: screen.flow.phase == Phase.CONFIRM_RESTART,
            timeout=60,
            message="the pods to log reloaded",
        )
        assert all(c.state == "reloaded, needs restart" for c in screen.flow.reload.pods)
        assert "read only at start" in str(screen.query_one("#follow-text").content)
        await pilot.press("r")
        question = await confirm(app, pilot)
        assert "workflowexecution-controller" in question and "2 pods" in question
        await eventually_async(
            pilot, lambda: screen.flow.phase == Phase.IN_FORCE, timeout=90, message="the rollout"
        )
    new_pods = pods(demo, "workflowexecution")
    assert new_pods and not ({p["metadata"]["name"] for p in new_pods} & old_pods)
    for pod in new_pods:
        assert effective_settings(demo, pod["metadata"]["name"])["execution.cooldownPeriod"] == "7m"


async def test_bad_policy_is_rejected_everywhere_and_revert_restores_it(demo, make_app, state_dir):
    original = configmap_value(demo, "signalprocessing-policy", "policy.rego")
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, SP, lambda s: s.key == "policy.rego" and not s.key_path)
        await type_value(pilot, screen, original + "\nthis is { not rego\n")
        await review(pilot, screen)
        await click_button(pilot, "#apply")
        await eventually_async(
            pilot, lambda: screen.flow.phase == Phase.REJECTED, timeout=60, message="the rejection"
        )
        assert all(c.state == "rejected" for c in screen.flow.reload.pods)
        await pilot.press("u")
        await eventually_async(
            pilot, lambda: screen.flow.phase == Phase.UNDONE, timeout=30, message="the revert"
        )
    assert configmap_value(demo, "signalprocessing-policy", "policy.rego") == original
    for pod in pods(demo, "signalprocessing"):
        text = logs(demo, pod["metadata"]["name"])
        assert "keeping previous" in text.lower() or "rejected" in text.lower()
