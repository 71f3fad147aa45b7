"""Regenerate screenshots/*.svg from the demo scenario: `python screenshots/make.py`.

Starts the embedded cluster with the `kubernaut` scenario, drives the dashboard with
Textual's Pilot at a fixed size, and saves one SVG per screen. Stops everything it started.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.ui.harness import SIZE, fixed_clock, kubeconfig_of, start_demo_cluster, wait_for  # noqa: E402
from tui.app import KubeknobsApp  # noqa: E402


async def shoot(cluster, name: str, steps, *, theme: str = "kubeknobs-dark") -> None:
    app = KubeknobsApp(kubeconfig=kubeconfig_of(cluster), context="kubeknobs-demo", theme=theme,
                       clock=fixed_clock(cluster, timedelta(minutes=10, seconds=30)), watch_themes=False,
                       server_label="127.0.0.1 (demo)")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.synced and app.controllers_screen.table.total_count > 0)
        await steps(app, pilot)
        await pilot.pause()
        app.save_screenshot(filename=f"{name}.svg", path=str(HERE))
        print(HERE / f"{name}.svg")


async def controllers(app, pilot):
    await pilot.pause()


async def detail(app, pilot):
    table = app.controllers_screen.table
    key = next(k for k in table.visible_keys() if k[2].startswith("workflowexecution"))
    table.move_to(key)
    await pilot.press("enter")
    await wait_for(pilot, lambda: len(app.screen.query_one("#settings").settings) > 0)
    await pilot.press("j", "j", "j")


async def events(app, pilot):
    """A live edit of a hot key and of a restart-only key of the same file, then the event stream."""
    actions = app.session.actions
    for path, value in (("logging.level", "DEBUG"), ("execution.cooldownPeriod", "10m")):
        result = await asyncio.to_thread(actions.edit_configmap_key_path, "kubernaut-system",
                                         "workflowexecution-config", "workflowexecution.yaml", path, value)
        assert result.ok, result.message
        await wait_for(pilot, lambda: sum(type(e).__name__ == "ReloadEvent" for e in app.event_history) >= 2,
                       timeout=180)
    await pilot.press("v")
    await wait_for(pilot, lambda: sum(type(e).__name__ == "ReloadEvent" for e in app.event_history) >= 4,
                   timeout=180)
    await pilot.pause(1)


async def logs(app, pilot):
    await detail(app, pilot)
    await pilot.press("l")
    await wait_for(pilot, lambda: app.screen.query_one("#logs").item_count > 3)


async def yaml(app, pilot):
    await detail(app, pilot)
    await pilot.press("y")
    await wait_for(pilot, lambda: bool(app.screen.query_one("#yaml").text))


async def help_screen(app, pilot):
    await pilot.press("question_mark")


async def main() -> None:
    cluster = start_demo_cluster()
    try:
        for name, steps, theme in [("controllers", controllers, "kubeknobs-dark"), ("detail", detail, "kubeknobs-dark"),
                                   ("events", events, "kubeknobs-dark"), ("logs", logs, "kubeknobs-dark"),
                                   ("yaml", yaml, "kubeknobs-dark"), ("help", help_screen, "kubeknobs-dark"),
                                   ("light", detail, "kubeknobs-light")]:
            await shoot(cluster, name, steps, theme=theme)
    finally:
        cluster.stop()


if __name__ == "__main__":
    asyncio.run(main())
