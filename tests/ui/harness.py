"""Shared pieces of the dashboard's tests and screenshots: a demo cluster, a fixed clock, waiting."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

SIZE = (140, 40)
CONTEXT = "kubeknobs-demo"


def start_demo_cluster(scenario: str = "kubernaut", **kw):
    from tui.localcluster import LocalCluster

    kw.setdefault("seed", 1)
    kw.setdefault("sync_delay", 1)
    cluster = LocalCluster(scenario=scenario, **kw)
    cluster.start()
    cluster.started_at = datetime.now(UTC)
    return cluster


def kubeconfig_of(cluster) -> str:
    return str(cluster.kubeconfig)


def fixed_clock(cluster, offset: timedelta = timedelta(minutes=10, seconds=30)):
    """A clock that stands still `offset` after the cluster started: ages read the same every run."""
    now = (getattr(cluster, "started_at", None) or datetime.now(UTC)) + offset
    return lambda: now


async def wait_for(pilot, condition, *, timeout: float = 30.0, what: str = "") -> None:
    """Poll `condition` while the app runs; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return
        except Exception:  # the screen may not have the widget yet
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await pilot.pause(0.05)


async def click_button(pilot, selector: str, *, timeout: float = 30.0) -> None:
    """Click a button once it can take the click: a click on a disabled or unplaced button is lost."""

    def ready() -> bool:
        button = pilot.app.screen.query_one(selector)
        return not button.disabled and button.display and button.region.area > 0

    await wait_for(pilot, ready, timeout=timeout, what=f"{selector} to be pressable")
    await pilot.click(selector)


def dashboard(tmp_path, cluster=None, **kw):
    """The dashboard on `cluster` (or unconnected), with a still clock and no theme watcher."""
    from tui.app import KubeknobsApp

    if cluster is not None:
        kw.setdefault("kubeconfig", kubeconfig_of(cluster))
        kw.setdefault("context", CONTEXT)
        kw.setdefault("clock", fixed_clock(cluster))
    kw.setdefault("watch_themes", False)
    kw.setdefault("themes_dir", tmp_path / "themes")
    return KubeknobsApp(**kw)


def wait_until(condition, *, timeout: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.05)


async def settle(pilot, rounds: int = 3) -> None:
    for _ in range(rounds):
        await pilot.pause()
        await asyncio.sleep(0)
