"""Reaching the wizard as an operator does: `e` on a setting of the detail screen, and the palette's history."""

from __future__ import annotations

from tests.ui.harness import SIZE, run_from_palette
from tests.waiting import eventually_async
from tests.wizard.steps import WE
from tui.history import ChangeHistory, ChangeRecord
from tui.model.mechanisms import reload_window
from tui.screens.detail import DetailScreen
from tui.screens.wizard.history_screen import ChangeHistoryScreen
from tui.screens.wizard.screen import WizardScreen


async def test_e_on_a_focused_setting_opens_the_wizard_for_it_with_the_sessions_reload_window(
    demo, make_app, state_dir
):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await eventually_async(pilot, lambda: app.synced, message="the session", timeout=60)
        app.open_detail(WE)
        await eventually_async(
            pilot,
            lambda: isinstance(app.screen, DetailScreen) and app.screen.query_one("#settings").settings,
            message="the settings",
        )
        detail = app.screen
        app.session.correlator.window = 12.0  # as the demo's kubelet, which syncs within seconds
        for _ in range(60):
            if detail.focused_setting is not None and detail.focused_setting.key_path == "logging.level":
                break
            await pilot.press("j")
        await pilot.press("e")
        assert isinstance(app.screen, WizardScreen)
        assert app.screen.setting.key_path == "logging.level"
        await eventually_async(pilot, lambda: app.screen.flow.plan is not None, message="step 1")
        # the wizard waits as long as the session's kubelet window (seconds in the demo), not a fixed 90 s
        assert app.screen.flow.window == reload_window(app.screen.setting, 12.0)
        await pilot.press("escape")
        assert app.screen is detail


async def test_palette_opens_the_change_history(demo, make_app, state_dir):
    ChangeHistory().append(
        ChangeRecord(
            started="2026-11-27T09:00:00Z",
            context="kubeknobs-demo",
            user="admin",
            namespace="kubernaut-system",
            workload="Deployment/x",
            container="x",
            setting="logging.level",
            source="file-key",
            layer="hot-reload",
            old_value="INFO",
            new_value="DEBUG",
            outcome="in-force",
        )
    )
    app = make_app(demo, connect=False)
    async with app.run_test(size=SIZE) as pilot:
        await run_from_palette(pilot, "Change history")
        await eventually_async(
            pilot, lambda: isinstance(app.screen, ChangeHistoryScreen), message="the history"
        )
        assert len(app.screen.records) == 1
