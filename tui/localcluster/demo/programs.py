"""The demo programs: `main(["workflowexecution", "--config=/etc/config/workflowexecution.yaml"])`."""

from __future__ import annotations

import os
import signal
import threading
from typing import TYPE_CHECKING

from .services import SERVICES, Service
from .startup import FlagSet, StartupError, load_yaml, sha256_hex
from .zaplog import Logger

if TYPE_CHECKING:
    from watchdog.observers.api import BaseObserver

    from .filewatcher import FileWatcher

EFFECTIVE_INTERVAL = float(os.environ.get("KUBEKNOBS_EFFECTIVE_INTERVAL", "30"))


class Program:
    """What every demo program shares: a logger, a stop signal, watchers, probe ports."""

    def __init__(self, name: str):
        self.name = name
        self.log = Logger(name)
        self.stopping = threading.Event()
        self.observer: BaseObserver | None = None
        self.watchers: list[FileWatcher] = []
        signal.signal(signal.SIGTERM, lambda *_: self.stopping.set())
        signal.signal(signal.SIGINT, lambda *_: self.stopping.set())

    def fail(self, logger: str, message: str, **fields) -> int:
        self.log.named(logger).error(message, **fields)
        return 1

    def watch(self, path: str, callback) -> None:
        from watchdog.observers import Observer

        from .filewatcher import FileWatcher

        if self.observer is None:
            self.observer = Observer()
            self.observer.daemon = True
            self.observer.start()
        watcher = FileWatcher(path, callback, self.log, self.observer)
        watcher.start()
        self.watchers.append(watcher)

    def run_until_stopped(self, every, interval: float = EFFECTIVE_INTERVAL) -> int:
        from .health import serve_probes

        serve_probes()
        parent = int(os.environ.get("KUBEKNOBS_PARENT_PID") or os.getppid())
        waited = 0.0
        while not self.stopping.wait(1.0):
            # The cluster that started us is gone (even by SIGKILL): do not outlive it.
            if os.getppid() != parent:
                break
            waited += 1.0
            if waited >= interval:
                waited = 0.0
                every()
        self.log.named("setup").info("Shutdown signal received, stopping")
        for watcher in self.watchers:
            watcher.stop()
        if self.observer is not None:
            self.observer.stop()
        return 0


def run_service(service: Service, argv: list[str]) -> int:
    program = Program(service.name)
    setup = program.log.named("setup")
    flags = FlagSet()
    flags.add("config", service.default_config)
    for name in ("metrics-bind-address", "health-probe-bind-address"):
        flags.add(name)
    flags.add_bool("leader-elect")
    try:
        values = flags.parse(argv)
    except StartupError as exc:
        return program.fail("setup", str(exc))
    path = values["config"] if service.config_flag else os.environ.get("CONFIG_PATH", service.default_config)
    effective: dict = {}

    def apply_config(text: str) -> None:
        new = service.validate(load_yaml(text))
        if not effective:
            effective.update(new)
        else:
            changes = {k: (effective[k], new[k]) for k in service.live_keys() if effective[k] != new[k]}
            for key, (_, value) in changes.items():
                effective[key] = value
            if service.reports_changes and changes:
                program.log.named("config").info(
                    "Configuration hot-reloaded successfully",
                    path=path,
                    hash=sha256_hex(text.encode()),
                    changes={k: f"{_go(old)} -> {_go(new)}" for k, (old, new) in changes.items()},
                )
        program.log.set_level(effective["logging.level"])
        if len(program.watchers) > 0:
            program.log.named("config").info("Effective configuration", settings=dict(effective))

    setup.info("Starting", service=service.name, config=path)
    try:
        program.watch(path, apply_config)
    except (OSError, ValueError) as exc:
        return program.fail("setup", "Failed to load configuration", path=path, error=str(exc))
    for key, default, applied_msg in service.watched_files:
        if key.startswith("env:"):
            file_path = os.environ.get(key[4:], default)
        else:
            file_path = effective.get(key, default)
        try:
            program.watch(file_path, _file_applier(program, file_path, applied_msg))
        except (OSError, ValueError) as exc:
            return program.fail("setup", "Failed to load policy", path=file_path, error=str(exc))

    def report() -> None:
        program.log.named("config").info("Effective configuration", settings=dict(effective))
        program.log.named("controller").debug("Reconcile loop tick", workers=2)

    report()
    setup.info("Starting manager")
    return program.run_until_stopped(report)


