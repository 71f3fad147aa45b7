"""How a change reaches the app: each reload mechanism, its layer, its plan, its window and how it is followed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from tui.model.layers import Layer, Setting
from tui.model.ownership import managed_warning
from tui.model.plans import (
    KUBELET_SYNC_S,
    Trigger,
    api_watch_steps,
    immutable_steps,
    live_steps,
    propagates_steps,
    request_steps,
    restart_steps,
    sidecar_steps,
)
from tui.model.workload import Workload


class Mechanism(StrEnum):
    FLAG = "flag"  # a command-line flag: read once at start
    ENV = "env"  # an environment variable: read once at start
    READ_AT_START = "read-at-start"  # a file the app reads only at start
    SUBPATH_COPY = "subpath-copy"  # a subPath mount: the kubelet copies the file once
    FILE_WATCH = "file-watch"  # the app watches the file and applies changes
    FILE_POLL = "file-poll"  # the app re-reads the file every N s (CoreDNS's reload plugin)
    API_WATCH = "api-watch"  # the app watches a ConfigMap or Secret through the Kubernetes API
    SIDECAR = "sidecar"  # another container of the pod watches the file and tells the app
    SIGNAL = "signal"  # the app re-reads its file when its main process gets a signal
    HTTP_ENDPOINT = "http-endpoint"  # the app re-reads its file on an HTTP request (POST /-/reload)
    IMMUTABLE = "immutable"  # an immutable ConfigMap or Secret: its data cannot change
    UNKNOWN = "unknown"  # the file propagates; nothing says the app re-reads it


class Follow(StrEnum):
    """How the wizard follows an applied change until it is in force."""

    HOT = "hot-reload"  # wait for every pod to report the new hash
    FILE = "file-propagates"  # wait for a reload; none known: offer a restart
    RESTART = "restart"  # apply the ConfigMap, then a confirmed rollout restart
    ROLLOUT = "rollout"  # the pod template changed (or Reloader acts): the rollout starts by itself
    RELOAD_THEN_RESTART = "reload-then-restart"  # the watched file reloads, but this key is read at start


Steps = Callable[[Workload, str, str, str | None, Trigger | None], list[str]]

# CoreDNS's reload plugin: every 30 s, ± 15 s of jitter.
DEFAULT_POLL_S = (30.0, 15.0)
API_WATCH_S = (0.0, 10.0)  # an informer sees the edit at once; the app applies it within seconds
SIDECAR_S = (KUBELET_SYNC_S[0], KUBELET_SYNC_S[1] + 5.0)  # the kubelet's sync, then the sidecar's call


def poll_window(period: float, jitter: float) -> tuple[float, float]:
    """Kubelet sync plus one poll: the earliest and latest a polled file is re-read after an apply."""
    return (KUBELET_SYNC_S[0] + max(0.0, period - jitter), KUBELET_SYNC_S[1] + period + jitter)


@dataclass(frozen=True)
class MechanismSpec:
    name: str
    layer: Layer
    label: str  # in the operator's words
    plan: Steps  # what the operator does to change a value held in a ConfigMap or Secret
    takes_effect_s: tuple[float, float] | None  # seconds from the apply; None: never by itself
    follow: Follow  # how the wizard follows a change of a ConfigMap-held value
    expects_reload: bool = False  # the reload watch follows the pods' logs for a reload line


MECHANISMS: dict[str, MechanismSpec] = {
    spec.name: spec
    for spec in (
        MechanismSpec(
            Mechanism.FLAG, Layer.RESTART, "command-line flag", restart_steps, None, Follow.RESTART
        ),
        MechanismSpec(
            Mechanism.ENV, Layer.RESTART, "environment variable", restart_steps, None, Follow.RESTART
        ),
        MechanismSpec(
            Mechanism.READ_AT_START, Layer.RESTART, "read only at start", restart_steps, None, Follow.RESTART
        ),
        MechanismSpec(
            Mechanism.SUBPATH_COPY, Layer.RESTART, "subPath copy", restart_steps, None, Follow.RESTART
        ),
        MechanismSpec(
            Mechanism.FILE_WATCH,
            Layer.HOT_RELOAD,
            "watches the file",
            live_steps,
            KUBELET_SYNC_S,
            Follow.HOT,
            expects_reload=True,
        ),
        MechanismSpec(
            Mechanism.FILE_POLL,
            Layer.HOT_RELOAD,
            "polls the file",
            live_steps,
            poll_window(*DEFAULT_POLL_S),
            Follow.HOT,
            expects_reload=True,
        ),
        MechanismSpec(
            Mechanism.API_WATCH,
            Layer.HOT_RELOAD,
            "watched through the API",
            api_watch_steps,
            API_WATCH_S,
            Follow.HOT,
            expects_reload=True,
        ),
        MechanismSpec(
            Mechanism.SIDECAR,
            Layer.HOT_RELOAD,
            "reloaded by a sidecar",
            sidecar_steps,
            SIDECAR_S,
            Follow.HOT,
            expects_reload=True,
        ),
        # re-read only when asked: nothing happens by itself, so no window; the reload line follows the ask
        MechanismSpec(
            Mechanism.SIGNAL,
            Layer.RELOAD_ON_REQUEST,
            "re-read on a signal",
            request_steps,
            None,
            Follow.FILE,
            expects_reload=True,
        ),
        MechanismSpec(
            Mechanism.HTTP_ENDPOINT,
            Layer.RELOAD_ON_REQUEST,
            "re-read on an HTTP request",
            request_steps,
            None,
            Follow.FILE,
            expects_reload=True,
        ),
        MechanismSpec(
            Mechanism.IMMUTABLE, Layer.IMMUTABLE, "immutable", immutable_steps, None, Follow.ROLLOUT
        ),
        MechanismSpec(
            Mechanism.UNKNOWN,
            Layer.FILE_PROPAGATES,
            "file updated, re-read unknown",
            propagates_steps,
            None,
            Follow.FILE,
        ),
    )
}


def mechanism_spec(mechanism: str) -> MechanismSpec:
    """Raises KeyError naming the mechanism when nothing registers it."""
    try:
        return MECHANISMS[mechanism]
    except KeyError:
        raise KeyError(f"no MechanismSpec registers mechanism {mechanism!r}") from None


def source_plan(
    mechanism: str,
    workload: Workload,
    kind: str,
    name: str,
    auto_restart: str | None,
    manager: str | None,
    trigger: Trigger | None = None,
) -> tuple[str, ...]:
    """A setting held in a ConfigMap or Secret: what to edit, then what makes the pods see it."""
    steps = mechanism_spec(mechanism).plan(workload, kind, name, auto_restart, trigger)
    warning = managed_warning(manager, f"the {kind}")
    return tuple([*steps, warning] if warning else steps)


def after_sync_s(setting: Setting) -> float:
    """How much later than the kubelet's sync the setting's change may take effect (a poll period)."""
    window = setting.takes_effect_s
    return max(0.0, window[1] - KUBELET_SYNC_S[1]) if window else 0.0


def reload_window(setting: Setting, sync_window: float) -> float:
    """Seconds after the apply past which silence means "no reload": the kubelet's window plus the app's."""
    return sync_window + after_sync_s(setting)


def expects_reload(setting: Setting) -> bool:
    return mechanism_spec(setting.mechanism).expects_reload
