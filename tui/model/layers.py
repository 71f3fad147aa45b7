"""Where a setting lives, and the record that says so."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Layer(StrEnum):
    HOT_RELOAD = "hot-reload"
    FILE_PROPAGATES = "file-propagates"
    RESTART = "restart"
    IMMUTABLE = "immutable"


class Source(StrEnum):
    FLAG = "flag"
    ENV = "env"
    FILE = "file"
    FILE_KEY = "file-key"


# Stricter layers win when one key reaches a container two ways.
LAYER_STRICTNESS = {Layer.HOT_RELOAD: 0, Layer.FILE_PROPAGATES: 1, Layer.RESTART: 2, Layer.IMMUTABLE: 3}

SUMMARY_LABELS = (
    (Layer.HOT_RELOAD, "hot"),
    (Layer.FILE_PROPAGATES, "file"),
    (Layer.RESTART, "restart"),
    (Layer.IMMUTABLE, "immutable"),
)


@dataclass(frozen=True)
class Setting:
    namespace: str
    workload: str
    container: str
    source: Source
    name: str
    value: str | None
    layer: Layer
    auto_restart: str | None
    managed_by: str | None
    evidence: tuple[str, ...]
    plan: tuple[str, ...]
    value_type: str = "string"
    configmap: str | None = None
    secret: bool = False
    key: str | None = None
    key_path: str | None = None
    mount_path: str | None = None
    sub_path: str | None = None
    consumed: str | None = None
    linked_file: str | None = None
    init: bool = False
    positive: bool = False  # declared: the value must be greater than 0
    choices: tuple[str, ...] = ()  # declared: the only values the app accepts
    any_case: bool = False  # the app accepts the choices in any letter case

    @property
    def address(self) -> tuple[str, str, str, str, str]:
        return (self.namespace, self.workload, self.container, str(self.source), self.name)

    def to_json(self) -> dict:
        return {
            "namespace": self.namespace,
            "workload": self.workload,
            "container": self.container,
            "source": str(self.source),
            "name": self.name,
            "value": None if self.secret else self.value,
            "layer": str(self.layer),
            "auto_restart": self.auto_restart,
            "managed_by": self.managed_by,
            "evidence": list(self.evidence),
            "plan": list(self.plan),
        }


def layer_summary(settings: Iterable[Setting]) -> str:
    """Counts per layer in a fixed order, e.g. "2 hot · 1 file · 6 restart"."""
    counts: dict[Layer, int] = dict.fromkeys(Layer, 0)
    for setting in settings:
        counts[setting.layer] += 1
    return " · ".join(f"{counts[layer]} {label}" for layer, label in SUMMARY_LABELS if counts[layer])
