"""The operator's walk through the dashboard on the demo cluster: list, filter, detail, logs, YAML, help."""

from __future__ import annotations

import json

from tests.kube import kubectl
from tests.ui.harness import SIZE, kubernaut_controllers
from tests.waiting import eventually_async
from tui.screens.controllers import ControllersScreen
from tui.screens.detail import DetailScreen
from tui.screens.events import EventsScreen
from tui.screens.help import HelpScreen, all_bindings
from tui.screens.logs import LogsScreen
from tui.screens.yaml_view import YamlScreen

WE = ("Deployment", "kubernaut-system", "workflowexecution-controller")


async def synced(app, pilot):
    await eventually_async(
        pilot,
        lambda: app.synced and app.controllers_screen.table.total_count >= kubernaut_controllers(),
        timeout=60,
        message="the controllers of the demo",
    )
    return app.controllers_screen.table


async def open_detail(app, pilot, key=WE):
    table = await synced(app, pilot)
    table.move_to(key)
    await pilot.press("enter")
    await eventually_async(
        pilot,
        lambda: isinstance(app.screen, DetailScreen) and app.screen.query_one("#settings").settings,
        message="the settings of the controller",
    )
    return app.screen


async def test_controllers_table_lists_every_controller_with_its_layers(kubernaut, make_app):
    app = make_app(kubernaut)
    async with app.run_test(size=SIZE) as pilot:
        table = await synced(app, pilot)
        listed = {k for k in table.visible_keys()}
        expected = set()
        for kind in ("deployments", "statefulsets", "daemonsets"):
            out = kubectl(kubernaut, "get", kind, "-A", "-o", "json")
            assert out.returncode == 0, out.stderr
            for item in json.loads(out.stdout)["items"]:
                expected.add((item["kind"], item["metadata"]["namespace"], item["metadata"]["name"]))
        assert listed == expected
        row = table.row(WE)
        assert "hot" in row.summary and "restart" in row.summary
        assert row.configmaps == ("workflowexecution-config",)
        assert app.status_info.state == "connected" and app.status_info.context == "kubeknobs-demo"


async def test_filter_narrows_the_table_and_escape_clears_it(kubernaut, make_app):
    app = make_app(kubernaut)
    async with app.run_test(size=SIZE) as pilot:
        table = await synced(app, pilot)
        await pilot.press("slash", *"signalproc")
        assert [k[2] for k in table.visible_keys()] == ["signalprocessing-controller"]
        await pilot.press("enter")
        assert app.focused is table
        await pilot.press("escape")
        assert table.row_count == table.total_count


async def test_a_filter_typed_in_one_burst_lands_in_the_filter_and_triggers_nothing(kubernaut, make_app):
    from textual import events

    app = make_app(kubernaut)
    async with app.run_test(size=SIZE) as pilot:
        table = await synced(app, pilot)
        for key, char in [("slash", "/"), *((c, c) for c in "gate")]:  # a paste: every key queued at once
            event = events.Key(key, char)
            event.set_sender(app)
            app._driver.send_message(event)
        await eventually_async(
            pilot, lambda: app.screen.query_one("#filter").value == "gate", message="the filter typed"
        )
        assert [k[2] for k in table.visible_keys()] == ["gateway"]
        assert isinstance(app.screen, ControllersScreen)  # the "e" of "gate" started no change


async def test_sort_cycles_columns(kubernaut, make_app):
    app = make_app(kubernaut)
    async with app.run_test(size=SIZE) as pilot:
        table = await synced(app, pilot)
        await pilot.press("s", "s")
        assert table.sort_column == "name"
        names = [k[2] for k in table.visible_keys()]
        assert names == sorted(names)


