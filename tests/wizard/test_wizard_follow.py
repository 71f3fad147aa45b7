"""Leaving the wizard, and the paths where no reload comes: propagate now, the window, the restart."""

from __future__ import annotations

import json

from tests.kube import kubectl
from tests.ui.harness import SIZE, click_button
from tests.waiting import eventually_async
from tests.wizard.steps import NS, WE, configmap_value, open_wizard, review, type_value
from tests.wizard.test_wizard_demo import confirm
from tui.change.flow import Phase
from tui.history import ChangeHistory
from tui.screens.wizard.confirm import ConfirmRestart
from tui.screens.wizard.screen import WizardScreen

SHIPPER = ("DaemonSet", NS, "log-shipper")
AI = ("Deployment", NS, "aianalysis-controller")


async def test_leaving_before_apply_changes_nothing(demo, make_app, state_dir):
    before = configmap_value(demo, "workflowexecution-config", "workflowexecution.yaml")
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, WE, lambda s: s.key_path == "logging.level")
        await type_value(pilot, screen, "ERROR")
        await review(pilot, screen)
        assert screen.flow.dry_run_result.ok
        await pilot.press("escape")
        assert not isinstance(app.screen, WizardScreen)
    assert configmap_value(demo, "workflowexecution-config", "workflowexecution.yaml") == before
    assert not (state_dir / "backups").exists() and ChangeHistory().records() == []


async def test_leaving_after_apply_keeps_following_until_in_force(demo, make_app, state_dir):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, AI, lambda s: s.key_path == "logging.level")
        await type_value(pilot, screen, "DEBUG")  # at WARN the app would no longer log its reloads
        await review(pilot, screen)
        await click_button(pilot, "#apply")
        await eventually_async(pilot, lambda: screen.flow.applied is not None, message="the apply")
        await pilot.press("escape")
        assert not isinstance(app.screen, WizardScreen)
        await eventually_async(
            pilot,
            lambda: [r.outcome for r in ChangeHistory().records()] == ["in-force"],
            timeout=60,
            message="the change to be in force",
        )
        record = ChangeHistory().records()[0]
        assert (record.setting, record.new_value, record.outcome) == ("logging.level", "DEBUG", "in-force")
        reloads = [e for e in app.event_history if type(e).__name__ == "ReloadEvent" and e.workload == AI]
        assert reloads and all(e.outcome == "applied" for e in reloads)


async def test_file_without_reload_offers_propagate_now_then_a_restart_of_every_pod(
    demo, make_app, state_dir
):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, SHIPPER, lambda s: s.key == "fluent-bit.conf")
        assert "no reload is known" in screen.flow.plan.summary
        text = configmap_value(demo, "log-shipper-config", "fluent-bit.conf")
        await type_value(pilot, screen, text + "\n# flush faster\n")
        await review(pilot, screen)
        screen.flow.window = 3.0  # the kubelet's window, shortened for the test
        await click_button(pilot, "#apply")
        await eventually_async(pilot, lambda: screen.flow.phase == Phase.RELOADING, message="the apply")
        await pilot.press("p")
        await eventually_async(
            pilot, lambda: screen.flow.phase == Phase.STALE, timeout=30, message="the window to pass"
        )
        assert "No reload event" in str(screen.query_one("#follow-text").content)
        pods = json.loads(
            kubectl(
                demo, "-n", NS, "get", "pods", "-l", "app.kubernetes.io/name=log-shipper", "-o", "json"
            ).stdout
        )["items"]
        assert pods and all(
            "kubeknobs.io/propagate-at" in (p["metadata"].get("annotations") or {}) for p in pods
        )
        await pilot.press("r")
        question = await confirm(app, pilot)
        assert f"DaemonSet {NS}/log-shipper ({len(pods)} pods)" in question
        await eventually_async(
            pilot, lambda: screen.flow.phase == Phase.IN_FORCE, timeout=90, message="the rollout"
        )
    obj = json.loads(kubectl(demo, "-n", NS, "get", "daemonset", "log-shipper", "-o", "json").stdout)
    assert obj["spec"]["template"]["metadata"]["annotations"].get("kubectl.kubernetes.io/restartedAt")
    assert configmap_value(demo, "log-shipper-config", "fluent-bit.conf").endswith("# flush faster\n")


