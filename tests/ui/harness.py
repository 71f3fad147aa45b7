"""Pieces the dashboard's tests and screenshots share: a demo cluster, a still clock, clicks, the palette."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from tests.waiting import eventually_async

SIZE = (140, 40)
CONTEXT = "kubeknobs-demo"


def kubernaut_controllers() -> int:
    """How many controllers the `kubernaut` scenario runs (its workloads, kube-system's CoreDNS included)."""
    from tui.localcluster.scenarios.kubernaut import workloads

    return len(workloads(config_checksum=""))


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


async def click_button(pilot, selector: str, *, timeout: float = 30.0) -> None:
    """Click a button once it can take the click: a click on a disabled or unplaced button is lost."""

    def ready() -> bool:
        button = pilot.app.screen.query_one(selector)
        return not button.disabled and button.display and button.region.area > 0

    await eventually_async(pilot, ready, timeout=timeout, message=f"{selector} to be pressable")
    await pilot.click(selector)


def palette_searched(app) -> bool:
    """The command palette is open and done searching: its list will not change until the next key."""
    from textual.command import CommandList, CommandPalette

    if not isinstance(app.screen, CommandPalette) or app.screen.query_one(CommandList).option_count == 0:
        return False
    # the palette searches in a worker of this group; Textual exposes no public "done" signal
    group = CommandPalette._GATHER_COMMANDS_GROUP
    return not any(worker.group == group and not worker.is_finished for worker in app.workers)


def palette_highlight(app) -> str:
    """The first line of the command the palette has highlighted ("" when none)."""
    from textual.command import CommandList

    options = app.screen.query_one(CommandList)
    if options.highlighted is None:
        return ""
    prompt = options.get_option_at_index(options.highlighted).prompt
    return getattr(prompt, "plain", str(prompt)).split("\n", 1)[0]


async def run_from_palette(pilot, typed: str, command: str | None = None, *, timeout: float = 30.0) -> None:
    """Type `typed` into the command palette and press enter once `command` (default: `typed`) is highlighted."""
    wanted = command or typed
    await pilot.press("ctrl+p", *typed)
    await eventually_async(
        pilot,
        lambda: palette_searched(pilot.app) and palette_highlight(pilot.app).startswith(wanted),
        timeout=timeout,
        message=lambda: (
            f"{wanted!r} highlighted in the palette (highlighted: {palette_highlight(pilot.app)!r})"
        ),
    )
    await pilot.press("enter")


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


async def settle(pilot, rounds: int = 3) -> None:
    for _ in range(rounds):
        await pilot.pause()
        await asyncio.sleep(0)
