"""Reload detection: a ConfigMap write until every pod of a hot-reload workload is shown as applied."""

from __future__ import annotations

import time

from bench.cluster import ClusterProcess, RawApi
from bench.dashboard import DashboardProcess
from bench.figures import Figure

SYNC_DELAY = 1.0
NAMESPACE, CONFIGMAP, KEY, DEPLOYMENT = "kubernaut-system", "gateway-config", "config.yaml", "gateway"
# WARN or ERROR would hide the app's info-level reload line, leaving nothing to detect
LEVELS = ("DEBUG", "INFO")


def _ready_pods(api: RawApi) -> int:
    pods = api.json(
        "GET", f"/api/v1/namespaces/{NAMESPACE}/pods?labelSelector=app.kubernetes.io%2Fname%3D{DEPLOYMENT}"
    )
    return sum(
        1
        for p in pods["items"]
        if any(
            c.get("type") == "Ready" and c.get("status") == "True"
            for c in (p.get("status") or {}).get("conditions") or []
        )
    )


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError(f"no {what} within {timeout:.0f} s")


def measure_reload(runs: int, log, workdir: str | None = None) -> Figure:
    figure = Figure(
        "reload: write to 'applied' on 3 pods, minus sync delay",
        "kubernaut",
        note=(f"sync delay {SYNC_DELAY:g} s, each pod syncs after 70-100 % of it"),
    )
    with ClusterProcess("kubernaut", sync_delay=SYNC_DELAY, workdir=workdir) as cluster:
        api = RawApi(cluster.kubeconfig)
        _wait(lambda: _ready_pods(api) >= 3, 120, "3 ready gateway pods")
        workloads = sum(
            len(api.json("GET", f"/apis/apps/v1/{p}")["items"])
            for p in ("deployments", "statefulsets", "daemonsets")
        )
        missed = 0
        with DashboardProcess(cluster.kubeconfig, workloads) as dash:
            dash.wait_for("table", 120)
            time.sleep(2)  # initial sync settles; the correlator then knows the gateway's pods
            for run in range(runs):
                cm = api.json("GET", f"/api/v1/namespaces/{NAMESPACE}/configmaps/{CONFIGMAP}")
                text = cm["data"][KEY]
                level = LEVELS[run % len(LEVELS)]
                new = (
                    "\n".join(
                        f"  level: {level}" if line.strip().startswith("level:") else line
                        for line in text.splitlines()
                    )
                    + "\n"
                )
                written = api.json(
                    "PATCH",
                    f"/api/v1/namespaces/{NAMESPACE}/configmaps/{CONFIGMAP}",
                    {"data": {KEY: new}},
                    content_type="application/merge-patch+json",
                )
                at = time.monotonic()
                version = written["metadata"]["resourceVersion"]

                def applied(version=version):
                    pods = {}
                    for mark in dash.all("reloads"):
                        for pod, outcome, configmap, matched in mark["items"]:
                            if (
                                outcome == "applied"
                                and configmap == CONFIGMAP
                                and str(matched) == str(version)
                            ):
                                pods.setdefault(pod, mark["t"])
                    return pods if len(pods) >= 3 else None

                try:
                    pods = _wait(applied, 30 + SYNC_DELAY, f"'applied' from 3 pods for version {version}")
                except TimeoutError as exc:
                    missed += 1
                    log(f"   run {run + 1}: {exc}")
                    continue
                seconds = max(pods.values()) - at - SYNC_DELAY
                figure.values.append(seconds)
                log(
                    f"   run {run + 1}: all 3 pods shown applied {seconds + SYNC_DELAY:.2f} s after the write"
                )
                time.sleep(1)
        api.close()
    if missed:
        figure.note += f"; {missed} of {runs} writes not shown as applied on all 3 pods within 30 s"
    return figure
