"""429 with Retry-After, 500s and a slow API: back-off honoured, no flood, the dashboard keeps answering."""

from __future__ import annotations

from collections import defaultdict

from textual.command import CommandPalette

from tests.reliability.steps import NS, minimal_deployment, server_controllers, synced
from tests.ui.harness import SIZE
from tests.waiting import eventually_async
from tui.cluster.resources import BY_KIND
from tui.screens.pickers import NamespacePicker
from tui.screens.yaml_view import YamlScreen

HOLD = 8.0  # seconds the API holds each request in the freeze probe


def record_states(app) -> list[tuple[str, str | None]]:
    """Every (state, reason) the status bar was given, in order."""
    seen: list[tuple[str, str | None]] = []
    original = app.set_status

    def set_status(**changes):
        original(**changes)
        if "state" in changes:
            seen.append((app.status_info.state, app.status_info.reason))

    app.set_status = set_status
    return seen


def requests_after(cluster, since: float) -> dict[str, list[tuple[float, int | None]]]:
    """Per path: (arrival time, injected status) of every request that arrived after `since`."""
    by_path: dict[str, list] = defaultdict(list)
    for when, _method, path, _kind, status in list(cluster.faults.log):
        if when >= since:
            by_path[path].append((when, status))
    return by_path


async def test_429_with_retry_after_is_waited_out_on_every_watch(demo, make_app):
    app = make_app(demo)
    states = record_states(app)
    async with app.run_test(size=SIZE) as pilot:
        table = await synced(app, pilot)
        since = demo.faults.log[-1][0]
        demo.faults.fail_next(6, status=429, retry_after=2)
        demo.faults.drop_watches()
        await eventually_async(
            pilot, lambda: demo.faults.fail_remaining == 0, message="the 429s to be used up"
        )
        await eventually_async(
            pilot, lambda: app.status_info.state == "connected", message="connected again", timeout=60
        )
        by_path = requests_after(demo, since)
        throttled = [(path, when) for path, seen in by_path.items() for when, status in seen if status == 429]
        assert len(throttled) == 6
        for path, when in throttled:
            later = [t for t, _ in by_path[path] if t > when]
            await eventually_async(
                pilot,
                lambda p=path, w=when: any(t > w for t, _ in requests_after(demo, w)[p]),
                message=f"the retry of {path}",
                timeout=30,
            )
            later = [t for t, _ in requests_after(demo, when)[path] if t > when]
            assert min(later) - when >= 1.9, (
                f"{path} retried {min(later) - when:.2f}s after a Retry-After of 2"
            )
        assert any(state == "reconnecting" and "slow down" in (reason or "") for state, reason in states)
        assert set(table.visible_keys()) == server_controllers(demo)


async def test_a_run_of_500s_is_retried_with_back_off_and_converges(demo, make_app):
    app = make_app(demo)
    states = record_states(app)
    async with app.run_test(size=SIZE) as pilot:
        table = await synced(app, pilot)
        since = demo.faults.log[-1][0]
        demo.faults.fail_next(30, status=500)
        demo.faults.drop_watches()
        await eventually_async(
            pilot, lambda: demo.faults.fail_remaining == 0, message="the 500s to be used up", timeout=60
        )
        await eventually_async(
            pilot, lambda: app.status_info.state == "connected", message="connected again", timeout=60
        )
        assert any(state == "reconnecting" and "500" in (reason or "") for state, reason in states)
        by_path = requests_after(demo, since)
        failed = {path: [t for t, s in seen if s == 500] for path, seen in by_path.items()}
        # back-off spreads the failures over the watches instead of one watch burning them all in a loop
        # (how many each one gets depends on the jitter and on the machine's load, so no count is asserted)
        assert len([path for path, times in failed.items() if times]) >= 2, {
            p: len(t) for p, t in failed.items()
        }
        assert set(table.visible_keys()) == server_controllers(demo)


async def test_a_slow_api_never_freezes_the_dashboard(demo, make_app):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        table = await synced(app, pilot)
        try:
            demo.faults.set_latency(2.0)  # every answer two seconds late: the dashboard still converges
            demo.faults.drop_watches()
            demo.call(demo.store.create, "deployments", minimal_deployment("made-while-slow"))
            await eventually_async(
                pilot,
                lambda: ("Deployment", NS, "made-while-slow") in set(table.visible_keys()),
                message="the new controller",
                timeout=60,
            )
            # held far longer than a key press needs: a press that waited for the API finds nothing held
            demo.faults.set_latency(HOLD)
            table.move_to(table.visible_keys()[0])
            await pilot.press("n")  # the namespace picker asks the API for namespaces
            await eventually_async(
                pilot,
                lambda: demo.faults.held["/api/v1/namespaces"] > 0,
                message="the namespace list",
                timeout=HOLD / 2,
            )
            before = table.cursor_key
            await pilot.press("j")
            assert table.cursor_key != before
            assert demo.faults.held["/api/v1/namespaces"] > 0, "the cursor waited for the API"
            await eventually_async(
                pilot, lambda: isinstance(app.screen, NamespacePicker), message="the picker", timeout=HOLD * 2
            )
            await pilot.press("escape")
            await pilot.press("ctrl+p", *"namespace")  # the palette lists namespaces without asking the API
            assert isinstance(app.screen, CommandPalette)
            assert sum(demo.faults.held.values()) == 0 or demo.faults.held["/api/v1/namespaces"] == 0
            await pilot.press("escape")
            key = table.cursor_key
            await pilot.press("y")  # the YAML view reads the controller from the API
            assert isinstance(app.screen, YamlScreen)
            path = BY_KIND[key[0]].item(key[1], key[2])
            await eventually_async(
                pilot, lambda: demo.faults.held[path] > 0, message="the YAML read", timeout=HOLD / 2
            )
            await pilot.press("escape")
            assert app.screen is app.controllers_screen
        finally:
            demo.faults.set_latency(0)
