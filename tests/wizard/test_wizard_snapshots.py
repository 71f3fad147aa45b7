"""How the wizard looks: each screen at a fixed size, on the kubernaut demo (a cluster of its own for a change)."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from tests.ui.harness import SIZE, click_button, start_demo_cluster
from tests.waiting import eventually_async
from tests.wizard.steps import LEGACY, WE, open_wizard, review, type_value
from tui.change.flow import Phase
from tui.change.follow import PodCheck, PodState
from tui.history import ChangeHistory, ChangeRecord
from tui.screens.wizard.history_screen import ChangeHistoryScreen
from tui.widgets.checklist import PodChecklist
from tui.widgets.diff import diff_text


@pytest.fixture(scope="module")
def untouched():
    cluster = start_demo_cluster("kubernaut", time_scale=0.1)
    yield cluster
    cluster.stop()


def test_where_it_lives_for_a_restart_only_key_of_a_watched_file(untouched, make_app, snap_compare):
    app = make_app(untouched)

    async def run_before(pilot):
        await open_wizard(app, pilot, WE, lambda s: s.key_path == "execution.cooldownPeriod")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_invalid_flag_value_is_shown_inline_and_blocks_review(untouched, make_app, snap_compare):
    app = make_app(untouched)

    async def run_before(pilot):
        screen = await open_wizard(app, pilot, LEGACY, lambda s: s.name == "--cooldown-period")
        await type_value(pilot, screen, "-1")
        await eventually_async(pilot, lambda: screen.query_one("#to-review").disabled, message="the block")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_review_of_a_hot_key_shows_the_diff_the_pods_and_the_dry_run(untouched, make_app, snap_compare):
    app = make_app(untouched)

    async def run_before(pilot):
        screen = await open_wizard(app, pilot, WE, lambda s: s.key_path == "logging.level")
        await type_value(pilot, screen, "DEBUG")
        await review(pilot, screen)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_review_of_a_whitespace_only_change_shows_each_space_tab_and_missing_newline(
    untouched, make_app, snap_compare
):
    app = make_app(untouched)

    async def run_before(pilot):
        screen = await open_wizard(app, pilot, WE, lambda s: s.configmap and s.key and not s.key_path)
        text = screen.flow.base.text
        # the same settings, written differently: a tab in the comment, two trailing spaces, no last newline
        spaced = text.replace("# ", "#\t", 1).replace("level: INFO\n", "level: INFO  \n").rstrip("\n")
        await type_value(pilot, screen, spaced)
        await review(pilot, screen)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_follow_of_a_restart_only_key_every_pod_reloaded_and_needs_restart(
    fresh_demo, make_app, snap_compare
):
    app = make_app(fresh_demo)

    async def run_before(pilot):
        screen = await open_wizard(app, pilot, WE, lambda s: s.key_path == "execution.cooldownPeriod")
        await type_value(pilot, screen, "7m")
        await review(pilot, screen)
        await click_button(pilot, "#apply")
        await eventually_async(
            pilot,
            lambda: screen.flow.phase == Phase.CONFIRM_RESTART,
            timeout=60,
            message="every pod to log the reload",
        )
        # how long the kubelet took differs per run: the snapshot shows one fixed delay per pod
        for n, check in enumerate(screen.flow.reload.pods):
            check.delay = 1.2 + n / 10
        screen._refresh()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


class Widgets(App):
    """The diff and the per-pod checklist with fixed content."""

    def compose(self) -> ComposeResult:
        yield PodChecklist(id="checklist")
        from textual.widgets import Static

        yield Static("", id="diff", markup=False)

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        checks = [
            PodCheck("we-7f44677cf4-2bq4x", PodState.APPLIED, "5ead7e1639e7" + "0" * 52, 0.9),
            PodCheck("we-7f44677cf4-jcmdd", PodState.REJECTED, None, 1.1, "rego_parse_error: [bold]x"),
            PodCheck(
                "we-7f44677cf4-zz9k2",
                PodState.NEEDS_RESTART,
                "d139b1a432b6",
                1.0,
                "execution.cooldownPeriod is read only at start",
            ),
            PodCheck("we-7f44677cf4-q8w4m", PodState.STALE),
            PodCheck("we-7f44677cf4-x2x2x", PodState.WAITING),
        ]
        self.query_one(PodChecklist).show(checks)
        old = "logging:\n  level: INFO\nexecution:\n  cooldownPeriod: 5m\n"
        self.query_one("#diff").update(
            diff_text(self, old, old.replace("INFO", "DEBUG"), old_label="a/we.yaml", new_label="b/we.yaml")
        )


def test_checklist_and_diff_colour_each_state(snap_compare):
    assert snap_compare(Widgets(), terminal_size=(100, 20))


def test_change_history_lists_changes_newest_first(state_dir, snap_compare):
    history = ChangeHistory()
    for n, (value, outcome, after) in enumerate(
        (("DEBUG", "in-force", 1.3), ("7m", "in-force", 14.2), ("-1", "undone", None))
    ):
        history.append(
            ChangeRecord(
                started=f"2026-11-27T09:0{n}:00Z",
                context="kubeknobs-demo",
                user="kubeknobs-demo-admin",
                namespace="kubernaut-system",
                workload="Deployment/workflowexecution-controller",
                container="workflowexecution-controller",
                setting="logging.level",
                source="file-key",
                layer="hot-reload",
                old_value="INFO",
                new_value=value,
                outcome=outcome,
                in_force_after=after,
                undo="revert ConfigMap x key y",
            )
        )
    from tui.app import KubeknobsApp

    app = KubeknobsApp(connect=False, watch_themes=False)

    async def run_before(pilot):
        app.push_screen(ChangeHistoryScreen())
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_helm_managed_setting_warns_before_any_edit_and_may_still_proceed(
    untouched, make_app, state_dir
):
    app = make_app(untouched)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(
            app, pilot, ("Deployment", "kubernaut-system", "gateway"), lambda s: s.key_path == "logging.level"
        )
        where = str(screen.query_one("#where-text").content)
        assert "Managed by Helm" in where and "checksum/config" in where
        assert not screen.query_one("#to-edit").disabled
