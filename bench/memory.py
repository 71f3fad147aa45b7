"""`python -m bench.memory`: what each watched kind costs the dashboard in memory, and the session's peak.

Each kind is listed in a fresh process exactly as the session lists it (its informer, page size and
slimming), once for the peak RSS and once under tracemalloc for the bytes kept and the transient peak.
A last process runs a whole session (no UI) until every list is in and reports its peak RSS.

    python -m bench.memory --scenario scale:2000             # starts and stops its own cluster
    python -m bench.memory --scenario scale:10000 --replicas 3   # scaling 10,000 takes minutes
    python -m bench.memory --kubeconfig PATH                  # a cluster already running
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

KINDS = ("deployments", "statefulsets", "daemonsets", "configmaps", "pods", "events")
CONTEXT = "kubeknobs-demo"


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _rss_peak_mb() -> float:
    """This process's own peak (VmHWM): ru_maxrss would carry over the parent's peak across fork and exec."""
    return _status_mb("VmHWM")


def _rss_now_mb() -> float:
    return _status_mb("VmRSS")


class _Discard:
    """A batcher that drops the deltas: only what the informer keeps is measured."""

    def put(self, items: list) -> None:
        pass

    def backlog(self) -> int:
        return 0


def _informer(kubeconfig: str, plural: str):
    from tui.cluster.connect import load_connection, open_api
    from tui.cluster.informer import Informer
    from tui.cluster.resources import RESOURCES
    from tui.cluster.slim import HANDED_ON, SLIM

    api = open_api(load_connection(kubeconfig, CONTEXT))
    return Informer(
        api,
        RESOURCES[plural],
        batcher=_Discard(),
        transform=SLIM.get(plural),
        keep_objects=plural not in HANDED_ON,
    )


def measure_kind(kubeconfig: str, plural: str, traced: bool) -> dict:
    """One list of one kind, as the session's informer makes it; run in a fresh process."""
    import gc
    import tracemalloc

    informer = _informer(kubeconfig, plural)
    gc.collect()
    before_rss, before_peak = _rss_now_mb(), _rss_peak_mb()
    if traced:
        tracemalloc.start()
    started = time.monotonic()
    informer._relist()
    seconds = time.monotonic() - started
    out = {"kind": plural, "objects": len(informer.snapshot()), "seconds": round(seconds, 2)}
    gc.collect()
    if traced:
        kept, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        out.update(kept_mb=round(kept / 2**20, 1), transient_peak_mb=round(peak / 2**20, 1))
    else:
        out.update(
            rss_before_mb=round(before_rss, 1),
            rss_after_mb=round(_rss_now_mb(), 1),
            rss_peak_mb=round(_rss_peak_mb(), 1),
            rss_peak_before_mb=round(before_peak, 1),
        )
    informer.api.close()
    return out


class _Sink:
    """Keeps what the dashboard's bridge keeps: the rows and the newest events."""

    def __init__(self, history: int):
        from collections import deque

        self.rows: dict = {}
        self.events_seen = 0
        self.newest: deque = deque(maxlen=history)
        self.done = threading.Event()

    def workloads_changed(self, upserts, deletes) -> None:
        for row in upserts:
            self.rows[row.key] = row
        for key in deletes:
            self.rows.pop(tuple(key), None)

    def state_changed(self, state) -> None:
        pass

    def events(self, events) -> None:
        self.events_seen += len(events)
        self.newest.extend(events)

    def synced(self) -> None:
        self.done.set()


def measure_session(kubeconfig: str, timeout: float) -> dict:
    """A whole session without the UI, until every list is in (and its summaries are done)."""
    from tui.cluster.connect import load_connection
    from tui.cluster.session import ClusterSession

    sink = _Sink(history=10_000)
    baseline = _rss_now_mb()
    session = ClusterSession(load_connection(kubeconfig, CONTEXT), namespaces=None)
    started = time.monotonic()
    session.start(sink)
    try:
        if not sink.done.wait(timeout):
            raise TimeoutError(f"the session did not sync within {timeout:.0f} s")
        synced = time.monotonic() - started
        summaries_done = lambda: all(r.summary != "…" for r in sink.rows.values())  # noqa: E731
        while not summaries_done() and time.monotonic() - started < timeout:
            time.sleep(0.1)
        return {
            "kind": "session",
            "workloads": len(sink.rows),
            "events_handed_over": sink.events_seen,
            "synced_s": round(synced, 2),
            "rss_baseline_mb": round(baseline, 1),
            "rss_after_mb": round(_rss_now_mb(), 1),
            "rss_peak_mb": round(_rss_peak_mb(), 1),
        }
    finally:
        session.stop()


