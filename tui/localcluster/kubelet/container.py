"""One container of a pod: start, restart with CrashLoopBackOff, probes, and its containerStatus."""

from __future__ import annotations

import asyncio
import hashlib
import os
import time

from tui.localcluster.demo import SERVES_PROBES, command, program_for_image

from . import probes
from .env import ConfigError, container_argv, resolve_env
from .process import ContainerProcess
from .volumes import MountError, copy_sub_path_mounts

BACKOFF_INITIAL = 10.0
BACKOFF_MAX = 300.0
BACKOFF_RESET_AFTER = 600.0  # a container that ran this long starts its back-off afresh
START_DELAY = 1.0  # readiness of a container without a probe the demo program answers


def now_iso(seconds: float | None = None) -> str:
    seconds = time.time() if seconds is None else seconds
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


class ContainerRunner:
    def __init__(self, pod, spec: dict, *, init: bool = False):
        self.pod = pod  # the PodWorker
        self.spec = spec
        self.name = spec.get("name", "")
        self.image = spec.get("image", "")
        self.init = init
        self.program = program_for_image(self.image)
        self.state: dict = {"waiting": {"reason": "ContainerCreating"}}
        self.last_state: dict = {}
        self.restart_count = 0
        self.ready = False
        self.started = False
        self.container_id = ""
        self.process: ContainerProcess | None = None
        self.env: dict[str, str] = {}  # the main process's env, which exec'd commands get too
        self.ports: dict[int, int] = {}  # container port -> the local port it listens on
        self.sessions: set = set()  # the ExecSessions running in this container
        self.stopping = False
        self._backoff = 0.0
        self._probe_task: asyncio.Task | None = None
        self._kill: asyncio.Task | None = None
        self._started_at = 0.0

    # status

    def status(self) -> dict:
        digest = hashlib.sha256(self.image.encode()).hexdigest()
        out = {
            "name": self.name,
            "image": self.image,
            "imageID": f"{self.image.split(':')[0]}@sha256:{digest}",
            "ready": self.ready,
            "restartCount": self.restart_count,
            "started": self.started,
            "state": self.state,
            "lastState": self.last_state,
        }
        if self.container_id:
            out["containerID"] = self.container_id
        return out

    @property
    def running(self) -> bool:
        return "running" in self.state

    # lifecycle

    async def run(self) -> int | None:
        """Run until stopped (or, for an init container, until it succeeds); returns the last exit code."""
        policy = "OnFailure" if self.init else self.pod.restart_policy
        while not self.stopping:
            code = await self._run_once()
            if code is None or self.stopping:
                return code
            if policy == "Never" or (policy == "OnFailure" and code == 0):
                return code
            delay = self._next_backoff()
            if delay > 0:
                self._set_state(
                    {
                        "waiting": {
                            "reason": "CrashLoopBackOff",
                            "message": (
                                f"back-off {int(delay / self.pod.time_scale)}s restarting failed container={self.name} "
                                f"pod={self.pod.name}_{self.pod.namespace}({self.pod.uid})"
                            ),
                        }
                    }
                )
                self.pod.event(
                    "BackOff",
                    f"Back-off restarting failed container {self.name} in pod "
                    f"{self.pod.name}_{self.pod.namespace}({self.pod.uid})",
                    "Warning",
                )
                await self.pod.sleep(delay)
        return None

    def _next_backoff(self) -> float:
        ran = time.monotonic() - self._started_at
        if ran >= BACKOFF_RESET_AFTER * self.pod.time_scale or self._backoff == 0:
            self._backoff = BACKOFF_INITIAL
            return 0.0
        delay = self._backoff
        self._backoff = min(self._backoff * 2, BACKOFF_MAX)
        return delay * self.pod.time_scale

    async def _run_once(self) -> int | None:
        env = await self._prepare()
        if env is None:
            return None
        if self.last_state:
            self.restart_count += 1
            self.pod.logs.rotate(self.pod.namespace, self.pod.name, self.name)
        self.pod.event("Pulled", f'Container image "{self.image}" already present on machine')
        mapping = self.ports = probes.port_map(self.spec)
        process_env = self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "HOME": self.pod.root,
            "HOSTNAME": self.pod.name,
            **env,
            "KUBEKNOBS_POD_ROOT": self.pod.root,
            "KUBEKNOBS_IMAGE": self.image,
            "KUBEKNOBS_PARENT_PID": str(os.getpid()),
            **({"KUBEKNOBS_INIT": "1"} if self.init else {}),
            **{f"KUBEKNOBS_PORT_{port}": str(local) for port, local in mapping.items()},
        }
        argv = command(self.program, container_argv(self.spec, env))
        self.process = ContainerProcess(argv, env=process_env, cwd=self.pod.root, on_line=self._on_line)
        self.container_id = (
            "containerd://"
            + hashlib.sha256(f"{self.pod.uid}/{self.name}/{self.restart_count}".encode()).hexdigest()
        )
        try:
            await self.process.start()
        except OSError as exc:
            self._set_state({"waiting": {"reason": "RunContainerError", "message": str(exc)}})
            self.pod.event("Failed", f"Error: {exc}", "Warning")
            return 128
        if self.stopping:
            # Stopped while the process was being spawned: it goes at once.
            await self.process.stop(0)
            return None
        self.pod.event("Created", f"Created container {self.name}")
        self.pod.event("Started", f"Started container {self.name}")
        self._started_at = time.monotonic()
        started_iso = now_iso()
        self.started = True
        self._set_state({"running": {"startedAt": started_iso}})
        self._kill = None
        self._probe_task = asyncio.create_task(self._probe(mapping))
        code = await self.process.wait()
        self._probe_task.cancel()
        for session in list(self.sessions):
            session.kill()  # exec'd commands end with the container, as in its PID namespace
        self.ready = False
        self.started = False
        code = 128 - code if code < 0 else code
        terminated = {
            "exitCode": code,
            "reason": "Completed" if code == 0 else "Error",
            "startedAt": started_iso,
            "finishedAt": now_iso(),
            "containerID": self.container_id,
        }
        if self.stopping:
            self._set_state({"terminated": terminated})
            return code
        self.last_state = {"terminated": terminated}
        self._set_state({"terminated": terminated})
        return code

    async def _prepare(self) -> dict | None:
        """Env and subPath files; waits (CreateContainerConfigError) until what they need exists."""
        while not self.stopping:
            try:
                env = resolve_env(self.spec, self.pod.object, self.pod.lookup)
                copy_sub_path_mounts(self.pod.root, self.pod.object, self.spec, self.pod.lookup)
                return env
            except (ConfigError, MountError, OSError) as exc:
                reason = (
                    "CreateContainerConfigError" if isinstance(exc, ConfigError) else "CreateContainerError"
                )
                self._set_state({"waiting": {"reason": reason, "message": str(exc)}})
                self.pod.event("Failed", f"Error: {exc}", "Warning")
                await self.pod.wait_for_change(10.0)
        return None

    def _on_line(self, line: str) -> None:
        self.pod.logs.append(self.pod.namespace, self.pod.name, self.name, line)

    def _set_state(self, state: dict) -> None:
        self.state = state
        self.pod.publish()

    def _set_ready(self, ready: bool) -> None:
        if ready != self.ready:
            self.ready = ready
            self.pod.publish()

    async def _probe(self, mapping: dict[int, int]) -> None:
        readiness = self.spec.get("readinessProbe") or {}
        liveness = self.spec.get("livenessProbe") or {}
        served = self.program in SERVES_PROBES
        ready_target = probes.probe_target(readiness) if served else None
        if ready_target is None or self.init:
            await asyncio.sleep(START_DELAY)
            self._set_ready(not self.init)
            if not (served and probes.probe_target(liveness)):
                return
        await asyncio.gather(
            self._probe_loop(readiness, mapping, self._set_ready, eager=True) if ready_target else _noop(),
            self._probe_loop(liveness, mapping, self._liveness) if served else _noop(),
        )

    async def _probe_loop(self, probe: dict, mapping: dict[int, int], report, *, eager: bool = False) -> None:
        target = probes.probe_target(probe)
        if target is None:
            return
        kind, port, path = target
        local = probes.resolve_port(self.spec, port, mapping)
        if local is None:
            # A probe on a port the container does not declare: judge by the start delay alone.
            await asyncio.sleep(START_DELAY)
            report(True)
            return
        period = float(probe.get("periodSeconds", 10))
        timeout = float(probe.get("timeoutSeconds", 1))
        success_needed = int(probe.get("successThreshold", 1))
        failure_needed = int(probe.get("failureThreshold", 3))
        await asyncio.sleep(float(probe.get("initialDelaySeconds", 0)))
        successes = failures = 0
        first = True
        while True:
            ok = await probes.run_probe(kind, local, path, timeout)
            successes, failures = (successes + 1, 0) if ok else (0, failures + 1)
            if ok and successes >= success_needed:
                first = False
                report(True)
            elif not ok and failures >= failure_needed:
                report(False)
            # Until the first success, readiness is probed often so a fresh pod turns Ready promptly;
            # liveness keeps its period, or a slow start would be counted as failures.
            await asyncio.sleep(min(period, 0.5) if first and eager else period)

    def _liveness(self, alive: bool) -> None:
        if not alive and self.process is not None and self._kill is None:
            self.pod.event("Killing", f"Container {self.name} failed liveness probe, will be restarted")
            self._kill = asyncio.get_running_loop().create_task(self.process.stop(self.pod.grace))

    async def stop(self, grace: float) -> None:
        self.stopping = True
        if (
            self.process is not None
            and self.process.proc is not None
            and self.process.proc.returncode is None
        ):
            self.pod.event("Killing", f"Stopping container {self.name}")
            await self.process.stop(grace)


async def _noop() -> None:
    return None
