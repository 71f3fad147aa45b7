"""Changing things from the dashboard: restart, a flag, a hot-reloading key; namespaces and contexts."""

from __future__ import annotations

import json

from textual.widgets import Button

from tests.kube import kubectl, pods_ready
from tests.ui.harness import SIZE, kubernaut_controllers, run_from_palette
from tests.ui.test_dashboard import WE, open_detail, synced
from tests.waiting import eventually_async
from tui.screens.controllers import ControllersScreen
from tui.screens.pickers import ContextPicker, NamespacePicker
from tui.screens.restart import RestartScreen
from tui.screens.wizard.screen import WizardScreen

LEGACY = ("Deployment", "kubernaut-system", "workflowexecution-legacy")


def deployment(cluster, name: str) -> dict:
    out = kubectl(cluster, "-n", "kubernaut-system", "get", "deployment", name, "-o", "json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def restarted_at(obj: dict) -> str | None:
    return (obj["spec"]["template"]["metadata"].get("annotations") or {}).get(
        "kubectl.kubernetes.io/restartedAt"
    )


async def focus_setting(pilot, screen, match) -> None:
    for _ in range(60):
        setting = screen.focused_setting
        if setting is not None and match(setting):
            return
        await pilot.press("j")
    raise AssertionError("setting not found")


async def test_restart_asks_first_then_rolls_the_pods(fresh_kubernaut, make_app):
    app = make_app(fresh_kubernaut)
    async with app.run_test(size=SIZE) as pilot:
        table = await synced(app, pilot)
        table.move_to(WE)
        await pilot.press("r")
        assert isinstance(app.screen, RestartScreen)
        await pilot.press("n")
        assert isinstance(app.screen, ControllersScreen)
        assert restarted_at(deployment(fresh_kubernaut, WE[2])) is None
        await pilot.press("r", "y")
        await eventually_async(
            pilot, lambda: isinstance(app.screen, ControllersScreen), message="the restart to finish"
        )
        assert restarted_at(deployment(fresh_kubernaut, WE[2]))


async def test_read_only_mode_changes_nothing(fresh_kubernaut, make_app):
    app = make_app(fresh_kubernaut, readonly=True)
    async with app.run_test(size=SIZE) as pilot:
        table = await synced(app, pilot)
        assert app.status_info.readonly
        table.move_to(WE)
        await pilot.press("r")
        assert app.screen.query_one("#confirm", Button).disabled
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, RestartScreen)
        await pilot.press("escape")
        assert restarted_at(deployment(fresh_kubernaut, WE[2])) is None


async def test_e_opens_the_change_wizard_on_the_focused_setting(kubernaut, make_app):
    app = make_app(kubernaut)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(app, pilot, LEGACY)
        await focus_setting(pilot, screen, lambda s: s.name == "--cooldown-period")
        await pilot.press("e")
        await eventually_async(
            pilot, lambda: isinstance(app.screen, WizardScreen), message="the change wizard"
        )


async def test_a_configmap_edit_shows_the_reload_of_each_pod_in_the_detail(fresh_kubernaut, make_app):
    app = make_app(fresh_kubernaut)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(app, pilot)
        # a pod whose app has not started watching yet would read the new file at start, with no reload line
        await eventually_async(
            pilot,
            lambda: pods_ready(
                fresh_kubernaut, "kubernaut-system", "app.kubernetes.io/name=workflowexecution"
            ),
            timeout=60,
            message="the pods ready",
        )
        out = kubectl(
            fresh_kubernaut,
            "-n",
            "kubernaut-system",
            "get",
            "configmap",
            "workflowexecution-config",
            "-o",
            "json",
        )
        config = json.loads(out.stdout)
        text = config["data"]["workflowexecution.yaml"]
        assert "level: INFO" in text
        patch = json.dumps({"data": {"workflowexecution.yaml": text.replace("level: INFO", "level: DEBUG")}})
        out = kubectl(
            fresh_kubernaut,
            "-n",
            "kubernaut-system",
            "patch",
            "configmap",
            "workflowexecution-config",
            "--type=merge",
            "-p",
            patch,
        )
        assert out.returncode == 0, out.stderr
        log = screen.query_one("#detail-events")
        await eventually_async(
            pilot,
            lambda: sum("reloaded" in line for line in log.lines()) >= 2,
            timeout=60,
            message="a reload event from each pod",
        )
        assert any("ConfigMap workflowexecution-config changed" in line for line in log.lines())
        await eventually_async(
            pilot,
            lambda: any(
                s.key_path == "logging.level" and s.value == "DEBUG"
                for s in screen.query_one("#settings").settings
            ),
            message="the new value in the settings",
        )


async def test_namespace_picker_and_palette_switch_namespaces(kubernaut, make_app):
    app = make_app(kubernaut)
    async with app.run_test(size=SIZE) as pilot:
        table = await synced(app, pilot)
        await pilot.press("n")
        await eventually_async(
            pilot, lambda: isinstance(app.screen, NamespacePicker), message="the namespace picker"
        )
        options = app.screen.query_one("OptionList")
        await pilot.press("G")
        assert options.highlighted == options.option_count - 1
        await pilot.press("g", "j", "j", "j", "k")  # all namespaces, default, kube-system, kubernaut-system
        assert options.get_option_at_index(options.highlighted).id == "kube-system"
        await pilot.press("enter")
        await eventually_async(
            pilot, lambda: app.synced and table.total_count == 1, message="kube-system only"
        )
        assert table.visible_keys() == [("Deployment", "kube-system", "coredns")]
        assert app.status_info.namespaces == "kube-system"
        await run_from_palette(pilot, "Namespace: all")
        await eventually_async(
            pilot,
            lambda: app.synced and table.total_count >= kubernaut_controllers(),
            message="every namespace again",
        )


async def test_context_picker_switches_to_the_read_only_user(fresh_kubernaut, make_app):
    app = make_app(fresh_kubernaut)
    async with app.run_test(size=SIZE) as pilot:
        table = await synced(app, pilot)
        await pilot.press("c")
        assert isinstance(app.screen, ContextPicker)
        options = app.screen.query_one("OptionList")
        options.highlighted = next(
            i
            for i in range(options.option_count)
            if options.get_option_at_index(i).id == "kubeknobs-demo-readonly"
        )
        await pilot.press("enter")
        await eventually_async(
            pilot,
            lambda: (
                app.status_info.context == "kubeknobs-demo-readonly"
                and app.synced
                and table.total_count >= kubernaut_controllers()
            ),
            message="the read-only context",
        )
        table.move_to(WE)
        await eventually_async(pilot, lambda: app.status_info.readonly, message="READ-ONLY from RBAC")
        await pilot.press("r")
        # RBAC forbids it: refused with the reason before any dialog, and nothing restarts
        await eventually_async(
            pilot,
            lambda: any("may not patch" in str(n.message) for n in app._notifications),
            message="the refusal",
        )
        assert not isinstance(app.screen, RestartScreen)
        assert restarted_at(deployment(fresh_kubernaut, WE[2])) is None
