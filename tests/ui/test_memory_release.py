"""A big cluster's first lists are frozen out of the garbage collector, and a replaced session is freed."""

from __future__ import annotations

import gc
import weakref

import pytest

from tests.ui.harness import SIZE, dashboard, start_demo_cluster
from tests.waiting import eventually_async
from tui.cluster.memory import FREEZE_FROM


@pytest.fixture
def big():
    cluster = start_demo_cluster(f"scale:{FREEZE_FROM}")
    yield cluster
    cluster.stop()


async def test_switching_namespaces_on_a_big_cluster_frees_the_session_it_replaces(big, tmp_path):
    app = dashboard(tmp_path, big, namespaces=[])
    try:
        async with app.run_test(size=SIZE) as pilot:
            await eventually_async(
                pilot,
                lambda: app.synced and len(app.rows) >= FREEZE_FROM,
                timeout=60,
                message="every workload of the big cluster",
            )
            assert gc.get_freeze_count() > 0  # the first lists are out of the collector's walks
            replaced = weakref.ref(app.session)
            app.reconnect(namespaces=["scale-000"])
            await eventually_async(
                pilot,
                lambda: app.synced and app.session is not None,
                timeout=60,
                message="the session of one namespace",
            )
            assert 0 < len(app.rows) < FREEZE_FROM
            assert gc.get_freeze_count() == 0  # a small list is not frozen
            await eventually_async(
                pilot, lambda: replaced() is None, timeout=10, message="the replaced session freed"
            )
    finally:
        gc.unfreeze()  # whatever happened, the test process's own objects go back to the collector
