"""Bad input typed into the change wizard: the step says why, the next step stays closed, nothing is written."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from tests.reliability.steps import WE, WE_CONFIG, WE_KEY, configmap_path, writes_to
from tests.ui.harness import SIZE
from tests.waiting import eventually_async
from tests.wizard.steps import open_wizard, type_value
from tui.change.flow import Step

WHOLE_FILE = [
    ("logging:\n  level: [DEBUG\n", "not valid YAML"),
    ("logging:\n  level: INFO\n  level: DEBUG\n", "duplicate key 'level'"),
]


@pytest.mark.parametrize(("text", "says"), WHOLE_FILE, ids=["invalid-yaml", "duplicate-keys"])
async def test_the_editor_refuses_a_bad_file_and_writes_nothing(demo, make_app, state_dir, text, says):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(
            app, pilot, WE, lambda s: s.key == WE_KEY and s.key_path is None and str(s.source) == "file"
        )
        await type_value(pilot, screen, text)
        await pilot.click("#to-review")
        problem = screen.query_one("#edit-problem", Static)
        await eventually_async(
            pilot, lambda: says in str(problem.content), message="the problem under the editor"
        )
        assert screen.flow.step == Step.EDIT and screen.flow.dry_run_result is None
    assert writes_to(demo, configmap_path(WE_CONFIG)) == 0
    assert not (state_dir / "backups").exists()


async def test_a_mapping_typed_for_one_key_path_is_refused(demo, make_app, state_dir):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        # not logging.level: its declared choices refuse a mapping before its shape is looked at
        screen = await open_wizard(app, pilot, WE, lambda s: s.key_path == "execution.namespace")
        await type_value(pilot, screen, "{namespace: kubernaut-workflows}")
        await pilot.click("#to-review")
        problem = screen.query_one("#edit-problem", Static)
        await eventually_async(
            pilot, lambda: "single value" in str(problem.content), message="the problem under the value"
        )
        assert screen.flow.step == Step.EDIT
    assert writes_to(demo, configmap_path(WE_CONFIG)) == 0
