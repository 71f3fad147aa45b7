"""Where a setting lives, and the record that says so."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Layer(StrEnum):
    HOT_RELOAD = "hot-reload"
    RELOAD_ON_REQUEST = "reload-on-request"  # the app re-reads its file when asked (a signal, a request)
    FILE_PROPAGATES = "file-propagates"
    RESTART = "restart"
    IMMUTABLE = "immutable"


class Source(StrEnum):
    FLAG = "flag"
    ENV = "env"
    FILE = "file"
    FILE_KEY = "file-key"
    API = "api"  # a whole ConfigMap or Secret the app reads through the Kubernetes API
    API_KEY = "api-key"  # one key of such an object


@dataclass(frozen=True)
class LayerSpec:
    """What a layer means wherever it is shown or compared."""

    strictness: int  # stricter layers win when one key reaches a container two ways
    summary_label: str  # "2 hot · 1 file"
    label: str  # the badge in the tables and the wizard
    colour_token: str  # the theme variable the badge is drawn in
    plain_colour: str  # the terminal colour `kubeknobs explain` uses
    default_mechanism: str  # the Mechanism a setting of this layer has when none is given


LAYERS: dict[str, LayerSpec] = {
    Layer.HOT_RELOAD: LayerSpec(0, "hot", "HOT", "success", "green", "file-watch"),
    Layer.RELOAD_ON_REQUEST: LayerSpec(1, "on request", "ASK", "accent", "cyan", "signal"),
    Layer.FILE_PROPAGATES: LayerSpec(2, "file", "FILE", "secondary", "yellow", "unknown"),
    Layer.RESTART: LayerSpec(3, "restart", "RESTART", "warning", "red", "read-at-start"),
    Layer.IMMUTABLE: LayerSpec(4, "immutable", "IMMUTABLE", "error", "magenta", "immutable"),
}


def layer_spec(layer: str) -> LayerSpec:
    """Raises KeyError naming the layer when nothing declares it."""
    try:
        return LAYERS[layer]
    except KeyError:
        raise KeyError(f"no LayerSpec declares layer {layer!r}") from None


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
    mechanism: str = ""  # a registered Mechanism; empty: the layer's default
    takes_effect_s: tuple[float, float] | None = None  # seconds from the apply; None: never by itself
    trigger: str | None = None  # reload-on-request: the signal or request to send; sidecar: its container
    via: str | None = None  # what names an API-watched object (a flag, a fixed name), or the sidecar

    def __post_init__(self) -> None:
        mechanism_spec = _registry.mechanism_spec
        spec = _registry.MECHANISMS.get(self.mechanism) if self.mechanism else None
        if spec is not None and spec.layer == self.layer:
            if self.takes_effect_s is None and spec.takes_effect_s is not None:
                object.__setattr__(self, "takes_effect_s", spec.takes_effect_s)  # the mechanism's own
            return  # what classification builds: checked with two lookups
        if not self.mechanism:
            spec = mechanism_spec(layer_spec(self.layer).default_mechanism)
            object.__setattr__(self, "mechanism", spec.name)
            if self.takes_effect_s is None:
                object.__setattr__(self, "takes_effect_s", spec.takes_effect_s)
            return
        spec = mechanism_spec(self.mechanism)
        layer_spec(self.layer)
        raise ValueError(f"mechanism {self.mechanism} is in layer {spec.layer}, not {self.layer}")

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
            "mechanism": str(self.mechanism),
            "takes_effect_s": list(self.takes_effect_s) if self.takes_effect_s else None,
            "trigger": self.trigger,
            "via": self.via,
            "secret" if self.secret else "configmap": self.configmap,
            "key": self.key,
        }


def layer_summary(settings: Iterable[Setting]) -> str:
    """Counts per layer in a fixed order, e.g. "2 hot · 1 file · 6 restart".

    A file whose keys are listed is counted through its keys: the file and its keys are one setting's worth.
    """
    settings = list(settings)
    described = {(s.container, s.name.partition("#")[0]) for s in settings if s.source == Source.FILE_KEY}
    counts: dict[str, int] = dict.fromkeys(LAYERS, 0)
    for setting in settings:
        if setting.source == Source.FILE and (setting.container, setting.name) in described:
            continue
        counts[setting.layer] += 1
    ordered = sorted(LAYERS.items(), key=lambda item: item[1].strictness)
    return " · ".join(f"{counts[layer]} {spec.summary_label}" for layer, spec in ordered if counts[layer])


# The registry builds on Layer and Setting, so it is imported once they exist.
from tui.model import mechanisms as _registry  # noqa: E402