def _child(args: list[str], timeout: float) -> dict:
    cmd = [sys.executable, "-m", "bench.memory", *args]
    out = subprocess.run(
        cmd, capture_output=True, text=True, timeout=timeout, cwd=Path(__file__).resolve().parent.parent
    )
    if out.returncode != 0:
        return {"kind": args[1], "error": (out.stderr or out.stdout).strip()[-300:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(kubeconfig: str, kinds: tuple[str, ...], with_session: bool, timeout: float) -> list[dict]:
    rows = []
    for plural in kinds:
        rss = _child(["--child", plural, "--kubeconfig", kubeconfig], timeout)
        traced = _child(["--child", plural, "--kubeconfig", kubeconfig, "--traced"], timeout)
        row = {**traced, **rss}
        rows.append(row)
        print(_line(row), file=sys.stderr, flush=True)
    if with_session:
        row = _child(["--child", "session", "--kubeconfig", kubeconfig], timeout)
        rows.append(row)
        print(_line(row), file=sys.stderr, flush=True)
    return rows


def _line(row: dict) -> str:
    if "error" in row:
        return f"{row['kind']:<12} failed: {row['error']}"
    if row["kind"] == "session":
        return (
            f"{'session':<12} {row['workloads']} workloads, {row['events_handed_over']} events handed over, "
            f"synced in {row['synced_s']} s; RSS {row['rss_baseline_mb']} MB at start, "
            f"{row['rss_after_mb']} MB after, peak {row['rss_peak_mb']} MB"
        )
    return (
        f"{row['kind']:<12} {row['objects']:>6} objects: kept {row.get('kept_mb', '?')} MB "
        f"(tracemalloc, transient peak {row.get('transient_peak_mb', '?')} MB); RSS "
        f"{row['rss_before_mb']} -> {row['rss_after_mb']} MB, peak {row['rss_peak_mb']} MB "
        f"({row['rss_peak_before_mb']} MB before the list)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument(
        "--scenario", help="start `kubeknobs demo-cluster --scenario` (e.g. scale:2000) for the run"
    )
    where.add_argument("--kubeconfig", help="a running cluster's kubeconfig (context kubeknobs-demo)")
    parser.add_argument(
        "--replicas",
        type=int,
        default=0,
        help="scale every Deployment to this many phantom pods first (0: the scenario's own)",
    )
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated kinds to list")
    parser.add_argument("--no-session", action="store_true", help="skip the whole-session run")
    parser.add_argument(
        "--timeout", type=float, default=300.0, help="seconds each measuring process may take"
    )
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        row = (
            measure_session(args.kubeconfig, args.timeout)
            if args.child == "session"
            else measure_kind(args.kubeconfig, args.child, args.traced)
        )
        print(json.dumps(row))
        return 0
    kinds = tuple(k for k in args.kinds.split(",") if k)
    if args.kubeconfig:
        rows = report(args.kubeconfig, kinds, not args.no_session, args.timeout)
    else:
        from bench.cluster import ClusterProcess, RawApi
        from bench.storm import scale_deployments

        with ClusterProcess(args.scenario) as cluster:
            if args.replicas:
                from bench.run import wait_settled

                api = RawApi(cluster.kubeconfig)
                scale_deployments(api, args.replicas)
                count = (
                    int(
                        api.json("GET", "/apis/apps/v1/deployments?limit=1")["metadata"].get(
                            "remainingItemCount"
                        )
                        or 0
                    )
                    + 1
                )
                wait_settled(api, count * args.replicas, timeout=max(120, count * 0.2))
                api.close()
            rows = report(str(cluster.kubeconfig), kinds, not args.no_session, args.timeout)
    if args.json:
        print(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
