"""Scenarios: the objects a fresh embedded cluster starts with."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def load_scenario(name: str, cluster) -> None:
    """Create the objects of scenario `name` in `cluster`'s store (called on the cluster loop)."""
    load: Callable[[Any, str], None]
    if name == "empty":
        from tui.localcluster.scenarios.empty import load
    elif name == "kubernaut":
        from tui.localcluster.scenarios.kubernaut import load
    elif name.startswith("scale:"):
        from tui.localcluster.scenarios.scale import load
    else:
        raise ValueError(f"unknown scenario {name!r}: use empty, kubernaut or scale:N")
    load(cluster, name)
