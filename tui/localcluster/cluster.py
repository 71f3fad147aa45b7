"""LocalCluster: the embedded Kubernetes API on 127.0.0.1, on its own thread and event loop."""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import inspect
import logging
import os
import random
import shutil
import tempfile
import threading
from dataclasses import dataclass

import yaml
from aiohttp import web

from tui.localcluster.api.auth import ADMIN_USER, READONLY_USER, Access
from tui.localcluster.api.faults import Faults
from tui.localcluster.api.logs import PodLogs
from tui.localcluster.api.server import ApiServer
from tui.localcluster.api.store import Store
from tui.localcluster.api.tls import ServingCertificate, issue

log = logging.getLogger("kubeknobs.localcluster")
CONTEXT = "kubeknobs-demo"
READONLY_CONTEXT = "kubeknobs-demo-readonly"


@dataclass
class ClusterOptions:
    sync_delay: float = 60.0
    time_scale: float = 1.0
    run_processes: bool = True
    workdir: str = ""
    bookmark_interval: float = 60.0


class LocalCluster:
    def __init__(
        self,
        scenario: str = "empty",
        *,
        port: int = 0,
        kubeconfig_path: str | None = None,
        sync_delay: float = 60.0,
        time_scale: float = 1.0,
        workdir: str | None = None,
        run_processes: bool = True,
        seed: int | None = None,
        bookmark_interval: float = 60.0,
        history_size: int = 20000,
        components: bool = True,
    ):
        self.scenario = scenario
        self.port = port
        self._owns_workdir = workdir is None
        self._kubeconfig_path = kubeconfig_path
        self.options = ClusterOptions(sync_delay, time_scale, run_processes, workdir or "", bookmark_interval)
        self.seed = seed
        self.rng = random.Random(seed)
        self.access = Access()
        self.token = self.access.token
        self.readonly_token = self.access.readonly_token
        self.store = Store(
            rng=self.rng,
            history_size=history_size,
            event_rng=random.Random(None if seed is None else f"{seed}/events"),
        )
        self.logs = PodLogs()
        self.faults = Faults(self)
        self.components: list = []
        self._with_components = components  # False: the API alone, for tests of the API itself
        self.url = ""
        self.kubeconfig = ""
        self.loop: asyncio.AbstractEventLoop | None = None
        self.thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._stopped: asyncio.Event | None = None
        self._started = False
        self._tls: ServingCertificate | None = None

    # -- lifecycle ---------------------------------------------------------------------------------

    def __enter__(self) -> LocalCluster:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> LocalCluster:
        if self._started:
            return self
        if self._owns_workdir:
            self.options.workdir = tempfile.mkdtemp(prefix="kubeknobs-cluster-")
        ready: concurrent.futures.Future = concurrent.futures.Future()
        self.thread = threading.Thread(target=self._run, args=(ready,), name="localcluster", daemon=True)
        self.thread.start()
        try:
            ready.result(timeout=60)
        except BaseException:
            self.thread.join(timeout=10)
            self._cleanup_workdir()
            raise
        self._started = True
        return self

    def _run(self, ready: concurrent.futures.Future) -> None:
        loop = asyncio.new_event_loop()
        self.loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._main(ready))
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _main(self, ready: concurrent.futures.Future) -> None:
        self._stopped = asyncio.Event()
        try:
            await self._serve()
            from tui.localcluster.runtime import build_components
            from tui.localcluster.scenarios import load_scenario

            self.components = build_components(self) if self._with_components else []
            started = []
            try:
                for component in self.components:
                    await component.start()
                    started.append(component)
                load_scenario(self.scenario, self)
            except BaseException:
                self.components = started
                raise
        except BaseException as exc:
            await self._shutdown()
            ready.set_exception(exc)
            return
        ready.set_result(None)
        await self._stopped.wait()
        await self._shutdown()

    async def _serve(self) -> None:
        app = ApiServer(self).build_app()
        # Idle keep-alive connections stay open like the apiserver's, so pooled clients never race a close.
        self._runner = web.AppRunner(
            app, access_log=None, shutdown_timeout=2.0, handle_signals=False, keepalive_timeout=3600
        )
        await self._runner.setup()
        self._tls = issue(os.path.join(self.options.workdir, "pki"))
        site = web.TCPSite(self._runner, "127.0.0.1", self.port, ssl_context=self._tls.server_context())
        await site.start()
        self._site = site
        self.port = self._runner.addresses[0][1]
        self.url = f"https://127.0.0.1:{self.port}"
        self._write_kubeconfig()

    async def _go_offline(self) -> None:
        """Close the port and cut every open connection, as a crashed API server would."""
        site, self._site = self._site, None
        if site is not None:
            await site.stop()
        self.faults.drop_watches_now()
        for handler in list(self._runner.server.connections if self._runner and self._runner.server else ()):
            handler.force_close()

    async def _come_back(self) -> None:
        """Answer again on the same port, with the same certificate and the same store."""
        if self._site is None and self._runner is not None:
            site = web.TCPSite(
                self._runner, "127.0.0.1", self.port, ssl_context=self._certificate.server_context()
            )
            await site.start()
            self._site = site

    async def _shutdown(self) -> None:
        for component in reversed(self.components):
            try:
                await component.stop()
            except Exception:  # noqa: BLE001 - one failing component must not keep the others running
                log.exception("stopping %r failed", component)
        self.components = []
        self.faults.drop_watches_now()
        self.logs.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def stop(self) -> None:
        if not self._started:
            return
        if threading.current_thread() is self.thread:
            raise RuntimeError("LocalCluster.stop() must be called from another thread than the cluster loop")
        self._started = False
        loop, stopped = self.loop, self._stopped
        if loop is not None and stopped is not None and not loop.is_closed():
            loop.call_soon_threadsafe(stopped.set)
        if self.thread is not None:
            self.thread.join(timeout=30)
        self._cleanup_workdir()

    def _cleanup_workdir(self) -> None:
        if self._owns_workdir and self.options.workdir:
            shutil.rmtree(self.options.workdir, ignore_errors=True)

    # -- helpers -----------------------------------------------------------------------------------

    @property
    def _certificate(self) -> ServingCertificate:
        if self._tls is None:
            raise RuntimeError("the cluster has not started serving: it has no certificate yet")
        return self._tls

    @property
    def ca_path(self) -> str:
        """The CA certificate (PEM) that signed the server's certificate."""
        path = os.path.join(self.options.workdir, "pki", "ca.crt")
        if not os.path.exists(path):
            with open(path, "wb") as fh:
                fh.write(self._certificate.ca_pem)
        return path

    def call(self, fn, *args, **kw):
        """Run `fn` on the cluster loop (awaiting it if it is a coroutine function) and return its result."""
        if threading.current_thread() is self.thread:
            raise RuntimeError("LocalCluster.call is for other threads; on the loop call the store directly")

        async def run():
            result = fn(*args, **kw)
            if inspect.isawaitable(result):
                result = await result
            return result

        if self.loop is None:
            raise RuntimeError("LocalCluster.call needs a started cluster")
        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(timeout=60)

    def _write_kubeconfig(self) -> None:
        path = self._kubeconfig_path or os.path.join(self.options.workdir, "kubeconfig")
        config = {
            "apiVersion": "v1",
            "kind": "Config",
            "preferences": {},
            "clusters": [
                {
                    "name": CONTEXT,
                    "cluster": {
                        "server": self.url,
                        "certificate-authority-data": base64.b64encode(self._certificate.ca_pem).decode(),
                    },
                }
            ],
            "users": [
                {"name": ADMIN_USER, "user": {"token": self.token}},
                {"name": READONLY_USER, "user": {"token": self.readonly_token}},
            ],
            "contexts": [
                {
                    "name": CONTEXT,
                    "context": {"cluster": CONTEXT, "user": ADMIN_USER, "namespace": "default"},
                },
                {
                    "name": READONLY_CONTEXT,
                    "context": {"cluster": CONTEXT, "user": READONLY_USER, "namespace": "default"},
                },
            ],
            "current-context": CONTEXT,
        }
        directory = os.path.dirname(os.path.abspath(path))
        os.makedirs(directory, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            yaml.safe_dump(config, fh, sort_keys=False)
        self.kubeconfig = path
