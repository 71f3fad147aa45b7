"""A crash-looping controller is marked and offers its rollback; a read-only context is shown and kept to."""

from __future__ import annotations

import json

import pytest

from tests.kube import kubectl
from tests.ui.harness import SIZE, kubernaut_controllers, run_from_palette, start_demo_cluster
from tests.waiting import eventually_async
from tui.screens.detail import DetailScreen
from tui.screens.rollback import RollbackScreen

NS = "kubernaut-system"
LEGACY = ("Deployment", NS, "workflowexecution-legacy")


@pytest.fixture
def crashing():
    """A demo cluster whose workflowexecution-legacy was given a flag value it crashes on."""
    cluster = start_demo_cluster("kubernaut", time_scale=0.1)
    patch = [
        {"op": "replace", "path": "/spec/template/spec/containers/0/args/0", "value": "--cooldown-period=-1"}
    ]
    out = kubectl(cluster, "-n", NS, "patch", "deployment", LEGACY[2], "--type=json", "-p", json.dumps(patch))
    assert out.returncode == 0, out.stderr
    yield cluster
    cluster.stop()


async def synced(app, pilot):
    await eventually_async(
        pilot,
        lambda: app.synced and app.controllers_screen.table.total_count >= kubernaut_controllers(),
        timeout=60,
        message="the controllers of the demo",
    )
    return app.controllers_screen.table


def ready_segment(table, key):
    """The READY cell of the row, drawn off the cursor (the cursor line takes the cursor's colours)."""
    table.move_to(key)
    table.action_cursor(1 if table.cursor == 0 else -1)
    strip = table.render_line(table.visible_keys().index(key) - int(table.scroll_y) + 1)
    row = table.row(key)
    return next(s for s in strip if s.text.strip().startswith(f"{row.ready}/{row.desired}"))


async def open_rollback(app, pilot, *keys: str) -> str:
    if keys:
        await pilot.press(*keys)
    await eventually_async(
        pilot,
        lambda: isinstance(app.screen, RollbackScreen) and not app.screen.query_one("#confirm").disabled,
        timeout=30,
        message="the rollback dialog with the previous revision",
    )
    return str(app.screen.query_one("#rollback-revision").render())


async def test_a_crash_looping_controller_is_marked_and_offers_its_rollback_everywhere(crashing, make_app):
    app = make_app(crashing)
    async with app.run_test(size=SIZE) as pilot:
        table = await synced(app, pilot)
        await eventually_async(
            pilot,
            lambda: table.row(LEGACY).crash == "CrashLoopBackOff",
            timeout=90,
            message="the crash-looping controller marked",
        )
        cell = ready_segment(table, LEGACY)
        assert cell.text.strip().endswith("CrashLoopBackOff")
        assert cell.style.color == table.get_component_rich_style("workload-table--error").color

        table.move_to(LEGACY)
        shown = await open_rollback(app, pilot, "b")
        assert "revision 1" in shown and "image" in shown
        assert "args --cooldown-period" in shown and "now --cooldown-period=-1" in shown
        await pilot.press("escape")
        await run_from_palette(pilot, "Rollback", f"Rollback Deployment {NS}/{LEGACY[2]}")
        await open_rollback(app, pilot)
        await pilot.press("escape")

        await pilot.press("enter")
        await eventually_async(pilot, lambda: isinstance(app.screen, DetailScreen), message="the detail")
        await open_rollback(app, pilot, "b")
        await pilot.press("y")
        await eventually_async(
            pilot, lambda: isinstance(app.screen, DetailScreen), timeout=30, message="the rollback done"
        )
        await eventually_async(
            pilot, lambda: table.row(LEGACY).crash == "", timeout=90, message="the crash mark gone"
        )


