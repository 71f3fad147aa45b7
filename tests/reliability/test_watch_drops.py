"""Watches cut every second while the operator edits: no row lost or doubled, the edit written once."""

from __future__ import annotations

import asyncio
import os
import threading
import time

from tests.reliability.steps import (
    NS,
    WE,
    WE_CONFIG,
    WE_KEY,
    configmap_path,
    get_json,
    minimal_deployment,
    server_controllers,
    synced,
    writes_to,
)
from tests.ui.harness import SIZE
from tests.waiting import eventually_async
from tui.change.flow import ChangeFlow, Phase
from tui.history import ChangeHistory
from tui.model.events import ConfigMapChanged

# The issue asks for a minute; the behaviour is the same for any length of at least a few drops.
DROP_SECONDS = float(os.environ.get("KUBEKNOBS_WATCH_DROP_SECONDS", "60"))


class Storm:
    """Drops every open watch each second, and adds and removes controllers meanwhile, on its own thread."""

    def __init__(self, cluster, seconds: float):
        self.cluster, self.seconds = cluster, seconds
        self.stop = threading.Event()
        self.drops = 0
        self.thread = threading.Thread(target=self._run, name="watch-drop-storm", daemon=True)

    def _run(self) -> None:
        deadline = time.monotonic() + self.seconds
        n = 0
        while not self.stop.is_set() and time.monotonic() < deadline:
            self.drops += self.cluster.faults.drop_watches()
            name = f"churn-{n}"
            self.cluster.call(self.cluster.store.create, "deployments", minimal_deployment(name))
            if n % 2:
                self.cluster.call(self.cluster.store.delete, "deployments", NS, f"churn-{n - 1}")
            n += 1
            self.stop.wait(1.0)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(10)


async def test_watches_dropped_every_second_lose_no_row_and_the_edit_applies_once(demo, make_app, state_dir):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        table = await synced(app, pilot)
        setting = next(s for s in app.session.settings(WE) if s.key_path == "logging.level")
        flow = ChangeFlow(setting, WE, app.session, history=ChangeHistory())
        with Storm(demo, DROP_SECONDS) as storm:
            await pilot.pause(min(5.0, DROP_SECONDS / 3))
            await asyncio.to_thread(flow.prepare)
            flow.edit("DEBUG")
            dry = await asyncio.to_thread(flow.dry_run)
            assert dry.ok, dry.message
            applied = await asyncio.to_thread(flow.apply)
            assert applied.ok, applied.message
            while storm.thread.is_alive():
                await pilot.pause(0.2)
        assert storm.drops >= DROP_SECONDS / 2  # the storm really cut the watches
        expected = server_controllers(demo)
        await eventually_async(
            pilot, lambda: set(table.visible_keys()) == expected, message="the table to match the server"
        )
        keys = table.visible_keys()
        assert len(keys) == len(set(keys)) == table.total_count == len(expected)
        cm = get_json(demo, "-n", NS, "get", "configmap", WE_CONFIG)
        assert "level: DEBUG" in cm["data"][WE_KEY]
        assert writes_to(demo, configmap_path(WE_CONFIG)) == 1
        version = cm["metadata"]["resourceVersion"]
        await eventually_async(
            pilot,
            lambda: any(
                isinstance(e, ConfigMapChanged) and e.resource_version == version for e in app.event_history
            ),
            message="the change event",
        )
        seen = [e for e in app.event_history if isinstance(e, ConfigMapChanged) and e.name == WE_CONFIG]
        assert len(seen) == 1, seen
        assert flow.phase in (Phase.RELOADING, Phase.STALE, Phase.IN_FORCE)
