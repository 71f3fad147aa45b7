"""Demo programs that behave like the Kubernaut services.

They run as real processes started by the embedded kubelet: `launch.py` is the entry,
run by path so that a demo process never imports the rest of kubeknobs. The kubelet
sets `KUBEKNOBS_POD_ROOT` (the pod's root directory); absolute paths in flags and
env stay the in-container paths and are resolved under that root when opened.
"""

from __future__ import annotations

import os
import sys

LAUNCHER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "launch.py")

KUBERNAUT_REPOSITORY = "kubernaut-ai/"


def command(program: str, args: list[str]) -> list[str]:
    """The argv of a demo process: no PYTHON* variables and no script directory on sys.path."""
    return [sys.executable, "-E", "-P", LAUNCHER, program, *args]


# Programs that serve the HTTP/TCP probes declared on their container.
SERVES_PROBES = frozenset(
    {
        "workflowexecution",
        "workflowexecution-legacy",
        "signalprocessing",
        "aianalysis",
        "notification",
        "gateway",
        "datastorage",
        "kubernaut-agent",
        "remediationorchestrator",
        "coredns",
    }
)


def program_for_image(image: str) -> str:
    """The demo program an image runs: a Kubernaut service, CoreDNS, or the placeholder."""
    name, tag = _split_image(image)
    base = name.rsplit("/", 1)[-1]
    if KUBERNAUT_REPOSITORY in name or base.startswith("kubernaut-ai-"):
        service = base.removeprefix("kubernaut-ai-")
        if service == "workflowexecution" and tag == "legacy":
            return "workflowexecution-legacy"
        if service in SERVES_PROBES:
            return service
    if base == "coredns":
        return "coredns"
    return "placeholder"


def _split_image(image: str) -> tuple[str, str]:
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        name, tag = name.rsplit(":", 1)
        return name, tag
    return name, "latest"
