"""`python -m bench.review`: `kubeknobs explain --against` on 500 workloads against 500, as a pre-commit hook runs it.

Both sides are generated: one rendered file each, every workload with its ConfigMap and a Service,
in the shapes charts render (checksum annotations, Reloader, subPath, envFrom, an immutable
ConfigMap, a profiled app whose watched file is partly read at start). NEW changes a tenth of them.
The figure is the wall time of the whole command, interpreter start included: median, min and max.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 2.0


def _meta(name: str, namespace: str, **extra) -> dict:
    return {"name": name, "namespace": namespace, **extra}


def _deployment(name: str, ns: str, container: dict, volumes: list, notes: dict, pod_notes: dict) -> dict:
    labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/managed-by": "Helm"}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _meta(name, ns, labels=labels, annotations=notes),
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app.kubernetes.io/name": name}},
            "template": {
                "metadata": {"labels": {"app.kubernetes.io/name": name}, "annotations": pod_notes},
                "spec": {"containers": [{"name": name, **container}], "volumes": volumes},
            },
        },
    }


def _configmap(name: str, ns: str, data: dict, immutable: bool = False) -> dict:
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta(name, ns), "data": data}
    return {**obj, "immutable": True} if immutable else obj


def _service(name: str, ns: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _meta(name, ns),
        "spec": {"ports": [{"port": 80}]},
    }


def workload(i: int, changed: bool) -> list[dict]:
    """The objects of workload `i`; `changed` gives NEW's version when `i` is among those NEW changes."""
    ns = f"team-{i % 20}"
    name = f"svc-{i}"
    shape = i % 5
    bump = changed and i % 10 in (0, 1, 2, 3, 4)
    volume = [{"name": "config", "configMap": {"name": f"{name}-config"}}]
    if shape == 0:  # a profiled app: logging.level applies live, the rest is read at start
        level, connections = ("DEBUG" if bump and i % 20 == 0 else "INFO"), (40 if bump and i % 20 else 20)
        text = f"database:\n  host: pg-{i}\n  maxConnections: {connections}\nlogging:\n  level: {level}\n"
        container = {
            "image": "quay.io/kubernaut-ai/datastorage:v1.2.0",
            "env": [{"name": "CONFIG_PATH", "value": "/etc/datastorage/config.yaml"}],
            "volumeMounts": [{"name": "config", "mountPath": "/etc/datastorage"}],
        }
        objects = [_configmap(f"{name}-config", ns, {"config.yaml": text})]
        pods = {"checksum/config": "a1"}
    elif shape == 1:  # a chart: subPath file and envFrom, the checksum bumped with the ConfigMap
        workers = 8 if bump else 4
        container = {
            "image": f"nginx:1.{27 + i % 3}",
            "envFrom": [{"configMapRef": {"name": f"{name}-config"}}],
            "volumeMounts": [
                {"name": "config", "mountPath": "/etc/nginx/nginx.conf", "subPath": "nginx.conf"}
            ],
        }
        objects = [
            _configmap(f"{name}-config", ns, {"nginx.conf": f"worker_processes {workers};\n", "MODE": "a"})
        ]
        pods = {"checksum/config": f"c{workers}"}
    elif shape == 2:  # Reloader restarts on a ConfigMap change
        container = {
            "image": f"example.com/api:{i}",
            "envFrom": [{"configMapRef": {"name": f"{name}-config"}}],
        }
        objects = [_configmap(f"{name}-config", ns, {"RATE_LIMIT": "200" if bump else "100"})]
        pods = {}
    elif shape == 3:  # flags
        workers = 8 if bump else 4
        container = {"image": f"example.com/worker:{i}", "args": ["--log-level=info", f"--workers={workers}"]}
        objects, volume, pods = [], [], {}
    else:  # an immutable ConfigMap edited in place
        container = {
            "image": f"example.com/pricing:{i}",
            "volumeMounts": [{"name": "config", "mountPath": "/etc/pricing"}],
        }
        objects = [_configmap(f"{name}-config", ns, {"TAX_RATE": "0.25" if bump else "0.21"}, immutable=True)]
        pods = {}
    notes = {"reloader.stakater.com/auto": "true"} if shape == 2 else {}
    return [*objects, _deployment(name, ns, container, volume, notes, pods), _service(name, ns)]


def write_sides(folder: Path, count: int) -> tuple[Path, Path]:
    old, new = folder / "old.yaml", folder / "new.yaml"
    for path, changed in ((old, False), (new, True)):
        docs = [obj for i in range(count) for obj in workload(i, changed)]
        path.write_text(yaml.safe_dump_all(docs, sort_keys=False), encoding="utf-8")
    return old, new


def command(old: Path, new: Path) -> list[str]:
    return [sys.executable, "-m", "tui.cli", "explain", "--against", str(old), "-f", str(new), "-o", "json"]


def run_once(old: Path, new: Path) -> float:
    started = time.monotonic()
    done = subprocess.run(command(old, new), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    elapsed = time.monotonic() - started
    if done.returncode not in (0, 1):
        raise RuntimeError(f"explain --against failed: {done.stderr.decode()[-500:]}")
    return elapsed


def profile(old: Path, new: Path) -> str:
    """The functions the command spends its time in, run in this process."""
    from tui.cli import main

    out = io.StringIO()
    profiler = cProfile.Profile()
    stdout, sys.stdout = sys.stdout, open(os.devnull, "w")  # noqa: SIM115 - closed below
    try:
        profiler.runcall(main, ["explain", "--against", str(old), "-f", str(new), "-o", "json"])
    finally:
        sys.stdout.close()
        sys.stdout = stdout
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.review", description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="also print where the time goes")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kubeknobs-review-") as folder:
        old, new = write_sides(Path(folder), args.workloads)
        run_once(old, new)  # warm-up: the page cache and the bytecode
        times = [run_once(old, new) for _ in range(args.runs)]
        median = statistics.median(times)
        print(
            f"explain --against, {args.workloads} workloads against {args.workloads}: "
            f"median {median:.2f} s (min {min(times):.2f}, max {max(times):.2f}, {args.runs} runs); "
            f"target {TARGET_S:.1f} s: {'met' if median < TARGET_S else 'MISSED'}"
        )
        if args.profile:
            print(profile(old, new))
    return 0 if median < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
