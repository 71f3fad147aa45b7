"""Load figures for the embedded API (not a test): watch fan-out latency and large list time.

Runs `kubeknobs demo-cluster` as a separate process and drives it over HTTPS with aiohttp:
  1. W concurrent watches, each on one ConfigMap (fieldSelector metadata.name=...); one write to each
     watched object; reports how long until every watch saw its update.
  2. N ConfigMaps created, then the full list fetched (raw JSON) several times; reports the time per list,
     and `kubectl get configmaps -o json` for comparison.

    python bench/localcluster_load.py [--watches 1000] [--configmaps 10000] [--deployments 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import shutil
import signal
import ssl
import statistics
import subprocess
import sys
import tempfile
import time

import aiohttp
import yaml


def start_cluster(workdir: str) -> tuple[subprocess.Popen, dict]:
    kubeconfig = os.path.join(workdir, "kubeconfig")
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "demo-cluster", "--kubeconfig", kubeconfig],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    if not line.startswith("ready:"):
        process.kill()
        raise SystemExit(f"demo-cluster did not start: {line!r}")
    with open(kubeconfig) as fh:
        config = yaml.safe_load(fh)
    cluster = config["clusters"][0]["cluster"]
    return process, {
        "kubeconfig": kubeconfig,
        "server": cluster["server"],
        "token": config["users"][0]["user"]["token"],
        "ca": base64.b64decode(cluster["certificate-authority-data"]).decode(),
    }


async def create_configmaps(session, server, count: int, prefix: str, parallel: int = 32) -> None:
    url = f"{server}/api/v1/namespaces/default/configmaps"
    names = iter(range(count))

    async def worker():
        for i in names:
            body = {
                "metadata": {"name": f"{prefix}-{i:05d}", "labels": {"bench": prefix}},
                "data": {"config.yaml": f"logging:\n  level: info\nindex: {i}\n"},
            }
            async with session.post(url, json=body) as response:
                if response.status != 201:
                    raise SystemExit(f"create failed: {response.status} {await response.text()}")

    await asyncio.gather(*(worker() for _ in range(parallel)))


async def watch_fanout(session, server, count: int, writes: int = 5) -> dict:
    """`count` watches on one ConfigMap; each write must reach every watch."""
    url = f"{server}/api/v1/namespaces/default/configmaps"
    async with session.post(url, json={"metadata": {"name": "watched"}, "data": {"n": "0"}}) as response:
        assert response.status == 201, await response.text()
    ready = asyncio.Semaphore(0)
    arrivals: list[list[float]] = [[] for _ in range(writes)]

    async def watch():
        params = {"watch": "true", "fieldSelector": "metadata.name=watched", "timeoutSeconds": "300"}
        async with session.get(url, params=params, timeout=aiohttp.ClientTimeout(total=None)) as response:
            async for line in response.content:
                event = json.loads(line)
                if event["type"] == "ADDED":
                    ready.release()
                    continue
                n = int(event["object"]["data"]["n"])
                arrivals[n - 1].append(time.perf_counter())
                if n == writes:
                    return

    tasks = [asyncio.create_task(watch()) for _ in range(count)]
    for _ in range(count):
        await asyncio.wait_for(ready.acquire(), 120)
    rounds = []
    for n in range(1, writes + 1):
        start = time.perf_counter()
        async with session.patch(
            f"{url}/watched",
            data=json.dumps({"data": {"n": str(n)}}),
            headers={"Content-Type": "application/merge-patch+json"},
        ) as response:
            assert response.status == 200, await response.text()
        while len(arrivals[n - 1]) < count:
            await asyncio.sleep(0.005)
        delays = sorted(t - start for t in arrivals[n - 1])
        rounds.append(
            {"median_ms": round(statistics.median(delays) * 1000, 1), "last_ms": round(delays[-1] * 1000, 1)}
        )
        await asyncio.sleep(0.2)
    await asyncio.wait_for(asyncio.gather(*tasks), 60)
    return {"watches": count, "writes": rounds, "worst_last_ms": max(r["last_ms"] for r in rounds)}


async def list_time(session, server, count: int, rounds: int = 5) -> dict:
    await create_configmaps(session, server, count, "listed")
    url = f"{server}/api/v1/configmaps"
    times, size, items = [], 0, 0
    for _ in range(rounds):
        start = time.perf_counter()
        async with session.get(url) as response:
            body = await response.read()
        times.append(time.perf_counter() - start)
        size = len(body)
    items = len(json.loads(body)["items"])
    return {
        "items": items,
        "bytes": size,
        "list_best_s": round(min(times), 3),
        "list_median_s": round(statistics.median(times), 3),
    }


async def deployment_list_time(session, server, count: int, rounds: int = 3, parallel: int = 32) -> dict:
    url = f"{server}/apis/apps/v1/namespaces/default/deployments"
    names = iter(range(count))
    env = [{"name": f"SETTING_{i}", "value": "x" * 40} for i in range(30)]

    async def worker():
        for i in names:
            body = {
                "metadata": {"name": f"app-{i:05d}", "labels": {"app": f"app-{i:05d}"}},
                # No replicas: the kubelet would start a real process for every pod.
                "spec": {
                    "replicas": 0,
                    "selector": {"matchLabels": {"app": f"app-{i:05d}"}},
                    "template": {
                        "metadata": {"labels": {"app": f"app-{i:05d}"}},
                        "spec": {
                            "containers": [
                                {
                                    "name": "app",
                                    "image": "app:1",
                                    "env": env,
                                    "args": ["--config=/etc/app/config.yaml"],
                                }
                            ]
                        },
                    },
                },
            }
            async with session.post(url, json=body) as response:
                if response.status != 201:
                    raise SystemExit(f"create failed: {response.status} {await response.text()}")

    await asyncio.gather(*(worker() for _ in range(parallel)))
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        async with session.get(f"{server}/apis/apps/v1/deployments") as response:
            body = await response.read()
        times.append(time.perf_counter() - start)
    return {"items": count, "bytes": len(body), "first_s": round(times[0], 3), "best_s": round(min(times), 3)}


def kubectl_list_time(cluster: dict, workdir: str, resource: str = "configmaps") -> float | None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        return None
    env = {**os.environ, "KUBECACHEDIR": os.path.join(workdir, "cache")}
    subprocess.run(
        [kubectl, "--kubeconfig", cluster["kubeconfig"], "api-resources"], capture_output=True, env=env
    )
    start = time.perf_counter()
    subprocess.run(
        [kubectl, "--kubeconfig", cluster["kubeconfig"], "get", resource, "-A", "-o", "json"],
        capture_output=True,
        env=env,
        check=True,
    )
    return round(time.perf_counter() - start, 3)


async def main(args) -> None:
    workdir = tempfile.mkdtemp(prefix="kubeknobs-bench-")
    process, cluster = start_cluster(workdir)
    try:
        context = ssl.create_default_context(cadata=cluster["ca"])
        connector = aiohttp.TCPConnector(limit=0, ssl=context)
        headers = {"Authorization": f"Bearer {cluster['token']}"}
        async with aiohttp.ClientSession(connector=connector, headers=headers) as session:
            results = {"watch_fanout": await watch_fanout(session, cluster["server"], args.watches)}
            results["list"] = await list_time(session, cluster["server"], args.configmaps)
            if args.deployments:
                results["deployments"] = await deployment_list_time(
                    session, cluster["server"], args.deployments
                )
        results["list"]["kubectl_get_o_json_s"] = kubectl_list_time(cluster, workdir)
        if args.deployments:
            results["deployments"]["kubectl_get_o_json_s"] = kubectl_list_time(
                cluster, workdir, "deployments"
            )
        print(json.dumps(results, indent=2))
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)
        process.stdout.close()
        shutil.rmtree(workdir, ignore_errors=True)


def _exit_on_sigterm(*_):
    raise SystemExit(143)  # unwinds through main's finally, which stops the demo-cluster it started


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--watches", type=int, default=1000)
    parser.add_argument("--configmaps", type=int, default=10000)
    parser.add_argument(
        "--deployments", type=int, default=0, help="also list this many Deployments (0: skip)"
    )
    asyncio.run(main(parser.parse_args()))
