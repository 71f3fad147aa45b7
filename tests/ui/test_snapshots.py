"""A snapshot of every screen and state, on the demo cluster, at a fixed size and a still clock.

Live event times and the server's port differ per run, so the apps here hide them: events are
fed with fixed times through the same path the session uses.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tests.ui.harness import SIZE, kubernaut_controllers, palette_searched
from tests.ui.rows import every_event_outcome
from tests.waiting import eventually_async
from tui.screens.detail import DetailScreen

SERVER = "https://127.0.0.1:6443"
NS = "kubernaut-system"


@pytest.fixture
def demo_app(kubernaut, make_app):
    def make(**kw):
        kw.setdefault("live_events", False)
        kw.setdefault("server_label", SERVER)
        return make_app(kubernaut, **kw)

    return make


async def ready(pilot) -> None:
    """Synced, and every controller's pods ready: the table no longer moves."""
    app = pilot.app
    await eventually_async(
        pilot,
        lambda: (
            app.synced
            and len(app.rows) >= kubernaut_controllers()
            and all(r.ready == r.desired for r in app.rows.values())
        ),
        timeout=60,
        message="ready controllers",
    )
    await pilot.pause()


def no_blink(app) -> None:
    for box in app.screen.query(Input):
        box.cursor_blink = False


async def detail(pilot, key, match=None) -> None:
    app = pilot.app
    await ready(pilot)
    app.controllers_screen.table.move_to(key)
    await pilot.press("enter")
    await eventually_async(
        pilot,
        lambda: isinstance(app.screen, DetailScreen) and app.screen.query_one("#settings").settings,
        message="settings",
    )
    if match is not None:
        for _ in range(60):
            setting = app.screen.focused_setting
            if setting is not None and match(setting):
                break
            await pilot.press("j")
        else:
            raise AssertionError("setting not found")
    await pilot.pause()


def test_controllers(snap_compare, demo_app):
    async def run_before(pilot):
        await ready(pilot)
        pilot.app.add_events(every_event_outcome())
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)


def test_controllers_filtered(snap_compare, demo_app):
    async def run_before(pilot):
        await ready(pilot)
        await pilot.press("slash", *"controller")
        no_blink(pilot.app)

    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)


def test_controllers_light_theme_read_only(snap_compare, demo_app):
    async def run_before(pilot):
        await ready(pilot)
        pilot.app.add_events(every_event_outcome())

    assert snap_compare(
        demo_app(theme="kubeknobs-light", readonly=True), terminal_size=SIZE, run_before=run_before
    )


DETAILS = [
    ("hot_reload_key", "workflowexecution-controller", lambda s: s.key_path == "logging.level"),
    (
        "restart_only_key_in_a_watched_file",
        "workflowexecution-controller",
        lambda s: s.key_path == "execution.cooldownPeriod",
    ),
    ("flag_linked_to_its_file", "workflowexecution-controller", lambda s: s.name == "--config"),
    ("subpath_file", "signalprocessing-controller", lambda s: s.sub_path is not None),
    ("file_propagates", "log-shipper", lambda s: str(s.layer) == "file-propagates"),
    ("immutable", "datastorage", lambda s: str(s.layer) == "immutable"),
    ("env_from_configmap", "datastorage", lambda s: str(s.source) == "env" and s.configmap),
    ("helm_managed", "gateway", None),
    ("reloader", "remediationorchestrator-controller", None),
    ("legacy_flags", "workflowexecution-legacy", lambda s: s.name == "--cooldown-period"),
]


@pytest.mark.parametrize("name, key, match", DETAILS, ids=[d[0] for d in DETAILS])
def test_detail(snap_compare, demo_app, name, key, match):
    kind = {"log-shipper": "DaemonSet", "datastorage": "StatefulSet"}.get(key, "Deployment")

    async def run_before(pilot):
        await detail(pilot, (kind, NS, key), match)

    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)


def test_events_every_outcome(snap_compare, demo_app):
    async def run_before(pilot):
        await ready(pilot)
        pilot.app.add_events(every_event_outcome())
        await pilot.press("v")
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)


def test_events_paused(snap_compare, demo_app):
    async def run_before(pilot):
        await ready(pilot)
        events = every_event_outcome()
        pilot.app.add_events(events[:5])
        await pilot.press("v", "p")
        pilot.app.add_events(events[5:])
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)


def test_yaml(snap_compare, demo_app):
    async def run_before(pilot):
        await detail(pilot, ("Deployment", NS, "workflowexecution-controller"))
        await pilot.press("y")
        area = pilot.app.screen.query_one("#yaml")
        await eventually_async(pilot, lambda: "kind: Deployment" in area.text, message="the YAML")
        area.cursor_blink = False
        spec = area.text.splitlines().index("spec:")
        area.move_cursor((spec, 0))
        area.scroll_to(y=spec, animate=False)
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)


