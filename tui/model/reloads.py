"""What a profile declares beyond files: objects the app reads through the API, and what makes it re-read a file.

watches:                       # ConfigMaps and Secrets the app watches through the Kubernetes API
  - {flag: configmap}          # named by a flag, `name` or `namespace/name`
  - {env: INIT_CONFIG, default: kyverno}
  - {name: argocd-cm, labels: {app.kubernetes.io/part-of: argocd}}   # a fixed name; its informer's selector
files:
  - flag: config.file
    reload: request            # re-read only when asked, by the first ask that applies
    asks:
      - {request: POST /-/reload, port: 9090, when_flag: web.enable-lifecycle}
      - {signal: SIGHUP}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tui.model.reloadlog import ProfileError

_WATCH_KEYS = {"flag", "env", "name", "default", "kind", "labels"}
_ASK_KEYS = {"signal", "request", "port", "when_flag"}
SIGNALS = ("SIGHUP", "SIGUSR1", "SIGUSR2")
METHODS = ("POST", "PUT", "GET")


@dataclass(frozen=True)
class ApiWatch:
    """One ConfigMap or Secret the app reads through the API, and what names it."""

    kind: str = "ConfigMap"
    flag: str | None = None
    env: str | None = None
    name: str | None = None  # a fixed name, or the default when the flag or variable is not set
    labels: tuple[tuple[str, str], ...] = ()  # the app sees only objects carrying these labels

    def resolve(self, flag_values: Mapping[str, str], env: Mapping[str, str]) -> tuple[str, str, str] | None:
        """(the object's name, what names it, how in words) or None when nothing names one.

        e.g. ("ingress-nginx/controller", "--configmap", "named by --configmap")."""
        if self.flag is not None and flag_values.get(self.flag):
            return flag_values[self.flag], f"--{self.flag}", f"named by --{self.flag}"
        if self.env is not None and env.get(self.env):
            return env[self.env], f"env {self.env}", f"named by env {self.env}"
        if self.name is None:
            return None
        if self.flag is not None or self.env is not None:
            unset = f"--{self.flag}" if self.flag is not None else f"env {self.env}"
            return self.name, "default name", f"by its default name ({unset} is not set)"
        return self.name, "fixed name", "by its fixed name"


@dataclass(frozen=True)
class Ask:
    """A signal or an HTTP request that makes the app re-read its file."""

    signal: str | None = None
    request: str | None = None  # "POST /-/reload"
    port: int | None = None
    when_flag: str | None = None  # offered only when the container has this flag

    def applies(self, flag_values: Mapping[str, str]) -> bool:
        if self.when_flag is None:
            return True
        return flag_values.get(self.when_flag, "").lower() not in ("", "false", "0")


def parse_watches(value, where: str) -> tuple[ApiWatch, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ProfileError(f"{where}: watches must be a list")
    return tuple(_watch(entry, f"{where}: watches[{i}]") for i, entry in enumerate(value))


def _watch(entry, where: str) -> ApiWatch:
    if not isinstance(entry, Mapping) or set(entry) - _WATCH_KEYS:
        raise ProfileError(f"{where} must be a mapping of {', '.join(sorted(_WATCH_KEYS))}")
    if not set(entry) & {"flag", "env", "name"}:
        raise ProfileError(f"{where}: needs flag, env or name to say which object the app reads")
    if "name" in entry and "default" in entry:
        raise ProfileError(f"{where}: default goes with flag or env; a fixed name is `name`")
    kind = entry.get("kind", "ConfigMap")
    if kind not in ("ConfigMap", "Secret"):
        raise ProfileError(f"{where}: kind must be ConfigMap or Secret, not {kind!r}")
    labels = entry.get("labels") or {}
    if not isinstance(labels, Mapping):
        raise ProfileError(f"{where}: labels must be a mapping")
    name = entry.get("name", entry.get("default"))
    return ApiWatch(
        kind=kind,
        flag=str(entry["flag"]).lstrip("-") if entry.get("flag") is not None else None,
        env=str(entry["env"]) if entry.get("env") is not None else None,
        name=str(name) if name is not None else None,
        labels=tuple((str(k), str(v)) for k, v in labels.items()),
    )


def parse_asks(value, where: str) -> tuple[Ask, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        raise ProfileError(f"{where}: asks must be a list of signals or requests")
    return tuple(_ask(entry, f"{where}: asks[{i}]") for i, entry in enumerate(value))


def _ask(entry, where: str) -> Ask:
    if not isinstance(entry, Mapping) or set(entry) - _ASK_KEYS:
        raise ProfileError(f"{where} must be a mapping of {', '.join(sorted(_ASK_KEYS))}")
    signal, request, port = entry.get("signal"), entry.get("request"), entry.get("port")
    if (signal is None) == (request is None):
        raise ProfileError(f"{where}: needs either signal or request")
    if signal is not None and signal not in SIGNALS:
        raise ProfileError(f"{where}: signal must be one of {', '.join(SIGNALS)}, not {signal!r}")
    if request is not None:
        method, _, path = str(request).partition(" ")
        if method not in METHODS or not path.startswith("/"):
            raise ProfileError(f"{where}: request must be a method and a path, e.g. 'POST /-/reload'")
        if isinstance(port, bool) or not isinstance(port, int):
            raise ProfileError(f"{where}: a request needs the port it is sent to")
    return Ask(
        signal=signal,
        request=str(request) if request is not None else None,
        port=port,
        when_flag=str(entry["when_flag"]).lstrip("-") if entry.get("when_flag") is not None else None,
    )
