"""The API goes away and comes back while the dashboard runs: it says so, keeps working, converges, replays nothing."""

from __future__ import annotations

import asyncio
import time

from textual.widgets import Static

from tests.reliability.conftest import OUTAGE_SECONDS
from tests.reliability.steps import (
    NS,
    WE,
    deployment_path,
    get_json,
    minimal_deployment,
    restarted_at,
    server_controllers,
    synced,
    writes_to,
)
from tests.reliability.test_backoff import record_states
from tests.ui.harness import SIZE
from tests.waiting import eventually_async
from tui.screens.restart import RestartScreen


async def _outage(app, pilot, cluster, seconds: float) -> None:
    """Keep the API away for `seconds` while the operator moves around the table."""
    table = app.controllers_screen.table
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        before = table.cursor_key
        await pilot.press("j" if table.cursor < table.row_count - 1 else "g")
        assert table.cursor_key != before or table.row_count == 1  # the UI answers while the API does not
        await pilot.pause(0.25)


async def test_api_gone_for_thirty_seconds_shows_reconnecting_converges_and_replays_nothing(demo, make_app):
    app = make_app(demo)
    states = record_states(app)
    async with app.run_test(size=SIZE) as pilot:
        table = await synced(app, pilot)
        demo.faults.go_away()
        await eventually_async(
            pilot, lambda: app.status_info.state == "reconnecting", message="reconnecting", timeout=30
        )
        assert "unreachable" in (app.status_info.reason or "")
        reasons = [reason or "" for state, reason in states if state == "reconnecting"]
        assert reasons and not any("invalid literal" in r or "Connection broken" in r for r in reasons), (
            reasons
        )
        # a restart confirmed during the outage fails at once and says why
        table.move_to(WE)
        await pilot.press("r", "y")
        assert isinstance(app.screen, RestartScreen)
        result = app.screen.query_one("#restart-result", Static)
        await eventually_async(
            pilot, lambda: "Not restarted" in str(result.content), message="the failed restart"
        )
        assert "unreachable" in str(result.content)
        await pilot.press("escape")
        # the cluster changes while the dashboard cannot see it
        demo.call(demo.store.delete, "deployments", NS, "gateway")
        demo.call(demo.store.create, "deployments", minimal_deployment("born-during-outage"))
        await _outage(app, pilot, demo, OUTAGE_SECONDS)
        demo.faults.come_back()
        await eventually_async(
            pilot, lambda: app.status_info.state == "connected", message="connected again", timeout=60
        )
        expected = server_controllers(demo)
        await eventually_async(
            pilot, lambda: set(table.visible_keys()) == expected, message="the table to converge"
        )
        assert table.total_count == len(expected)
        assert set(app.rows) == expected
        # nothing the operator tried during the outage was sent later
        await pilot.pause(1.0)
        assert writes_to(demo, deployment_path(WE[2])) == 0
        assert restarted_at(get_json(demo, "-n", NS, "get", "deployment", WE[2])) is None


async def test_short_outages_in_a_row_each_end_connected(demo, make_app):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        table = await synced(app, pilot)
        for round_ in range(3):
            demo.faults.go_away()
            await eventually_async(
                pilot, lambda: app.status_info.state == "reconnecting", message="reconnecting", timeout=30
            )
            name = f"round-{round_}"
            demo.call(demo.store.create, "deployments", minimal_deployment(name))
            await asyncio.sleep(0.5)
            demo.faults.come_back()
            await eventually_async(
                pilot, lambda: app.status_info.state == "connected", message="connected", timeout=60
            )
            await eventually_async(
                pilot,
                lambda n=name: ("Deployment", NS, n) in set(table.visible_keys()),
                message=f"the deployment made in round {round_}",
            )
        assert set(table.visible_keys()) == server_controllers(demo)
