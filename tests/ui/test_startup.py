"""Start-up: what the operator sees when the cluster cannot be reached, and the demo as a way out."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.ui.harness import SIZE
from tests.waiting import eventually_async
from tui.screens.controllers import ControllersScreen
from tui.screens.startup_error import StartupErrorScreen


def broken_kubeconfig(cluster, tmp_path, *, token: str | None = None, server: str | None = None) -> str:
    config = yaml.safe_load(Path(cluster.kubeconfig).read_text())
    if token is not None:
        config["users"][0]["user"]["token"] = token
    if server is not None:
        config["clusters"][0]["cluster"]["server"] = server
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(config))
    return str(path)


def screen_text(screen) -> str:
    return "\n".join(str(w.content) for w in screen.query("Static"))


async def error_screen(app, pilot) -> StartupErrorScreen:
    await eventually_async(
        pilot,
        lambda: isinstance(app.screen, StartupErrorScreen) and app.screen.query("#demo"),
        message="the start-up error screen",
    )
    return app.screen


async def test_missing_kubeconfig_says_so_and_offers_the_demo(tmp_path, make_app):
    app = make_app(kubeconfig=str(tmp_path / "nowhere"), scenario="empty")
    async with app.run_test(size=SIZE) as pilot:
        screen = await error_screen(app, pilot)
        assert screen.error.kind == "no-kubeconfig"
        text = screen_text(screen)
        assert "does not exist" in text and "How to fix it" in text
        assert app.status_info.state == "failed"
        await pilot.press("d")
        await eventually_async(pilot, lambda: app.synced, timeout=60, message="the demo cluster")
        assert isinstance(app.screen, ControllersScreen)
        assert app.status_info.context == "kubeknobs-demo" and app.status_info.state == "connected"
        cluster = app.demo_cluster
        assert cluster is not None
    assert app.demo_cluster is None and not cluster.thread.is_alive()


async def test_unreachable_api_server(make_cluster, tmp_path, make_app):
    cluster = make_cluster()
    path = broken_kubeconfig(cluster, tmp_path, server="http://127.0.0.1:1")
    app = make_app(kubeconfig=path, context="kubeknobs-demo")
    async with app.run_test(size=SIZE) as pilot:
        screen = await error_screen(app, pilot)
        assert screen.error.kind == "unreachable"
        assert "Cannot reach the API server at http://127.0.0.1:1" in screen_text(screen)
        await pilot.press("R")
        screen = await error_screen(app, pilot)
        assert screen.error.kind == "unreachable"


async def test_rejected_credentials(make_cluster, tmp_path, make_app):
    cluster = make_cluster()
    app = make_app(kubeconfig=broken_kubeconfig(cluster, tmp_path, token="expired"), context="kubeknobs-demo")
    async with app.run_test(size=SIZE) as pilot:
        screen = await error_screen(app, pilot)
        assert screen.error.kind == "unauthorized"
        assert "log in again" in screen_text(screen)


async def test_forbidden(make_cluster, make_app):
    cluster = make_cluster()
    cluster.faults.fail_next(1, status=403)
    app = make_app(cluster)
    async with app.run_test(size=SIZE) as pilot:
        screen = await error_screen(app, pilot)
        assert screen.error.kind == "forbidden"
        assert "Ask for a Role" in screen_text(screen)


async def test_demo_flag_shows_the_kubernaut_controllers_and_stops_the_cluster_on_exit(make_app):
    app = make_app(demo=True, scenario="kubernaut")
    async with app.run_test(size=SIZE) as pilot:
        await eventually_async(
            pilot, lambda: app.synced and len(app.rows) >= 11, timeout=60, message="the demo controllers"
        )
        table = app.controllers_screen.table
        row = table.row(("Deployment", "kubernaut-system", "workflowexecution-controller"))
        assert "hot" in row.summary
        cluster = app.demo_cluster
        await pilot.press("ctrl+q")
    assert not cluster.thread.is_alive()


async def test_connection_state_follows_the_cluster(make_cluster, make_app):
    cluster = make_cluster(scenario="kubernaut", seed=1, sync_delay=1)
    app = make_app(cluster)
    async with app.run_test(size=SIZE) as pilot:
        await eventually_async(pilot, lambda: app.synced, message="the first sync")
        cluster.faults.fail_next(6, status=503)
        cluster.faults.drop_watches()
        await eventually_async(pilot, lambda: app.status_info.state == "reconnecting", message="reconnecting")
        assert app.status_info.reason
        await eventually_async(
            pilot, lambda: app.status_info.state == "connected", timeout=60, message="connected again"
        )


async def test_a_profile_file_that_cannot_be_used_is_named_once(kubernaut, tmp_path, make_app):
    profiles = tmp_path / "config" / "kubeknobs" / "profiles"
    profiles.mkdir(parents=True)
    (profiles / "broken.yaml").write_text("name: [unclosed\n")
    app = make_app(kubernaut)
    async with app.run_test(size=SIZE) as pilot:
        await eventually_async(pilot, lambda: app.synced, timeout=60, message="the first lists")
        app.reconnect(namespaces=["kubernaut-system"])  # a new session reads the same profiles
        await eventually_async(pilot, lambda: app.synced, timeout=60, message="the session of one namespace")
        shown = [n for n in app._notifications if n.title == "Profile file problem"]
        assert len(shown) == 1
        assert str(profiles / "broken.yaml") in str(shown[0].message)