async def test_detail_shows_each_setting_with_its_layer_evidence_and_plan(kubernaut, make_app):
    app = make_app(kubernaut)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(app, pilot)
        settings = screen.query_one("#settings").settings
        layers = {(str(s.source), s.key_path or s.name): str(s.layer) for s in settings}
        assert layers[("file-key", "logging.level")] == "hot-reload"
        assert layers[("file-key", "execution.cooldownPeriod")] == "restart"
        assert layers[("flag", "--config")] == "restart"
        flag = next(s for s in settings if s.name == "--config")
        assert flag.linked_file  # the flag points at the mounted file
        while screen.focused_setting is None or screen.focused_setting.key_path != "logging.level":
            await pilot.press("j")
        panel = screen.query_one("#setting-panel")
        text = str(panel.content)
        assert "Why this layer" in text and "How to change it" in text
        assert "logging.level" in text
        await pilot.press("escape")
        assert isinstance(app.screen, ControllersScreen)


async def test_detail_warns_about_helm_and_reloader(kubernaut, make_app):
    app = make_app(kubernaut)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(app, pilot, ("Deployment", "kubernaut-system", "gateway"))
        warnings = str(screen.query_one("#detail-warnings").content)
        assert "Helm" in warnings
        await pilot.press("escape")
        screen = await open_detail(
            app, pilot, ("Deployment", "kubernaut-system", "remediationorchestrator-controller")
        )
        assert "Reloader" in str(screen.query_one("#detail-warnings").content)


async def test_logs_follow_every_pod_with_a_pod_prefix(kubernaut, make_app):
    app = make_app(kubernaut)
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(app, pilot)
        await pilot.press("l")
        assert isinstance(app.screen, LogsScreen)
        view = app.screen.query_one("#logs")
        await eventually_async(
            pilot,
            lambda: len({line.split()[0] for line in view.lines()}) == 2,
            message="lines from both pods",
        )
        pods = {line.split()[0] for line in view.lines()}
        assert all(p.startswith("workflowexecution-controller-") for p in pods)
        pod = sorted(pods)[0]
        kubernaut.call(
            kubernaut.logs.append,
            "kubernaut-system",
            pod,
            "workflowexecution-controller",
            "marker \x1b[31m[bold]not markup[/bold]",
        )
        await eventually_async(
            pilot, lambda: any("marker" in line for line in view.lines()), message="the appended line"
        )
        line = next(line for line in view.lines() if "marker" in line)
        assert line.startswith(f"{pod} marker ") and line.endswith("[bold]not markup[/bold]")
        assert "\x1b" not in line
        await pilot.press("escape")
        assert isinstance(app.screen, DetailScreen)


async def test_yaml_of_the_controller(kubernaut, make_app):
    app = make_app(kubernaut)
    async with app.run_test(size=SIZE) as pilot:
        await synced(app, pilot)
        app.controllers_screen.table.move_to(WE)
        await pilot.press("y")
        assert isinstance(app.screen, YamlScreen)
        area = app.screen.query_one("#yaml")
        await eventually_async(pilot, lambda: "kind: Deployment" in area.text, message="the YAML")
        assert "--config=/etc/config/workflowexecution.yaml" in area.text
        assert area.read_only


async def test_events_screen_shows_cluster_events_and_pauses(kubernaut, make_app):
    app = make_app(kubernaut)
    async with app.run_test(size=SIZE) as pilot:
        await synced(app, pilot)
        await pilot.press("v")
        assert isinstance(app.screen, EventsScreen)
        log = app.screen.query_one("#events-all")
        await eventually_async(pilot, lambda: log.item_count > 0, message="Kubernetes events")
        await pilot.press("p")
        assert log.paused
        seen = log.item_count
        kubectl(kubernaut, "-n", "kubernaut-system", "annotate", "configmap", "gateway-config", "x=1")
        out = kubectl(
            kubernaut,
            "-n",
            "kubernaut-system",
            "patch",
            "configmap",
            "workflowexecution-config",
            "--type=merge",
            "-p",
            '{"data":{"extra.yaml":"a: 1"}}',
        )
        assert out.returncode == 0, out.stderr
        await eventually_async(pilot, lambda: "waiting" in str(log.border_subtitle), message="held events")
        assert log.item_count == seen
        await pilot.press("p")
        assert any("ConfigMap workflowexecution-config changed: extra.yaml" in line for line in log.lines())


