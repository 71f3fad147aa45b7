"""The events pane and the logs view: no event twice, lines in time order, the follow that says so."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import timedelta

from tests.ui.harness import SIZE
from tests.ui.rows import NOW, WE
from tests.ui.test_dashboard import open_detail
from tests.ui.test_widgets import Bench
from tests.waiting import eventually_async
from tui.model.events import KubeEvent, RolloutProgress
from tui.screens.logs import LogsScreen
from tui.widgets.event_log import EventLog

SYSTEM = "kubernaut-system"


def shown_twice(log: EventLog) -> list[str]:
    seen = Counter((type(e).__name__, e.time, e.summary) for e in log.items)
    return [summary for (_kind, _time, summary), n in seen.items() if n > 1]


async def test_no_event_is_shown_twice_after_a_namespace_switch(kubernaut, make_app):
    app = make_app(kubernaut, namespaces=[SYSTEM])
    async with app.run_test(size=SIZE) as pilot:
        await eventually_async(pilot, lambda: app.synced, timeout=60, message="the first lists")
        log = app.screen.query_one("#recent-events", EventLog)
        await eventually_async(pilot, lambda: log.item_count > 0, message="the Events of the namespace")
        before = log.item_count
        app.reconnect(namespaces=[SYSTEM, "kube-system"])  # the new session lists the same Events again
        await eventually_async(pilot, lambda: app.synced, timeout=60, message="the lists after the switch")
        await eventually_async(
            pilot, lambda: log.item_count > before, message="the Events of the added namespace"
        )
        assert not shown_twice(log)
        history = Counter((type(e).__name__, e.time, e.summary) for e in app.event_history)
        assert max(history.values()) == 1


async def test_a_rollout_line_stands_in_time_order_among_events_that_arrive_late():
    log = EventLog()
    async with Bench(log).run_test(size=(140, 40)) as pilot:
        rolled = RolloutProgress(
            namespace="ns", workload=WE, updated=1, ready=1, available=1, desired=1, done=True, time=NOW
        )
        log.add_events([rolled])
        # the Kubernetes Event of the scale-up happened first, but its watch delivered it later
        scaled = KubeEvent(
            namespace="ns",
            workload=WE,
            type="Normal",
            reason="ScalingReplicaSet",
            message="Scaled up",
            involved="Deployment/x",
            time=NOW - timedelta(seconds=2),
        )
        later = replace_time(scaled, NOW + timedelta(seconds=1), "Scaled down")
        log.add_events([scaled, later])
        await pilot.pause()
        assert [e.time for e in log.items] == sorted(e.time for e in log.items)
        assert [type(e).__name__ for e in log.items] == ["KubeEvent", "RolloutProgress", "KubeEvent"]
        assert "ScalingReplicaSet" in log.lines()[0] and "successfully rolled out" in log.lines()[1]


def replace_time(event, time, message):
    return replace(event, time=time, message=message)


async def test_the_logs_open_at_the_newest_line_with_the_pods_merged_by_time(fresh_kubernaut, make_app):
    namespace = SYSTEM
    app = make_app(fresh_kubernaut)
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(app, pilot)
        pods = [p["metadata"]["name"] for p in app.session.pods_of(WE)]
        assert len(pods) == 2
        for n in range(60):  # more than a screen of backlog, the two pods taking turns
            pod = pods[n % 2]
            fresh_kubernaut.call(
                fresh_kubernaut.logs.append, namespace, pod, "workflowexecution-controller", f"turn {n}"
            )
        await pilot.press("l")
        assert isinstance(app.screen, LogsScreen)
        view = app.screen.query_one("#logs")
        await eventually_async(
            pilot,
            lambda: sum("turn " in line for line in view.lines()) == 60,
            message="the backlog of both pods",
        )
        await pilot.pause()
        turns = [int(line.rsplit(" ", 1)[1]) for line in view.lines() if " turn " in line]
        assert turns == sorted(turns), "the backlogs are merged by time, not pod after pod"
        assert "following" in str(view.border_subtitle)
        assert view.max_scroll_y > 0 and view.scroll_y == view.max_scroll_y


async def test_f_stops_and_resumes_following_and_the_label_says_which(kubernaut, make_app):
    app = make_app(kubernaut)
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(app, pilot)
        await pilot.press("l")
        view = app.screen.query_one("#logs")
        assert view.follow and str(view.border_subtitle).startswith("following")
        await pilot.press("f")
        assert not view.follow
        assert "not following" in str(view.border_subtitle)
        await pilot.press("f")
        assert view.follow and str(view.border_subtitle).startswith("following")
