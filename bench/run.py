"""`python -m bench`: kubeknobs against kubectl on one embedded cluster per size.

Every figure is the median of several runs after a warm-up, with min and max; the
table is printed and written to bench/results.md with the machine it ran on.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from bench.cluster import ClusterProcess, RawApi
from bench.dashboard import DashboardProcess
from bench.figures import Figure, percentile, table
from bench.machine import write_results
from bench.reference import TABLE_ACCEPT, kubectl_seconds, server_seconds
from bench.storm import run_storm, scale_deployments

RESULTS = Path(__file__).resolve().parent / "results.md"


@dataclass(frozen=True)
class Plan:
    sizes: tuple[int, ...]
    runs: int
    warmup: int
    storm_size: int
    storm_seconds: float
    storm_rate: float
    reload_runs: int
    storm_runs: int = 5
    replicas: int = 3
    workdir: str | None = None


PLANS = {
    "smoke": Plan(
        sizes=(20,),
        runs=1,
        warmup=0,
        storm_size=20,
        storm_seconds=1,
        storm_rate=50,
        reload_runs=1,
        storm_runs=1,
    ),
    "quick": Plan(
        sizes=(100, 2000), runs=5, warmup=1, storm_size=2000, storm_seconds=3, storm_rate=1000, reload_runs=0
    ),
    "full": Plan(
        sizes=(100, 2000, 10000),
        runs=5,
        warmup=1,
        storm_size=10000,
        storm_seconds=10,
        storm_rate=1000,
        reload_runs=5,
    ),
}


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def wait_settled(api: RawApi, pods: int, timeout: float) -> float:
    """Wait until the cluster holds `pods` pods and answers a small request quickly; returns seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        page = api.json("GET", "/api/v1/pods?limit=1")
        have = len(page["items"]) + int(page["metadata"].get("remainingItemCount") or 0)
        if have >= pods:
            probe = time.monotonic()
            api.request("GET", "/version")
            if time.monotonic() - probe < 0.05:
                return time.monotonic() - started
        time.sleep(0.5)
    raise TimeoutError(f"cluster did not reach {pods} pods within {timeout:.0f} s")


def workload_count(api: RawApi) -> int:
    total = 0
    for path in ("/apis/apps/v1/deployments", "/apis/apps/v1/statefulsets", "/apis/apps/v1/daemonsets"):
        page = api.json("GET", path + "?limit=1")
        total += len(page["items"]) + int(page["metadata"].get("remainingItemCount") or 0)
    return total


def cold_start(kubeconfig: Path, expect: int, timeout: float) -> tuple[float, float, float]:
    """(first frame, table populated, peak RSS MB once every list is in) of one start of the dashboard."""
    with DashboardProcess(kubeconfig, expect) as dash:
        first = dash.wait_for("first-frame", timeout)["t"] - dash.spawned_at
        full = dash.wait_for("table", timeout)["t"] - dash.spawned_at
        dash.wait_for("synced", timeout)
        dash.send("quit")
        rss = dash.wait_for("rss", timeout)["peak_mb"]
    return first, full, rss


def measure_size(size: int, plan: Plan, figures: list[Figure], ratios: dict) -> None:
    label = f"{size}"
    log(f"== scale:{size}: starting the cluster")
    with ClusterProcess(f"scale:{size}", workdir=plan.workdir) as cluster:
        api = RawApi(cluster.kubeconfig)
        failed = scale_deployments(api, plan.replicas)
        settle = wait_settled(api, size * plan.replicas, timeout=max(120, size * 0.2))
        figures.append(
            Figure(
                "cluster: start to ready:",
                label,
                values=[cluster.startup_seconds],
                note=f"then {settle:.1f} s to {size * plan.replicas} pods"
                + (f", {failed} scale writes failed" if failed else ""),
            )
        )
        expect = workload_count(api)
        if not plan.runs:  # --storm-only
            _guarded("storm", figures, storm, cluster, api, expect, plan, figures)
            api.close()
            return
        kubectl_table, kubectl_json, raw_table, raw_json = (
            Figure(n, label)
            for n in (
                "kubectl get deploy -A",
                "kubectl get deploy -A -o json",
                "server: table pages (raw GET)",
                "server: JSON pages (raw GET)",
            )
        )
        first, full, rss = (
            Figure("kubeknobs: first frame", label),
            Figure("kubeknobs: time to table", label),
            Figure("kubeknobs: peak RSS", label, unit="MB", note="after every list is in"),
        )
        for run in range(plan.warmup + plan.runs):
            keep = run >= plan.warmup
            values = (
                kubectl_seconds(cluster.kubeconfig, "get", "deploy", "-A"),
                kubectl_seconds(cluster.kubeconfig, "get", "deploy", "-A", "-o", "json"),
                server_seconds(api, "/apis/apps/v1/deployments", accept=TABLE_ACCEPT),
                server_seconds(api, "/apis/apps/v1/deployments"),
            )
            app = cold_start(cluster.kubeconfig, expect, timeout=max(120, size * 0.05))
            log(
                f"   run {run + 1}{'' if keep else ' (warm-up)'}: kubectl {values[0]:.2f}/{values[1]:.2f} s, "
                f"server {values[2]:.2f}/{values[3]:.2f} s, kubeknobs first frame {app[0]:.2f} s, "
                f"table {app[1]:.2f} s, {app[2]:.0f} MB"
            )
            if keep:
                for fig, value in zip(
                    (kubectl_table, kubectl_json, raw_table, raw_json, first, full, rss),
                    values + app,
                    strict=True,
                ):
                    fig.values.append(value)
        full.note = f"{expect} workloads"
        figures += [first, full, rss, kubectl_table, kubectl_json, raw_table, raw_json]
        ratio_table = Figure(
            "ratio: time-to-table / kubectl get",
            label,
            unit="x",
            values=[a / b for a, b in zip(full.values, kubectl_table.values, strict=True)],
        )
        ratio_json = Figure(
            "ratio: time-to-table / kubectl get -o json",
            label,
            unit="x",
            values=[a / b for a, b in zip(full.values, kubectl_json.values, strict=True)],
        )
        figures += [ratio_table, ratio_json]
        ratios[size] = ratio_table.median  # paired per run: both sides saw the same load on a shared machine
        if size == plan.storm_size:
            _guarded("storm", figures, storm, cluster, api, expect, plan, figures)
        api.close()


