"""The change history is this cluster's, and `u` reverts a successful ConfigMap change from its backup."""

from __future__ import annotations

import dataclasses

from tests.kube import kubectl_stdout
from tests.ui.harness import SIZE
from tests.waiting import eventually_async
from tests.wizard.steps import WE
from tui.history import ChangeHistory, ChangeRecord
from tui.screens.wizard.history_screen import ChangeHistoryScreen

RECORD = ChangeRecord(
    started="2026-11-27T09:00:00Z",
    context="kubeknobs-demo",
    user="admin",
    namespace="kubernaut-system",
    workload="Deployment/workflowexecution-controller",
    container="manager",
    setting="logging.level",
    source="file-key",
    layer="hot-reload",
    old_value="INFO",
    new_value="DEBUG",
    outcome="in-force",
)


def test_a_previous_clusters_changes_are_not_listed_as_this_ones(tmp_path):
    path = tmp_path / "history.jsonl"
    ChangeHistory(path, cluster="https://127.0.0.1:6443 uid-of-the-old-demo").append(RECORD)
    later = dataclasses.replace(RECORD, started="2026-11-28T09:00:00Z")
    ChangeHistory(path, cluster="https://127.0.0.1:6443 uid-of-this-demo").append(later)
    assert ChangeHistory(path, cluster="https://127.0.0.1:6443 uid-of-this-demo").records() == [later]
    assert ChangeHistory(path, cluster="https://127.0.0.1:6443 uid-of-another").records() == []
    assert ChangeHistory(path).records() == [later, RECORD]  # unconnected: every change made here


async def _history_of_a_change(app, pilot, value: str) -> ChangeHistoryScreen:
    """Change logging.level of the demo's workflowexecution-controller the way the wizard does."""
    await eventually_async(pilot, lambda: app.synced, message="the session", timeout=60)
    session = app.session
    setting = next(s for s in session.settings(WE) if s.key_path == "logging.level")
    result = session.actions.edit_configmap_key_path(
        setting.namespace, setting.configmap, setting.key, "logging.level", value
    )
    assert result.ok, result.message
    history = ChangeHistory(cluster=session.cluster_identity())
    history.append(
        dataclasses.replace(
            RECORD,
            configmap=setting.configmap,
            key=setting.key,
            key_path="logging.level",
            new_value=value,
            backup=result.backup,
        )
    )
    screen = ChangeHistoryScreen()
    await app.push_screen(screen)
    await eventually_async(pilot, lambda: len(screen.records) == 1, message="the change listed")
    return screen


def _level(cluster) -> str:
    text = kubectl_stdout(
        cluster, "get", "configmap", "workflowexecution-config", "-n", "kubernaut-system", "-o", "yaml"
    )
    return next(line.split(":")[-1].strip() for line in text.splitlines() if "level:" in line)


async def test_u_reverts_a_successful_configmap_change_after_a_confirmation(demo, make_app, state_dir):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _history_of_a_change(app, pilot, "DEBUG")
        assert _level(demo) == "DEBUG"
        await pilot.press("u")
        await eventually_async(pilot, lambda: app.screen is not screen, message="the confirmation")
        await pilot.press("y")
        status = screen.query_one("#history-undo")
        await eventually_async(
            pilot,
            lambda: "reverted" in str(status.render()),
            message=lambda: str(status.render()),
            timeout=30,
        )
        assert _level(demo) == "INFO"
        assert screen.records[0].outcome == "reverted"


async def test_u_is_refused_with_the_reason_when_the_configmap_changed_since(demo, make_app, state_dir):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _history_of_a_change(app, pilot, "WARN")
        setting = next(s for s in app.session.settings(WE) if s.key_path == "logging.level")
        assert app.session.actions.edit_configmap_key_path(
            setting.namespace, setting.configmap, setting.key, "logging.level", "ERROR"
        ).ok
        await pilot.press("u")
        await eventually_async(pilot, lambda: app.screen is not screen, message="the confirmation")
        await pilot.press("y")
        status = screen.query_one("#history-undo")
        await eventually_async(
            pilot, lambda: "changed since" in str(status.render()), message="the refusal", timeout=30
        )
        assert _level(demo) == "ERROR"
        # put the demo back for the next test
        assert app.session.actions.edit_configmap_key_path(
            setting.namespace, setting.configmap, setting.key, "logging.level", "INFO"
        ).ok


async def test_u_is_refused_on_a_read_only_context(demo, make_app, state_dir):
    ChangeHistory().append(dataclasses.replace(RECORD, configmap="workflowexecution-config", key="x.yaml"))
    app = make_app(demo, readonly=True)
    async with app.run_test(size=SIZE) as pilot:
        await eventually_async(pilot, lambda: app.synced, message="the session", timeout=60)
        ChangeHistory(cluster=app.session.cluster_identity()).append(
            dataclasses.replace(RECORD, configmap="workflowexecution-config", key="x.yaml", backup="b")
        )
        screen = ChangeHistoryScreen()
        await app.push_screen(screen)
        await eventually_async(pilot, lambda: len(screen.records) == 1, message="only this cluster's change")
        await pilot.press("u")
        status = screen.query_one("#history-undo")
        await eventually_async(
            pilot, lambda: "read-only" in str(status.render()).lower(), message="the refusal"
        )
        assert app.screen is screen


async def test_the_wizard_keeps_its_changes_under_this_cluster(demo, make_app, state_dir):
    from tui.screens.detail import DetailScreen
    from tui.screens.wizard.screen import WizardScreen

    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await eventually_async(pilot, lambda: app.synced, message="the session", timeout=60)
        app.open_detail(WE)
        await eventually_async(
            pilot,
            lambda: isinstance(app.screen, DetailScreen) and app.screen.query_one("#settings").settings,
            message="the settings",
        )
        await pilot.press("e")
        assert isinstance(app.screen, WizardScreen)
        identity = app.session.cluster_identity()
        assert app.screen.flow.history.cluster == identity
        namespace = kubectl_stdout(demo, "get", "namespace", "kube-system", "-o", "jsonpath={.metadata.uid}")
        assert identity == f"{app.session.connection.server} {namespace.strip()}"
