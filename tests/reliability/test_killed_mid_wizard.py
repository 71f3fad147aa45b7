"""The process dies right after the apply: the next start shows the change and its backup, and revert works."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from textual.widgets import DataTable

from tests.reliability.steps import NS, WE, WE_CONFIG, WE_KEY, get_json, synced
from tests.ui.harness import CONTEXT, SIZE
from tests.waiting import eventually_async
from tui.history import ChangeHistory
from tui.screens.wizard.history_screen import ChangeHistoryScreen

ROOT = Path(__file__).resolve().parents[2]


def apply_then_die(cluster, state_dir: Path, value: str) -> str:
    """Apply `value` in a child process, kill it (SIGKILL) while it follows; returns the backup path it printed."""
    env = {**os.environ, "KUBEKNOBS_STATE_DIR": str(state_dir), "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.wizard_child", cluster.kubeconfig, CONTEXT, value],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = child.stdout.readline()
    finally:
        child.kill()
        _, err = child.communicate(timeout=30)
    status, _, backup = line.strip().partition(" ")
    assert status == "ok", f"the child did not apply: {line!r} {err[-2000:]}"
    return backup


async def test_killed_after_apply_the_next_start_shows_the_change_and_its_backup_and_reverts(
    demo, make_app, state_dir
):
    before = get_json(demo, "-n", NS, "get", "configmap", WE_CONFIG)["data"][WE_KEY]
    backup = apply_then_die(demo, state_dir, "DEBUG")
    assert "level: DEBUG" in get_json(demo, "-n", NS, "get", "configmap", WE_CONFIG)["data"][WE_KEY]
    assert Path(backup).is_file() and str(state_dir) in backup
    records = ChangeHistory().records()
    assert len(records) == 1, records
    record = records[0]
    assert (record.workload, record.setting, record.new_value) == (
        f"Deployment/{WE[2]}",
        "logging.level",
        "DEBUG",
    )
    assert record.backup == backup and record.configmap == WE_CONFIG and record.key == WE_KEY
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await synced(app, pilot)
        await app.push_screen(ChangeHistoryScreen())
        await eventually_async(
            pilot, lambda: app.screen.query_one(DataTable).row_count == 1, message="the change in the history"
        )
        table = app.screen.query_one(DataTable)
        cells = [str(c) for c in table.get_row_at(0)]
        assert any("logging.level" in c for c in cells) and any("DEBUG" in c for c in cells)
        result = app.session.actions.revert(NS, WE_CONFIG, WE_KEY)
        assert result.ok, result.message
    assert get_json(demo, "-n", NS, "get", "configmap", WE_CONFIG)["data"][WE_KEY] == before