def storm(cluster: ClusterProcess, api: RawApi, expect: int, plan: Plan, figures: list[Figure]) -> None:
    label = f"{plan.storm_size}"
    runs = plan.warmup + plan.storm_runs
    log(
        f"== storm on scale:{plan.storm_size}: {plan.storm_rate:.0f} writes/s for {plan.storm_seconds:.0f} s, "
        f"{runs} times on one dashboard ({plan.warmup} warm-up)"
    )
    names = (
        "model lag p50",
        "model lag p99",
        "keypress to repaint p50",
        "keypress to repaint p99",
        "garbage collector pauses, longest",
        "dropped model updates",
        "duplicated model updates",
        "objects whose last write never reached the model",
    )
    units = ("ms", "ms", "ms", "ms", "ms", "", "", "")
    kept = [Figure(f"storm: {n}", label, u) for n, u in zip(names, units, strict=True)]
    writes = keys_pressed = failed = pauses_seen = full_seen = 0
    with DashboardProcess(cluster.kubeconfig, expect) as dash:
        dash.wait_for("table", timeout=max(120, plan.storm_size * 0.05))
        # the storm meets a dashboard at rest: every list in (pods and Events come after the table) and
        # the layer summaries of the first list computed
        dash.wait_for("synced", timeout=max(120, plan.storm_size * 0.05))
        settled = dash.wait_idle(timeout=120)
        log(f"   dashboard at rest {settled:.1f} s after the table")
        for run in range(runs):
            values, result, keys, pauses = _storm_once(dash, api, plan)
            log(
                f"   run {run + 1}{'' if run >= plan.warmup else ' (warm-up)'}: lag p99 {values[1]:.0f} ms, "
                f"keypress p99 {values[3]:.0f} ms, longest collector pause {values[4]:.0f} ms, "
                f"{values[5]:.0f} dropped"
            )
            if run < plan.warmup:
                continue
            for figure, value in zip(kept, values, strict=True):
                figure.values.append(value)
            writes, failed, keys_pressed = (
                writes + len(result.writes),
                failed + result.failed,
                keys_pressed + len(keys),
            )
            pauses_seen, full_seen = (
                pauses_seen + len(pauses),
                full_seen + sum(1 for g, _ in pauses if g == 2),
            )
            dash.wait_idle(timeout=30)
        dash.send("quit")
        rss = dash.wait_for("rss", timeout=30)["peak_mb"]
    runs_kept = max(1, plan.storm_runs)
    kept[0].note = (
        f"{writes // runs_kept} writes per run at {plan.storm_rate:.0f}/s for {plan.storm_seconds:.0f} s, "
        f"{failed} failed"
    )
    kept[2].note = f"{keys_pressed // runs_kept} keys per run"
    kept[4].note = f"{pauses_seen // runs_kept} pauses per run, {full_seen} full in all"
    kept[7].note = "a resumed or relisted watch skips versions but must converge"
    figures += kept + [Figure("storm: kubeknobs peak RSS", label, "MB", [rss], "over every run")]


