"""What runs inside the embedded cluster besides the API: controllers and the kubelet."""

from __future__ import annotations

from tui.localcluster.controllers import build_controllers
from tui.localcluster.kubelet import build_kubelet


def build_components(cluster) -> list:
    """Components started in order after the API server is up, stopped in reverse order."""
    return [*build_controllers(cluster), *build_kubelet(cluster)]
