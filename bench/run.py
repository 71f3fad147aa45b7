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
import threading
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
    replicas: int = 3
    workdir: str | None = None


PLANS = {
    "smoke": Plan(sizes=(20,), runs=1, warmup=0, storm_size=20, storm_seconds=1, storm_rate=50, reload_runs=1),
    "quick": Plan(sizes=(100, 2000), runs=5, warmup=1, storm_size=2000, storm_seconds=5, storm_rate=1000,
                  reload_runs=0),
    "full": Plan(sizes=(100, 2000, 10000), runs=5, warmup=1, storm_size=10000, storm_seconds=10,
                 storm_rate=1000, reload_runs=5),
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
        figures.append(Figure("cluster: start to ready:", label, values=[cluster.startup_seconds],
                              note=f"then {settle:.1f} s to {size * plan.replicas} pods"
                                   + (f", {failed} scale writes failed" if failed else "")))
        expect = workload_count(api)
        if not plan.runs:  # --storm-only
            _guarded("storm", figures, storm, cluster, api, expect, plan, figures)
            api.close()
            return
        kubectl_table, kubectl_json, raw_table, raw_json = (Figure(n, label) for n in (
            "kubectl get deploy -A", "kubectl get deploy -A -o json",
            "server: table pages (raw GET)", "server: JSON pages (raw GET)"))
        first, full, rss = (Figure("kubeknobs: first frame", label), Figure("kubeknobs: time to table", label),
                            Figure("kubeknobs: peak RSS", label, unit="MB", note="after every list is in"))
        for run in range(plan.warmup + plan.runs):
            keep = run >= plan.warmup
            values = (kubectl_seconds(cluster.kubeconfig, "get", "deploy", "-A"),
                      kubectl_seconds(cluster.kubeconfig, "get", "deploy", "-A", "-o", "json"),
                      server_seconds(api, "/apis/apps/v1/deployments", accept=TABLE_ACCEPT),
                      server_seconds(api, "/apis/apps/v1/deployments"))
            app = cold_start(cluster.kubeconfig, expect, timeout=max(120, size * 0.05))
            log(f"   run {run + 1}{'' if keep else ' (warm-up)'}: kubectl {values[0]:.2f}/{values[1]:.2f} s, "
                f"server {values[2]:.2f}/{values[3]:.2f} s, kubeknobs first frame {app[0]:.2f} s, "
                f"table {app[1]:.2f} s, {app[2]:.0f} MB")
            if keep:
                for fig, value in zip((kubectl_table, kubectl_json, raw_table, raw_json, first, full, rss),
                                      values + app, strict=True):
                    fig.values.append(value)
        full.note = f"{expect} workloads"
        figures += [first, full, rss, kubectl_table, kubectl_json, raw_table, raw_json]
        ratio_table = Figure("ratio: time-to-table / kubectl get", label, unit="x",
                             values=[a / b for a, b in zip(full.values, kubectl_table.values, strict=True)])
        ratio_json = Figure("ratio: time-to-table / kubectl get -o json", label, unit="x",
                            values=[a / b for a, b in zip(full.values, kubectl_json.values, strict=True)])
        figures += [ratio_table, ratio_json]
        ratios[size] = ratio_table.median  # paired per run: both sides saw the same load on a shared machine
        if size == plan.storm_size:
            _guarded("storm", figures, storm, cluster, api, expect, plan, figures)
        api.close()


def storm(cluster: ClusterProcess, api: RawApi, expect: int, plan: Plan, figures: list[Figure]) -> None:
    label = f"{plan.storm_size}"
    log(f"== storm on scale:{plan.storm_size}: {plan.storm_rate:.0f} writes/s for {plan.storm_seconds:.0f} s")
    with DashboardProcess(cluster.kubeconfig, expect) as dash:
        dash.wait_for("table", timeout=max(120, plan.storm_size * 0.05))
        # the storm meets a dashboard at rest: every list in (pods and Events come after the table) and
        # the layer summaries of the first list computed
        dash.wait_for("synced", timeout=max(120, plan.storm_size * 0.05))
        settled = dash.wait_idle(timeout=120)
        log(f"   dashboard at rest {settled:.1f} s after the table")
        dash.send(f"keys {plan.storm_seconds}")
        outcome: dict = {}
        writer = threading.Thread(target=lambda: outcome.update(result=run_storm(
            api, rate=plan.storm_rate, seconds=plan.storm_seconds)), name="bench-storm")
        writer.start()
        writer.join()
        result = outcome["result"]
        done = dash.wait_for("keys", timeout=60)
        keys, pauses = done["latencies"], done.get("gc") or []
        full = [d for g, d in pauses if g == 2]
        seen = _applied(dash, set(result.writes), timeout=30)
        dash.send("quit")
        rss = dash.wait_for("rss", timeout=30)["peak_mb"]
        dash_marks = dash.all("model")
    lags = [seen[k][0] - done for k, done in result.writes.items() if k in seen]
    stale = _not_converged(dash_marks, result.writes)
    dropped = sum(1 for k in result.writes if k not in seen)
    duplicated = sum(len(v) - 1 for v in seen.values())
    note = f"{len(result.writes)} writes in {result.seconds:.1f} s ({result.rate:.0f}/s), {result.failed} failed"
    figures += [
        Figure("storm: model lag p50", label, "ms", [percentile(lags, 50) * 1000] if lags else [], note),
        Figure("storm: model lag p99", label, "ms", [percentile(lags, 99) * 1000] if lags else []),
        Figure("storm: keypress to repaint p50", label, "ms", [percentile(keys, 50) * 1000] if keys else [],
               f"{len(keys)} keys"),
        Figure("storm: keypress to repaint p99", label, "ms", [percentile(keys, 99) * 1000] if keys else []),
        Figure("storm: garbage collector pauses, longest", label, "ms", [max(d for _, d in pauses) * 1000]
               if pauses else [0], f"{len(pauses)} pauses, {len(full)} full, "
                                   f"{sum(d for _, d in pauses) * 1000:.0f} ms in all"),
        Figure("storm: dropped model updates", label, "", [dropped]),
        Figure("storm: duplicated model updates", label, "", [duplicated]),
        Figure("storm: objects whose last write never reached the model", label, "", [stale],
               "a resumed or relisted watch skips versions but must converge"),
        Figure("storm: kubeknobs peak RSS", label, "MB", [rss]),
    ]


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
    mode.add_argument("--quick", action="store_true", help="100 and 2,000 workloads, short storm (under 2 minutes)")
    mode.add_argument("--smoke", action="store_true", help="one tiny run to prove the harness works")
    parser.add_argument("--sizes", help="comma-separated sizes instead of the mode's")
    parser.add_argument("--storm-only", type=int, metavar="N",
                        help="only the event storm on scale:N (the mode's rate and length), for profiling")
    parser.add_argument("--workdir", help="where kubeconfigs and cluster files go (default: a temporary directory)")
    parser.add_argument("--output", type=Path, help=f"where to write the results (default: {RESULTS}, none for --smoke)")
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
        plan = replace(plan, sizes=(args.storm_only,), storm_size=args.storm_only, runs=0, warmup=0,
                       reload_runs=0)
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