def _storm_once(dash: DashboardProcess, api: RawApi, plan: Plan):
    """One storm with keys pressed through it: the figures of `storm`, in its order."""
    marks_before = len(dash.all("model"))
    keys_before = len(dash.all("keys"))
    dash.send(f"keys {plan.storm_seconds}")
    result = run_storm(api, rate=plan.storm_rate, seconds=plan.storm_seconds)
    done = dash.wait_for_nth("keys", keys_before + 1, timeout=60)
    keys, pauses = done["latencies"], [tuple(p) for p in done.get("gc") or []]
    seen = _applied(dash, set(result.writes), timeout=30)
    marks = dash.all("model")[marks_before:]
    lags = [seen[k][0] - at for k, at in result.writes.items() if k in seen]
    values = (
        percentile(lags, 50) * 1000 if lags else float("nan"),
        percentile(lags, 99) * 1000 if lags else float("nan"),
        percentile(keys, 50) * 1000 if keys else float("nan"),
        percentile(keys, 99) * 1000 if keys else float("nan"),
        max((d for _, d in pauses), default=0.0) * 1000,
        sum(1 for k in result.writes if k not in seen),
        sum(len(v) - 1 for v in seen.values()),
        _not_converged(marks, result.writes),
    )
    return values, result, keys, pauses


def _not_converged(marks: list[dict], writes: dict) -> int:
    """Objects for which neither their last written version nor a later one was applied to the model."""
    last: dict[tuple, int] = {}
    for resource, ns, name, rv in writes:
        last[(resource, ns, name)] = max(last.get((resource, ns, name), 0), int(rv))
    newest: dict[tuple, int] = {}
    for mark in marks:
        for resource, ns, name, rv in mark["items"]:
            if rv.isdigit():
                newest[(resource, ns, name)] = max(newest.get((resource, ns, name), 0), int(rv))
    return sum(1 for key, rv in last.items() if newest.get(key, 0) < rv)


def _applied(dash: DashboardProcess, wanted: set, timeout: float) -> dict:
    """Model-apply times of each wanted (resource, ns, name, rv), waiting until all arrived or the time is up."""
    deadline = time.monotonic() + timeout
    while True:
        seen: dict = {}
        for mark in dash.all("model"):
            for item in mark["items"]:
                key = tuple(item)
                if key in wanted:
                    seen.setdefault(key, []).append(mark["t"])
        if len(seen) >= len(wanted) or time.monotonic() > deadline:
            return seen
        time.sleep(0.2)


def reload_detection(plan: Plan, figures: list[Figure]) -> None:
    from bench.reload import measure_reload

    if plan.reload_runs:
        log("== reload detection on the kubernaut scenario")
        figures.append(measure_reload(plan.reload_runs, log, plan.workdir))


def _guarded(what: str, figures: list[Figure], step, *args) -> None:
    """One failing step is reported in the results; the others still run."""
    try:
        step(*args)
    except Exception as exc:  # noqa: BLE001 - the harness reports any failure and goes on
        log(f"   {what} failed: {type(exc).__name__}: {exc}")
        figures.append(Figure(f"{what}: failed", what, note=f"{type(exc).__name__}: {exc}"[:200]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--quick", action="store_true", help="100 and 2,000 workloads, short storm (under 2 minutes)"
    )
    mode.add_argument("--smoke", action="store_true", help="one tiny run to prove the harness works")
    parser.add_argument("--sizes", help="comma-separated sizes instead of the mode's")
    parser.add_argument(
        "--storm-only",
        type=int,
        metavar="N",
        help="only the event storm on scale:N (the mode's rate and length), for profiling",
    )
    parser.add_argument(
        "--workdir", help="where kubeconfigs and cluster files go (default: a temporary directory)"
    )
    parser.add_argument(
        "--output", type=Path, help=f"where to write the results (default: {RESULTS}, none for --smoke)"
    )
    args = parser.parse_args(argv)
    # A terminated harness still stops its clusters and dashboards on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    name = "smoke" if args.smoke else "quick" if args.quick else "full"
    plan = PLANS[name]
    if args.sizes:
        sizes = tuple(int(s) for s in args.sizes.split(","))
        plan = replace(plan, sizes=sizes, storm_size=max(sizes) if plan.storm_size in plan.sizes else 0)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="kubeknobs-bench-"))
    plan = replace(plan, workdir=str(workdir))
    if args.storm_only:
        plan = replace(
            plan, sizes=(args.storm_only,), storm_size=args.storm_only, runs=0, warmup=0, reload_runs=0
        )
    figures: list[Figure] = []
    ratios: dict[int, float] = {}
    started = time.monotonic()
    try:
        for size in plan.sizes:
            _guarded(f"scale:{size}", figures, measure_size, size, plan, figures, ratios)
        _guarded("reload", figures, reload_detection, plan, figures)
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    text = table(figures)
    print(text)
    output = args.output or (None if args.smoke or args.storm_only else RESULTS)
    if output is not None:
        write_results(output, name, figures, time.monotonic() - started)
    if 2000 in ratios:
        print(f"time-to-table 2000: kubeknobs/kubectl = {ratios[2000]:.2f}")
    return 0