def _go(value) -> str:
    """A value as Go's %v prints it (booleans in lower case)."""
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _file_applier(program: Program, path: str, applied_msg: str):
    loaded: list[bool] = []

    def apply(text: str) -> None:
        if path.endswith(".rego"):
            check_rego(text)
        else:
            check_routing(load_yaml(text))
        program.log.named("policy").info(
            applied_msg if loaded else "Loaded at startup", path=path, hash=sha256_hex(text.encode())
        )
        loaded.append(True)

    return apply


def check_rego(text: str) -> None:
    """Just enough of Rego to reject what would not compile: a package line and balanced braces."""
    if not any(line.strip().startswith("package ") for line in text.splitlines()):
        raise ValueError("rego_parse_error: package expected")
    depth = 0
    for number, line in enumerate(text.splitlines(), 1):
        for char in line.split("#", 1)[0]:
            depth += {"{": 1, "}": -1}.get(char, 0)
            if depth < 0:
                raise ValueError(f"rego_parse_error: unexpected }} token at line {number}")
    if depth:
        raise ValueError("rego_parse_error: unexpected eof token: expected }")


def check_routing(data: dict) -> None:
    receivers = data.get("receivers") or []
    if not isinstance(receivers, list) or not all(isinstance(r, dict) and r.get("name") for r in receivers):
        raise ValueError("invalid routing: receivers must be a list of entries with a name")
    names = {r["name"] for r in receivers}
    route = data.get("route") or {}
    wanted = [route.get("receiver")] + [
        r.get("receiver") for r in route.get("routes") or [] if isinstance(r, dict)
    ]
    for receiver in wanted:
        if receiver not in names:
            raise ValueError(f"invalid routing: route references unknown receiver {receiver!r}")


def run_legacy_workflowexecution(argv: list[str]) -> int:
    """The WorkflowExecution controller before its config file: settings are startup flags."""
    from .startup import positive_duration

    program = Program("workflowexecution")
    flags = FlagSet()
    flags.add("cooldown-period", "5m")
    flags.add("execution-namespace", "kubernaut-workflows")
    flags.add("metrics-bind-address", ":9090")
    flags.add("health-probe-bind-address", ":8081")
    flags.add("zap-log-level", "info")
    flags.add_bool("leader-elect")
    try:
        values = flags.parse(argv)
    except StartupError as exc:
        return program.fail("setup", str(exc))
    try:
        positive_duration(values["cooldown-period"])
    except ValueError as exc:
        return program.fail(
            "setup",
            "invalid value for flag --cooldown-period",
            value=values["cooldown-period"],
            error=f"want a Go duration greater than 0 (e.g. 30s, 5m): {exc}",
        )
    if not values["execution-namespace"].strip():
        return program.fail(
            "setup", "invalid value for flag --execution-namespace", error="must not be empty"
        )
    program.log.set_level({"debug": "DEBUG", "error": "ERROR"}.get(values["zap-log-level"], "INFO"))
    settings = {f"--{name}": value for name, value in values.items()}

    def report() -> None:
        program.log.named("setup").info("Effective configuration", settings=settings)

    report()
    program.log.named("setup").info("Starting manager")
    return program.run_until_stopped(report)


def main(argv: list[str]) -> int:
    if not argv:
        return run_placeholder([])
    name, rest = argv[0], argv[1:]
    if name in SERVICES:
        return run_service(SERVICES[name], rest)
    if name == "workflowexecution-legacy":
        return run_legacy_workflowexecution(rest)
    if name == "kubernaut-agent":
        from .agent import run_agent

        return run_agent(Program("kubernaut-agent"), rest)
    if name == "coredns":
        from .coredns import run_coredns

        return run_coredns(Program("coredns"), rest)
    return run_placeholder(rest)


def run_placeholder(argv: list[str]) -> int:
    from .zaplog import emit

    image = os.environ.get("KUBEKNOBS_IMAGE", "unknown")
    if os.environ.get("KUBEKNOBS_INIT"):
        emit(f"placeholder init container: image {image} is not one of the demo programs; completed")
        return 0
    program = Program("placeholder")
    emit(f"placeholder container started: image {image} is not one of the demo programs; args {argv!r}")
    return program.run_until_stopped(lambda: emit(f"placeholder for {image} still running"), interval=60.0)
