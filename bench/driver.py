"""The dashboard in a process of its own, headless, reporting timing marks as JSON lines.

Run by the harness as `python -m bench.driver --marks-fd N ...`; commands arrive on stdin
(`keys SECONDS`, `quit`). Marks carry `time.monotonic()`, which is system-wide on Linux, so the
harness compares them with its own clock.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import time
from pathlib import Path

_FD: int | None = None


def mark(name: str, **fields) -> None:
    if _FD is not None:
        os.write(_FD, (json.dumps({"mark": name, "t": time.monotonic(), **fields}) + "\n").encode())


def record_applied(items: list) -> None:
    """Every object version the session applied to the model, as a mark."""
    from tui.cluster.informer import Delta, rv_of

    applied = [
        [d.resource, d.key[0], d.key[1], rv_of(d.obj)]
        for d in items
        if isinstance(d, Delta) and d.type != "deleted" and d.resource in ("configmaps", "pods")
    ]
    if applied:
        mark("model", items=applied)


def bench_session(connection, **kwargs):
    from tui.cluster.session import ClusterSession

    return ClusterSession(connection, on_applied=record_applied, **kwargs)


def bench_app(expected: int):
    import tui.app
    from tui.app import KubeknobsApp
    from tui.model.events import ReloadEvent

    class BenchApp(KubeknobsApp):
        CSS_PATH = str(Path(tui.app.__file__).with_name(KubeknobsApp.CSS_PATH))
        table_full = False

        def on_mount(self) -> None:
            # Textual runs the base class's on_mount after this one (calling it here would push a second
            # controllers screen): mark the first frame of the screen it pushes, once it has.
            self.call_later(lambda: self.controllers_screen.call_after_refresh(mark, "first-frame"))

        def apply_workloads(self, upserts: list, deletes: list) -> None:
            super().apply_workloads(upserts, deletes)
            screen = self.controllers_screen
            if not self.table_full and screen is not None and screen.table.total_count >= expected:
                self.table_full = True
                screen.table.call_after_refresh(mark, "table", rows=screen.table.total_count)

        def on_cluster_update(self, message) -> None:
            was = self.synced
            super().on_cluster_update(message)
            message.prevent_default()  # Textual would call the base handler as well: once is enough
            if self.synced and not was:
                mark("synced")  # not after a repaint: a settled screen may not repaint again

        def add_events(self, events: list) -> None:
            super().add_events(events)
            shown = [[e.pod, e.outcome, e.configmap, e.version] for e in events if isinstance(e, ReloadEvent)]
            if shown:
                self.screen.call_after_refresh(mark, "reloads", items=shown)

    return BenchApp


async def press_keys(app, pilot, seconds: float, interval: float = 0.05) -> list[float]:
    """Alternate j and k; each latency runs from the key's arrival to the repaint that shows it.

    Keys go in through the driver, as a terminal's input thread delivers them. `pilot.press` is not
    used: after each key it waits for the process to go idle (by its CPU time, every thread's), which
    during a storm means waiting out its one-second cap rather than the dashboard.
    """
    from textual import events

    table = app.controllers_screen.table
    latencies: list[float] = []
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        key = "j" if n % 2 == 0 else "k"
        before = table.cursor
        started = time.monotonic()
        event = events.Key(key, key)
        event.set_sender(app)
        app._driver.send_message(event)
        while table.cursor == before and time.monotonic() - started < 10:
            await asyncio.sleep(0.001)  # the key is handled on the app's loop, this task waits for it
        await asyncio.wait_for(table.wait_for_refresh(), 10)
        latencies.append(time.monotonic() - started)
        n += 1
        await asyncio.sleep(max(0.0, interval - (time.monotonic() - started)))
    return latencies


class GcPauses:
    """The collector's pauses (they stop every thread), by generation."""

    def __init__(self) -> None:
        self.pauses: list[tuple[int, float]] = []
        self._started = 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append((info["generation"], time.perf_counter() - self._started))

    def take(self) -> list[tuple[int, float]]:
        taken, self.pauses = self.pauses, []
        return taken


async def drive(args) -> None:
    app = bench_app(args.expect)(
        kubeconfig=args.kubeconfig,
        context=args.context,
        namespaces=[],
        watch_themes=False,
        live_events=True,
        session_factory=bench_session,
    )
    loop = asyncio.get_running_loop()
    async with app.run_test(headless=True, size=(args.width, args.height)) as pilot:
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            words = line.split()
            if not words or words[0] == "quit":
                break
            if words[0] == "keys":
                import gc

                pauses = GcPauses()
                gc.callbacks.append(pauses)
                latencies = await press_keys(app, pilot, float(words[1]))
                gc.callbacks.remove(pauses)
                mark("keys", latencies=latencies, gc=pauses.take())
            elif words[0] == "rss":
                mark("rss", peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    mark("rss", peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def main() -> None:
    global _FD
    parser = argparse.ArgumentParser()
    parser.add_argument("--marks-fd", type=int, required=True)
    parser.add_argument("--kubeconfig", required=True)
    parser.add_argument("--context", default="kubeknobs-demo")
    parser.add_argument("--expect", type=int, required=True, help="workloads the table must show")
    parser.add_argument("--width", type=int, default=160)
    parser.add_argument("--height", type=int, default=50)
    args = parser.parse_args()
    _FD = args.marks_fd
    mark("main")
    asyncio.run(drive(args))
    # Threads of the session are daemons; leave without waiting on them.
    os._exit(0)


if __name__ == "__main__":
    main()