def test_help(snap_compare, demo_app, monkeypatch):
    async def run_before(pilot):
        await ready(pilot)
        # the hint names the config file: a fixed place, not the test's temporary directory
        monkeypatch.setenv("XDG_CONFIG_HOME", "/home/operator/.config")
        await pilot.press("question_mark")

    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)


def test_palette(snap_compare, demo_app):
    async def run_before(pilot):
        await ready(pilot)
        await pilot.press("ctrl+p", *"namespace")
        no_blink(pilot.app)
        await eventually_async(pilot, lambda: palette_searched(pilot.app), message="the palette's search")
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)


def test_restart_confirmation(snap_compare, demo_app):
    async def run_before(pilot):
        await detail(pilot, ("Deployment", NS, "workflowexecution-controller"))
        await pilot.press("r")

    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)


PLACEHOLDER = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: billing, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: billing}}
  template:
    metadata: {labels: {app: billing}}
    spec:
      containers:
      - name: billing
        image: registry.example/billing:2.3
        args: ["--listen=:8080"]
"""


def test_logs(snap_compare, make_cluster, make_app):
    from tests.kube import kubectl

    cluster = make_cluster(seed=1, sync_delay=1)
    out = kubectl(cluster, "apply", "--validate=false", "-f", "-", input=PLACEHOLDER)
    assert out.returncode == 0, out.stderr

    async def run_before(pilot):
        app = pilot.app
        key = ("Deployment", "default", "billing")
        await eventually_async(
            pilot,
            lambda: app.synced and key in app.rows and app.rows[key].ready == 1,
            timeout=60,
            message="the billing pod",
        )
        app.controllers_screen.table.move_to(key)
        await pilot.press("l")
        view = app.screen.query_one("#logs")
        await eventually_async(pilot, lambda: view.item_count >= 1, message="the first log line")
        pod = view.items[0].pod
        for line in (
            "GET /healthz 200 0.4ms",
            "odd bytes: \x1b[31mred\x1b[0m [bold]not markup[/bold] \x07bell",
            "POST /invoices 201 12.1ms",
        ):
            cluster.call(cluster.logs.append, "default", pod, "billing", line)
        await eventually_async(pilot, lambda: view.item_count >= 4, message="the appended lines")

    app = make_app(cluster, live_events=False, server_label=SERVER)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_offline_unreachable_api(snap_compare, make_cluster, make_app, tmp_path):
    from tests.ui.test_startup import broken_kubeconfig

    cluster = make_cluster()
    app = make_app(
        kubeconfig=broken_kubeconfig(cluster, tmp_path, server="http://127.0.0.1:1"),
        context="kubeknobs-demo",
        server_label="http://127.0.0.1:1",
    )

    async def run_before(pilot):
        await eventually_async(pilot, lambda: pilot.app.screen.query("#demo"), message="the error screen")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_forbidden(snap_compare, make_cluster, make_app):
    cluster = make_cluster()
    cluster.faults.fail_next(1, status=403)
    app = make_app(cluster, server_label=SERVER)

    async def run_before(pilot):
        await eventually_async(pilot, lambda: pilot.app.screen.query("#demo"), message="the error screen")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_reconnecting(snap_compare, fresh_kubernaut, make_app):
    """The API goes away: the status bar says reconnecting and why, the table keeps what it knew."""
    app = make_app(fresh_kubernaut, live_events=False, server_label=SERVER)

    def every_watch_refused() -> bool:
        # the first failures read "cut in the middle of an answer"; the retries settle on the refusal
        states = [informer.state for informer in app.session.informers()]
        return app.status_info.state == "reconnecting" and all(
            s.status == "reconnecting" and "connection refused" in (s.reason or "") for s in states
        )

    async def run_before(pilot):
        await ready(pilot)
        fresh_kubernaut.faults.go_away()
        await eventually_async(pilot, every_watch_refused, timeout=60, message="every watch refused")
        await pilot.pause()

    try:
        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
    finally:
        if fresh_kubernaut.faults.offline:
            fresh_kubernaut.faults.come_back()


SMALL = (80, 24)


def test_controllers_80x24(snap_compare, demo_app):
    async def run_before(pilot):
        await ready(pilot)
        pilot.app.add_events(every_event_outcome())
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=SMALL, run_before=run_before)


def test_detail_80x24(snap_compare, demo_app):
    async def run_before(pilot):
        await detail(
            pilot, ("StatefulSet", NS, "datastorage"), lambda s: s.key_path == "database.maxConnections"
        )

    assert snap_compare(demo_app(), terminal_size=SMALL, run_before=run_before)