async def test_the_palette_finds_change_setting_from_the_controllers(kubernaut, make_app):
    app = make_app(kubernaut)
    async with app.run_test(size=SIZE) as pilot:
        table = await synced(app, pilot)
        table.move_to(LEGACY)
        await run_from_palette(pilot, "change", f"Change setting of Deployment {NS}/{LEGACY[2]}")
        await eventually_async(
            pilot,
            lambda: isinstance(app.screen, DetailScreen) and app.screen.workload_key == LEGACY,
            message="the detail to pick the setting in",
        )


async def test_the_theme_picked_is_saved_with_the_config_files_other_keys_and_comments(tmp_path, make_app):
    from tui.config import load_config

    path = tmp_path / "config.yaml"
    path.write_text("# my settings\nnamespaces: [kubernaut-system]  # the team's\nreadonly: false\n")
    config, _ = load_config(path)
    app = make_app(config=config)
    async with app.run_test(size=SIZE) as pilot:
        await run_from_palette(pilot, "Theme: kubeknobs-light")
        await eventually_async(
            pilot, lambda: "theme: kubeknobs-light" in path.read_text(), message="the theme saved"
        )
    text = path.read_text()
    assert "# my settings" in text and "# the team's" in text and "readonly: false" in text
    assert load_config(path)[0].theme == "kubeknobs-light"


async def test_a_read_only_context_shows_the_read_only_marker(kubernaut, make_app):
    app = make_app(kubernaut, context="kubeknobs-demo-readonly")
    async with app.run_test(size=SIZE) as pilot:
        await synced(app, pilot)
        await eventually_async(pilot, lambda: app.status_info.readonly, message="the READ-ONLY marker")
        assert "READ-ONLY" in app.screen.query_one("#status").render().plain


async def test_an_admin_context_shows_no_read_only_marker(kubernaut, make_app):
    app = make_app(kubernaut)
    async with app.run_test(size=SIZE) as pilot:
        await synced(app, pilot)
        await app.workers.wait_for_complete()
        assert not app.status_info.readonly


def offered(screen, key: str) -> bool:
    """Whether the footer offers the key: shown, and not dimmed."""
    from textual.widgets._footer import FooterKey

    return any(k.key == key and not k.has_class("-disabled") for k in screen.query(FooterKey))


def dimmed(screen, key: str) -> bool:
    from textual.widgets._footer import FooterKey

    return any(k.key == key and k.has_class("-disabled") for k in screen.query(FooterKey))


async def test_change_and_restart_are_not_offered_where_rbac_forbids_them_and_say_why(kubernaut, make_app):
    from tui.screens.restart import RestartScreen
    from tui.screens.wizard.screen import WizardScreen

    app = make_app(kubernaut, context="kubeknobs-demo-readonly")
    async with app.run_test(size=SIZE) as pilot:
        table = await synced(app, pilot)
        await eventually_async(pilot, lambda: app.status_info.readonly, message="the READ-ONLY marker")
        table.move_to(LEGACY)
        screen = app.screen
        await eventually_async(
            pilot, lambda: dimmed(screen, "e") and dimmed(screen, "r"), message="change and restart dimmed"
        )
        assert offered(screen, "l") and offered(screen, "y")
        assert not offered(screen, "e") and not offered(screen, "r")
        for key in ("r", "e"):
            app.clear_notifications()
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(app.screen, (RestartScreen, WizardScreen, DetailScreen))
            assert any("RBAC" in str(n.message) for n in app._notifications), key

        await pilot.press("enter")
        await eventually_async(pilot, lambda: isinstance(app.screen, DetailScreen), message="the detail")
        screen = app.screen
        await eventually_async(pilot, lambda: screen.focused_setting is not None, message="a setting")
        await eventually_async(
            pilot, lambda: dimmed(screen, "e") and dimmed(screen, "r"), message="dimmed on the detail"
        )
        assert offered(screen, "l") and not offered(screen, "e") and not offered(screen, "r")
        for key in ("r", "e"):
            app.clear_notifications()
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen
            assert any("RBAC" in str(n.message) for n in app._notifications), key