async def test_help_lists_every_key_with_its_id(kubernaut, make_app):
    app = make_app(kubernaut)
    async with app.run_test(size=SIZE) as pilot:
        await synced(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-table")
        ids = {table.get_row_at(i)[3] for i in range(table.row_count)}
        assert {b.id for _, b in all_bindings(app)} <= ids
        assert {
            "controllers.filter",
            "controllers.logs",
            "controllers.yaml",
            "controllers.change",
            "controllers.restart",
            "app.help",
            "app.quit",
            "detail.back",
        } <= ids
        await pilot.press("escape")
        assert isinstance(app.screen, ControllersScreen)


async def test_help_lists_the_keys_of_the_change_wizard(kubernaut, make_app):
    from tui.screens.wizard.screen import WizardScreen

    app = make_app(kubernaut)
    async with app.run_test(size=SIZE) as pilot:
        await synced(app, pilot)
        await pilot.press("question_mark")
        table = app.screen.query_one("#help-table")
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        wizard = {row[3]: row for row in rows if row[0] == "Change wizard"}
        assert set(wizard) == {b.id for b in WizardScreen.BINDINGS}
        assert wizard["wizard.rebase"][1] == "^r" and wizard["wizard.revert"][1] == "u"
        assert {"confirm.yes", "confirm.cancel", "history.back"} <= {row[3] for row in rows}


async def test_help_scrolls_with_j_k_g_and_G_in_a_small_terminal(kubernaut, make_app):
    app = make_app(kubernaut)
    async with app.run_test(size=(80, 24)) as pilot:
        await synced(app, pilot)
        await pilot.press("question_mark")
        table = app.screen.query_one("#help-table")
        hint = app.screen.query_one("#help .hint")
        assert hint.region.bottom <= 24 and hint.region.height > 0  # the remap hint is on the screen
        assert table.max_scroll_y > 0
        await pilot.press("j", "j", "k")
        assert table.cursor_row == 1
        await pilot.press("G")
        assert table.cursor_row == table.row_count - 1 and table.scroll_y == table.max_scroll_y
        await pilot.press("g")
        assert table.cursor_row == 0 and table.scroll_y == 0


async def test_keys_are_remapped_from_the_config_file(kubernaut, make_app):
    from tui.config import Config

    app = make_app(kubernaut, config=Config(keymap={"controllers.logs": "ctrl+l", "app.help": "f1"}))
    async with app.run_test(size=SIZE) as pilot:
        await synced(app, pilot)
        app.controllers_screen.table.move_to(WE)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-table")
        keys = {table.get_row_at(i)[3]: table.get_row_at(i)[1] for i in range(table.row_count)}
        assert keys["controllers.logs"] == "^l" and keys["app.help"] == "f1"
        await pilot.press("escape", "ctrl+l")
        assert isinstance(app.screen, LogsScreen)


async def test_rows_update_in_place_as_the_cluster_changes(fresh_kubernaut, make_app):
    app = make_app(fresh_kubernaut)
    async with app.run_test(size=SIZE) as pilot:
        table = await synced(app, pilot)
        gateway = ("Deployment", "kubernaut-system", "gateway")
        table.move_to(gateway)
        out = kubectl(
            fresh_kubernaut, "-n", "kubernaut-system", "scale", "deployment", "gateway", "--replicas=1"
        )
        assert out.returncode == 0, out.stderr
        await eventually_async(
            pilot,
            lambda: table.row(gateway).desired == 1 and table.row(gateway).ready == 1,
            timeout=60,
            message="the scaled gateway",
        )
        assert table.cursor_key == gateway
        out = kubectl(
            fresh_kubernaut, "-n", "kubernaut-system", "delete", "deployment", "workflowexecution-legacy"
        )
        assert out.returncode == 0, out.stderr
        await eventually_async(
            pilot,
            lambda: (
                ("Deployment", "kubernaut-system", "workflowexecution-legacy") not in table.visible_keys()
            ),
            message="the deleted controller gone",
        )
        assert table.cursor_key == gateway
