"""The machine a benchmark ran on, and the results file."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from bench.figures import Figure, markdown

PACKAGES = ("kubeknobs", "textual", "rich", "kubernetes", "aiohttp", "urllib3", "PyYAML")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def _kubectl_version() -> str:
    try:
        out = subprocess.run(
            ["kubectl", "version", "--client", "-o", "yaml"], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return next(
        (line.split(":", 1)[1].strip() for line in out.splitlines() if line.strip().startswith("gitVersion")),
        "unknown",
    )


def describe() -> list[str]:
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"- CPU: {os.cpu_count()} cores, {_cpu_model()}",
        f"- memory: {_memory_gb():.1f} GB",
        f"- Python {platform.python_version()} on {platform.system()} {platform.release()}",
        f"- packages: {', '.join(versions)}",
        f"- kubectl (client picked for the server): {_kubectl_version()}",
        f"- load average at the end: {load} (the machine is shared; figures are noisy)",
    ]


def write_results(path: Path, mode: str, figures: list[Figure], seconds: float) -> None:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join(
        [
            "# kubeknobs benchmark results",
            "",
            f"`python -m bench{'' if mode == 'full' else ' --' + mode}`, {when}, {seconds:.0f} s in all.",
            "",
            "## Machine",
            "",
            *describe(),
            "",
            "## Figures",
            "",
            "Median of the runs after a warm-up, with min and max. Times run from process start (the",
            "harness's clock just before spawning) to the mark; `server:` rows are the same paged requests",
            "kubectl makes, read to the last byte by a bare HTTP client and not parsed.",
            "",
            markdown(figures),
            "",
        ]
    )
    path.write_text(text)