async def test_cluster_text_in_the_review_is_data_not_markup(demo, make_app, state_dir):
    routing = configmap_value(demo, "notification-routing-config", "routing.yaml")
    hostile = routing + "# [bold red]boom[/] \x1b[31mred\x1b[0m [link=x]y[/link]\n"
    patched = kubectl(
        demo,
        "-n",
        NS,
        "patch",
        "configmap",
        "notification-routing-config",
        "--type=merge",
        "-p",
        json.dumps({"data": {"routing.yaml": hostile}}),
    )
    assert patched.returncode == 0, patched.stderr
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        key = ("Deployment", NS, "notification-controller")
        await eventually_async(
            pilot,
            lambda: (
                app.session is not None and any("boom" in (s.value or "") for s in app.session.settings(key))
            ),
            message="the new content",
            timeout=60,
        )
        screen = await open_wizard(app, pilot, key, lambda s: s.key == "routing.yaml" and not s.key_path)
        await type_value(pilot, screen, routing + "# [bold red]bang[/]\n")
        await review(pilot, screen)
        shown = screen.query_one("#review-text").content
        assert "-# [bold red]boom[/] red [link=x]y[/link]" in str(shown)
        assert "\x1b" not in str(shown)
        await pilot.press("escape")


async def test_reloader_annotation_with_no_reloader_running_follows_the_hot_reload(demo, make_app, state_dir):
    ro = ("Deployment", NS, "remediationorchestrator-controller")
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, ro, lambda s: s.key_path == "logging.level")
        await type_value(pilot, screen, "DEBUG")
        await review(pilot, screen)
        await click_button(pilot, "#apply")
        if not isinstance(app.screen, WizardScreen):  # a dialog asks first where pods may restart
            await confirm(app, pilot)
        # no Reloader runs in the demo: the app's own reload is followed, and it is in force
        await eventually_async(
            pilot, lambda: screen.flow.phase == Phase.IN_FORCE, timeout=90, message="the hot reload in force"
        )
        follow = str(screen.query_one("#follow-text").content)
        assert "Reloader did not roll the pods" not in follow


async def test_immutable_configmap_is_copied_with_the_change_and_the_workload_repointed(
    demo, make_app, state_dir
):
    ds = ("StatefulSet", NS, "datastorage")
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, ds, lambda s: s.key == "schema-version")
        assert "creates a new ConfigMap" in str(screen.query_one("#where-text").content)
        await type_value(pilot, screen, "8")
        await review(pilot, screen)
        assert screen.flow.dry_run_result.ok, screen.flow.dry_run_result
        await click_button(pilot, "#apply")
        question = await confirm(app, pilot)
        assert "StatefulSet kubernaut-system/datastorage" in question
        await eventually_async(
            pilot,
            lambda: screen.flow.phase == Phase.IN_FORCE,
            timeout=120,
            message=lambda: f"the rollout {screen.flow.phase} {screen.flow.proofs} {screen.flow.rollout}",
        )
        created = screen.flow.applied.details["configmap"]
    assert configmap_value(demo, "datastorage-schema-v7", "schema-version") == "7"  # never changed
    new = json.loads(kubectl(demo, "-n", NS, "get", "configmap", created, "-o", "json").stdout)
    assert new["data"]["schema-version"] == "8" and new["immutable"] is True
    sts = json.loads(kubectl(demo, "-n", NS, "get", "statefulset", "datastorage", "-o", "json").stdout)
    names = [v["configMap"]["name"] for v in sts["spec"]["template"]["spec"]["volumes"] if "configMap" in v]
    assert created in names and "datastorage-schema-v7" not in names


async def test_a_quit_while_a_change_is_followed_asks_first_and_the_history_says_the_follow_was_left(
    demo, make_app, state_dir
):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(app, pilot, SHIPPER, lambda s: s.key == "fluent-bit.conf")
        text = configmap_value(demo, "log-shipper-config", "fluent-bit.conf")
        await type_value(pilot, screen, text + "\n# quit while followed\n")
        await review(pilot, screen)
        screen.flow.window = 600.0  # the kubelet's window, long enough to quit inside it
        await click_button(pilot, "#apply")
        await eventually_async(pilot, lambda: screen.flow.phase == Phase.RELOADING, message="the apply")
        await pilot.press("escape")  # the follow goes on behind the dashboard
        await pilot.press("ctrl+q")
        await eventually_async(pilot, lambda: isinstance(app.screen, ConfirmRestart), message="the question")
        question = str(app.screen.query_one("#confirm-question").content)
        assert "Still following fluent-bit.conf of log-shipper" in question
        await pilot.press("n")
        await eventually_async(pilot, lambda: not isinstance(app.screen, ConfirmRestart), message="no")
        assert app.is_running and len(app.following) == 1
        assert [r.outcome for r in ChangeHistory().records()] == ["applied"]
        await pilot.press("ctrl+q")
        await eventually_async(pilot, lambda: isinstance(app.screen, ConfirmRestart), message="again")
        await pilot.press("y")
        await eventually_async(pilot, lambda: not app.is_running, message="the app to end")
    record = ChangeHistory().records()[0]
    assert (record.setting, record.outcome) == ("fluent-bit.conf", "follow-left")
    assert not app.following
