"""An event storm: ConfigMap and pod updates at a fixed rate, each write's resourceVersion recorded."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from urllib.parse import quote

import aiohttp

from bench.cluster import RawApi

STAMP_ANNOTATION = "bench.kubeknobs.io/seq"


@dataclass
class StormResult:
    writes: dict[tuple[str, str, str, str], float] = field(
        default_factory=dict
    )  # (res, ns, name, rv) -> done at
    failed: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.writes) / self.seconds if self.seconds else 0.0


def targets(api: RawApi, count: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """`count` ConfigMaps and `count` pods of the scale scenario to update in turn."""
    cms = api.json("GET", f"/api/v1/configmaps?limit={count}&labelSelector=")["items"]
    pods = api.json("GET", f"/api/v1/pods?limit={count}")["items"]
    key = lambda o: (o["metadata"]["namespace"], o["metadata"]["name"])  # noqa: E731
    return [key(o) for o in cms if not o["metadata"]["name"].startswith("kube-")], [key(o) for o in pods]


async def _storm(api: RawApi, rate: float, seconds: float, cms, pods, concurrency: int) -> StormResult:
    result = StormResult()
    ssl_context = api.context
    headers = {
        "Authorization": f"Bearer {api.token}",
        "Content-Type": "application/merge-patch+json",
        "Accept": "application/json",
    }
    base = f"https://{api.host}:{api.port}"
    queue: asyncio.Queue = asyncio.Queue(maxsize=concurrency * 4)
    connector = aiohttp.TCPConnector(ssl=ssl_context, limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:

        async def writer() -> None:
            while True:
                item = await queue.get()
                if item is None:
                    return
                resource, ns, name, body = item
                path = f"/api/v1/namespaces/{ns}/{resource}/{name}"
                try:
                    async with session.patch(base + path, data=body) as resp:
                        payload = await resp.read()
                        done = time.monotonic()
                        if resp.status >= 400:
                            result.failed += 1
                            continue
                    rv = json.loads(payload)["metadata"]["resourceVersion"]
                    result.writes[(resource, ns, name, str(rv))] = done
                except (TimeoutError, aiohttp.ClientError, ValueError, KeyError):
                    result.failed += 1

        workers = [asyncio.create_task(writer()) for _ in range(concurrency)]
        started = time.monotonic()
        total = int(rate * seconds)
        for seq in range(total):
            due = started + seq / rate
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            if seq % 2 == 0:
                ns, name = cms[(seq // 2) % len(cms)]
                body = json.dumps({"data": {"stamp": str(seq)}})
                await queue.put(("configmaps", ns, name, body))
            else:
                ns, name = pods[(seq // 2) % len(pods)]
                body = json.dumps({"metadata": {"annotations": {STAMP_ANNOTATION: str(seq)}}})
                await queue.put(("pods", ns, name, body))
        for _ in workers:
            await queue.put(None)
        await asyncio.gather(*workers)
        result.seconds = time.monotonic() - started
    return result


def run_storm(
    api: RawApi, *, rate: float = 1000, seconds: float = 10, spread: int = 200, concurrency: int = 32
) -> StormResult:
    """Half ConfigMap writes, half pod writes, over `spread` objects of each."""
    cms, pods = targets(api, spread)
    return asyncio.run(_storm(api, rate, seconds, cms, pods, concurrency))


async def _patch_all(api: RawApi, items: list[tuple[str, dict]], concurrency: int) -> int:
    headers = {"Authorization": f"Bearer {api.token}", "Content-Type": "application/merge-patch+json"}
    base = f"https://{api.host}:{api.port}"
    failed = 0
    queue: asyncio.Queue = asyncio.Queue()
    for item in items:
        queue.put_nowait(item)
    connector = aiohttp.TCPConnector(ssl=api.context, limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:

        async def worker() -> None:
            nonlocal failed
            while not queue.empty():
                path, body = queue.get_nowait()
                async with session.patch(base + path, data=json.dumps(body)) as resp:
                    await resp.read()
                    failed += resp.status >= 400

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return failed


def scale_deployments(api: RawApi, replicas: int, concurrency: int = 16) -> int:
    """Set every Deployment of the scale scenario to `replicas`; returns how many writes failed."""
    items = []
    token = ""
    while True:
        page = api.json(
            "GET",
            "/apis/apps/v1/deployments?limit=2000" + (f"&continue={quote(token, safe='')}" if token else ""),
        )
        for obj in page["items"]:
            meta = obj["metadata"]
            if obj["spec"].get("replicas") != replicas:
                items.append(
                    (
                        f"/apis/apps/v1/namespaces/{meta['namespace']}/deployments/{meta['name']}/scale",
                        {"spec": {"replicas": replicas}},
                    )
                )
        token = page["metadata"].get("continue") or ""
        if not token:
            break
    return asyncio.run(_patch_all(api, items, concurrency)) if items else 0
