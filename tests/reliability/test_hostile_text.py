"""Cluster text that looks like markup, escape sequences or control characters is drawn as plain characters.

One test per widget that shows cluster text; each also checks the screenshot (SVG) of the screen.
"""

from __future__ import annotations

import pytest
from textual.widgets import Static, TextArea

from tests.reliability.hostile import CLICK, HOSTILE, MARKUP, NS, assert_literal, plant, screen_text
from tests.reliability.steps import synced
from tests.ui.harness import CONTEXT, SIZE, fixed_clock, start_demo_cluster
from tests.waiting import eventually_async
from tui.cluster.port import WorkloadRow
from tui.screens.detail import DetailScreen
from tui.screens.events import EventsScreen
from tui.screens.logs import LogsScreen
from tui.screens.yaml_view import YamlScreen

HOSTILE_KEY = ("Deployment", NS, "hostile")


@pytest.fixture(scope="module")
def hostile_demo():
    cluster = start_demo_cluster("kubernaut", time_scale=0.1)
    plant(cluster)
    yield cluster
    cluster.stop()


@pytest.fixture
def app_on(tmp_path, monkeypatch):
    monkeypatch.setenv("KUBEKNOBS_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    from tui.app import KubeknobsApp

    def make(cluster=None, **kw):
        if cluster is not None:
            kw.update(kubeconfig=cluster.kubeconfig, context=CONTEXT, clock=fixed_clock(cluster))
        return KubeknobsApp(watch_themes=False, themes_dir=tmp_path / "themes", **kw)

    return make


def app_alive(app) -> bool:
    return app.is_running and app.return_code is None


async def open_hostile_detail(app, pilot):
    table = await synced(app, pilot, at_least=12)
    table.move_to(HOSTILE_KEY)
    await pilot.press("enter")
    await eventually_async(
        pilot,
        lambda: isinstance(app.screen, DetailScreen) and app.screen.query_one("#settings").settings,
        message="the settings of the hostile controller",
    )
    return app.screen


async def test_controllers_table_draws_hostile_names_as_text(app_on):
    """Names a real API server refuses, as a non-conforming one could still send them."""
    app = app_on(connect=False)
    async with app.run_test(size=SIZE) as pilot:
        row = WorkloadRow(
            key=("Deployment", MARKUP, CLICK),
            kind="Deployment",
            namespace=MARKUP,
            name=CLICK,
            ready=1,
            desired=1,
            created=None,
            configmaps=(f"cm{MARKUP}",),
            summary=HOSTILE,
            images=(HOSTILE,),
        )
        app.apply_workloads([row], [])
        await pilot.pause()
        table = app.controllers_screen.table
        assert table.total_count == 1
        assert_literal(screen_text(app), MARKUP, CLICK)
        await pilot.click("#workloads", offset=(40, 2))  # on the name: a link would quit the app
        assert app_alive(app)


async def test_detail_settings_and_evidence_show_flags_env_and_configmap_values_as_text(hostile_demo, app_on):
    app = app_on(hostile_demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_hostile_detail(app, pilot)
        text = screen_text(app)
        assert_literal(text, MARKUP, "[@click=app.quit]q[/]", "[b]Odd[/b]")
        for _ in range(8):  # every setting in the evidence panel in turn
            await pilot.press("j")
            assert_literal(screen_text(app))
        assert screen.focused_setting is not None
        await pilot.click("#settings", offset=(36, 3))
        assert app_alive(app)


async def test_event_stream_shows_event_reason_and_message_as_text(hostile_demo, app_on):
    app = app_on(hostile_demo)
    async with app.run_test(size=SIZE) as pilot:
        await synced(app, pilot, at_least=12)
        await pilot.press("v")
        assert isinstance(app.screen, EventsScreen)
        log = app.screen.query_one("#events-all")
        await eventually_async(
            pilot, lambda: any("Odd" in line for line in log.lines()), message="the hostile event"
        )
        line = next(line for line in log.lines() if "Odd" in line)
        assert_literal(line, "[b]Odd[/b]", MARKUP, CLICK, "red", "bellbacknuldelcsi")
        assert_literal(screen_text(app))  # the event may have scrolled by; nothing on screen is a control


async def test_pod_logs_show_markup_and_escapes_as_text(hostile_demo, app_on):
    app = app_on(hostile_demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_hostile_detail(app, pilot)
        pods = [p["metadata"]["name"] for p in app.session.pods_of(HOSTILE_KEY)]
        assert pods
        await pilot.press("l")
        assert isinstance(app.screen, LogsScreen)
        hostile_demo.call(hostile_demo.logs.append, NS, pods[0], "app", f"marker {HOSTILE}")
        view = app.screen.query_one("#logs")
        await eventually_async(
            pilot, lambda: any("marker" in line for line in view.lines()), message="the hostile line"
        )
        line = next(line for line in view.lines() if "marker" in line)
        assert_literal(line, MARKUP, CLICK)
        assert_literal(screen_text(app), MARKUP, CLICK)
        hostile_demo.call(hostile_demo.logs.append, NS, pods[0], "app", "long " + "x" * 200_000 + " end")
        await eventually_async(
            pilot, lambda: any(line.endswith(" end") for line in view.lines()), message="the long line"
        )
        assert_literal(screen_text(app))
        assert app_alive(app)


def test_log_bytes_that_are_not_utf8_become_replacement_characters():
    from tui.cluster.logs import clean_line

    text = clean_line(b"caf\xe9 \xff\xfe \x1b]52;c;SGVsbG8=\x07\x1b[31mred\r")
    assert text.startswith("caf\ufffd \ufffd\ufffd ") and text.endswith("red")
    assert_literal(text)


async def test_yaml_view_shows_annotations_without_escapes(hostile_demo, app_on):
    app = app_on(hostile_demo)
    async with app.run_test(size=SIZE) as pilot:
        table = await synced(app, pilot, at_least=12)
        table.move_to(HOSTILE_KEY)
        await pilot.press("y")
        assert isinstance(app.screen, YamlScreen)
        area = app.screen.query_one(TextArea)
        await eventually_async(pilot, lambda: "kind: Deployment" in area.text, message="the YAML")
        assert_literal(area.text, MARKUP, CLICK)
        assert_literal(screen_text(app))


async def test_status_bar_shows_a_hostile_reason_and_context_as_text(app_on):
    app = app_on(connect=False)
    async with app.run_test(size=SIZE) as pilot:
        app.set_status(
            state="reconnecting", reason=f"The API server failed: {HOSTILE}", context=MARKUP, server=CLICK
        )
        await pilot.pause()
        assert_literal(screen_text(app), MARKUP, CLICK)


async def test_pickers_show_hostile_namespace_and_context_names_as_text(app_on):
    from tui.screens.pickers import ContextPicker, NamespacePicker

    app = app_on(connect=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(NamespacePicker([MARKUP, CLICK, f"esc{HOSTILE[-30:]}"], None))
        await pilot.pause()
        assert_literal(screen_text(app), MARKUP, CLICK)
        await pilot.press("escape")
        await app.push_screen(ContextPicker([MARKUP, CLICK], None))
        await pilot.pause()
        assert_literal(screen_text(app), MARKUP, CLICK)
        await pilot.press("escape")
        assert app_alive(app)


async def test_change_history_shows_hostile_values_as_text(app_on, tmp_path):
    from textual.widgets import DataTable

    from tui.history import ChangeHistory, ChangeRecord
    from tui.screens.wizard.history_screen import ChangeHistoryScreen

    app = app_on(connect=False)
    ChangeHistory().append(
        ChangeRecord(
            started="2026-11-27T10:00:00Z",
            context=MARKUP,
            user=CLICK,
            namespace=NS,
            workload="Deployment/hostile",
            container="app",
            setting="--title",
            source="flag",
            layer="restart",
            old_value=MARKUP,
            new_value=HOSTILE,
            outcome="in-force",
            undo=f"kubectl rollout undo {CLICK}",
        )
    )
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ChangeHistoryScreen())
        await eventually_async(
            pilot, lambda: app.screen.query_one(DataTable).row_count == 1, message="the record"
        )
        assert_literal(screen_text(app), MARKUP, CLICK)
        assert_literal(str(app.screen.query_one("#history-undo", Static).content), CLICK)


async def test_startup_error_shows_the_plugin_output_as_text(app_on, localcluster, tmp_path):
    from tests.reliability.test_bad_kubeconfig import with_exec_user
    from tui.screens.startup_error import StartupErrorScreen

    path = with_exec_user(
        localcluster,
        tmp_path,
        f"printf '%s' '{MARKUP} {CLICK}' >&2\nprintf '\\033[2J\\033]52;c;SGVsbG8=\\007' >&2\nexit 1\n",
    )
    app = app_on(kubeconfig=path, context=CONTEXT)
    async with app.run_test(size=SIZE) as pilot:
        await eventually_async(
            pilot, lambda: isinstance(app.screen, StartupErrorScreen), message="the error screen"
        )
        await eventually_async(
            pilot, lambda: MARKUP in screen_text(app), message="the plugin's words on screen"
        )
        assert_literal(screen_text(app), MARKUP, CLICK)
        assert app_alive(app)


def test_diff_and_pod_checklist_carry_no_markup_or_escapes():
    from tui.change.follow import PodCheck
    from tui.widgets.checklist import checklist_text
    from tui.widgets.diff import diff_text

    class Themed:  # the two functions only read theme colours from the app
        from textual.app import App

        app = App()

    diff = diff_text(Themed.app, f"a: {MARKUP}\n", f"a: {HOSTILE}\n", old_label=CLICK, new_label=MARKUP)
    assert_literal(diff.plain, MARKUP, CLICK)
    assert not any("@click" in str(span.style) for span in diff.spans)
    checks = [PodCheck(pod=CLICK, message=HOSTILE, hash=MARKUP)]
    listed = checklist_text(Themed.app, checks)
    assert_literal(listed.plain, CLICK)
    assert not any("@click" in str(span.style) for span in listed.spans)


def test_explain_prints_hostile_manifest_text_without_escapes(tmp_path):
    import subprocess
    import sys

    import yaml

    manifest = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "hostile", "namespace": NS, "annotations": {"note": HOSTILE}},
        "spec": {
            "selector": {"matchLabels": {"app": "h"}},
            "template": {
                "metadata": {"labels": {"app": "h"}},
                "spec": {
                    "containers": [
                        {
                            "name": "app",
                            "image": "example/app:1",
                            "args": [f"--title={MARKUP}", f"--esc={HOSTILE}"],
                            "env": [{"name": "BANNER", "value": HOSTILE}],
                        }
                    ]
                },
            },
        },
    }
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(manifest, allow_unicode=True))
    for output in ("table", "json"):
        out = subprocess.run(
            [sys.executable, "-m", "tui", "explain", "-f", str(path), "-o", output],
            capture_output=True,
            text=True,
            timeout=60,
            env={"COLUMNS": "300", "PATH": "/usr/bin:/bin", "FORCE_COLOR": "1"},
        )
        assert out.returncode == 0, out.stderr
        assert MARKUP in out.stdout
        assert "\x1b]52" not in out.stdout and "\x1b[2J" not in out.stdout and "\x07" not in out.stdout
        assert "\x00" not in out.stdout and "\x08" not in out.stdout
