"""Step 1, as data: where the setting lives, which path the change takes, and what may stand in its way."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from tui.change.port import ReloaderSeen
from tui.model.layers import Layer, Setting, Source
from tui.model.mechanisms import Follow, Mechanism, expects_reload, mechanism_spec


class Route(StrEnum):
    KEY = "configmap-key"  # the whole value of a ConfigMap key, in an editor
    KEY_PATH = "configmap-path"  # one key path inside a YAML/JSON value
    TEMPLATE = "template"  # a flag or literal env value of the pod template
    REFUSED = "refused"


@dataclass(frozen=True)
class Caution:
    kind: str  # helm | argocd | flux | helm-checksum | reloader | immutable | rbac | readonly | secret
    text: str
    blocks: bool = False  # the apply will be refused


@dataclass(frozen=True)
class ChangePlan:
    route: Route
    follow: Follow | None
    summary: str  # the plan in plain words
    steps: tuple[str, ...]
    cautions: tuple[Caution, ...]
    pods: int
    verb: str  # the permission the apply needs, e.g. "update configmaps"
    refusal: str | None = None

    @property
    def blocked(self) -> Caution | None:
        return next((c for c in self.cautions if c.blocks), None)

    @property
    def restarts(self) -> bool:
        return self.follow in (Follow.RESTART, Follow.ROLLOUT, Follow.RELOAD_THEN_RESTART)


MANAGED = {
    "helm": "Managed by Helm: the next upgrade reverts a direct edit; change the chart values. You may still proceed.",
    "argocd": "Managed by Argo CD: the next sync reverts this edit; change it in Git. You may still proceed.",
    "flux": "Managed by Flux: the next reconcile reverts this edit; change it in Git. You may still proceed.",
}
AUTO = {
    "reloader": "Stakater Reloader watches this workload: the ConfigMap edit rolls every pod automatically.",
    "helm-checksum": "The pods carry a Helm checksum/config annotation: the next helm upgrade rolls them and "
    "overwrites a direct edit.",
}


def pods_phrase(count: int) -> str:
    return "1 pod" if count == 1 else f"{count} pods"


def display_name(setting: Setting) -> str:
    if setting.source == Source.FILE_KEY and setting.key_path:
        return setting.key_path
    if setting.source in (Source.FILE, Source.API_KEY) and setting.key:
        return setting.key
    return setting.name


def route_of(setting: Setting) -> tuple[Route, str | None]:
    if setting.secret:
        return Route.REFUSED, "This value comes from a Secret: kubeknobs never shows or edits Secret values."
    if setting.configmap and setting.key and setting.key_path:
        return Route.KEY_PATH, None
    if setting.configmap and setting.key:
        return Route.KEY, None
    if setting.source == Source.FLAG and "\n" in (setting.value or ""):  # given several times
        return Route.REFUSED, "This flag is given several times; edit its values in the pod template."
    if setting.source in (Source.FLAG, Source.ENV) and not setting.configmap:
        return Route.TEMPLATE, None
    return Route.REFUSED, "This setting has no single value to edit; follow the plan by hand."


def _watched(setting: Setting, siblings: Iterable[Setting]) -> bool:
    """Does the app watch the file this key lives in (another setting of the same file hot-reloads)?"""
    return any(
        s.configmap == setting.configmap
        and s.key == setting.key
        and s.container == setting.container
        and expects_reload(s)
        for s in siblings
    )


def follow_of(
    setting: Setting, route: Route, siblings: Iterable[Setting], reloader: ReloaderSeen | None = None
) -> Follow | None:
    """`reloader` is what the session saw of Stakater Reloader; None when it was not asked."""
    if route == Route.REFUSED:
        return None
    follow = mechanism_spec(setting.mechanism).follow  # an unregistered mechanism raises here
    if route == Route.TEMPLATE:
        return Follow.ROLLOUT
    if setting.auto_restart == "reloader":
        running = True if reloader is None else reloader.running
        # the app's own reload is followed unless a running Reloader replaces the pods first
        if running or (running is None and follow != Follow.HOT):
            return Follow.ROLLOUT
    if follow == Follow.RESTART and setting.consumed == "volume" and _watched(setting, list(siblings)):
        return Follow.RELOAD_THEN_RESTART
    return follow


def _no_reloader(reloader: ReloaderSeen, follow: Follow | None) -> str:
    """The workload asks Reloader to roll it, but Reloader is not seen running."""
    then = (
        "the app's own reload is followed"
        if follow in (Follow.HOT, Follow.FILE)
        else "if it does not roll the pods, restart them"
        if follow == Follow.ROLLOUT
        else "restart the pods to put the change in force"
    )
    if reloader.running is None:
        return f"The workload is annotated for Stakater Reloader, but {reloader.detail}: {then}."
    return (
        f"The workload is annotated for Stakater Reloader, but {reloader.detail}: "
        f"nothing rolls the pods; {then}."
    )


def _where(setting: Setting) -> str:
    name = display_name(setting)
    if setting.source == Source.FLAG:
        return f"`{name}` is a command-line flag of container {setting.container} in {setting.workload}."
    if setting.source == Source.ENV and not setting.configmap:
        return f"`{name}` is an env value of container {setting.container} in {setting.workload}."
    if setting.source == Source.ENV:
        return f"`{name}` comes from ConfigMap `{setting.configmap}`, key `{setting.key}`, into the env of {setting.container}."
    if setting.source in (Source.API, Source.API_KEY):
        return (
            f"`{name}` is in ConfigMap `{setting.configmap}`, which container {setting.container} of "
            f"{setting.workload} reads through the Kubernetes API ({setting.via})."
        )
    text = f"`{name}` is in ConfigMap `{setting.configmap}`"
    if setting.key_path:
        text += f", file `{setting.key}`"
    if setting.mount_path:
        text += f", mounted at `{setting.mount_path}`"
        if setting.sub_path:
            text += " with subPath (a copy made at start)"
    return text + "."


def _told(follow: Follow, n: str, setting: Setting) -> str:
    """The sentence for an app told of the change through the API, by a sidecar, or by the operator."""
    what = "Secret" if setting.secret else "ConfigMap"
    if follow == Follow.HOT and setting.mechanism == Mechanism.API_WATCH:
        return (
            f"The app watches the {what} through the API: edit it and wait a few seconds for {n} to apply it."
        )
    if follow == Follow.HOT and setting.mechanism == Mechanism.SIDECAR:
        return (
            f"Sidecar {setting.trigger} tells the app when the file changes: edit the {what} and wait for the "
            f"reload event on {n} after the kubelet syncs."
        )
    if follow == Follow.FILE and mechanism_spec(setting.mechanism).layer == Layer.RELOAD_ON_REQUEST:
        ask = next((step for step in setting.plan if step.startswith("In each pod")), "ask the app to reload")
        return (
            f"The app re-reads the file only when asked: edit the {what}, wait for the file to reach {n}, "
            f"then {ask[0].lower()}{ask[1:]}. kubeknobs does not send it for you."
        )
    return ""


def _how(follow: Follow | None, pods: int, setting: Setting, reloader: ReloaderSeen | None = None) -> str:
    if follow is None:  # nothing follows the edit: no sentence about it
        return ""
    n = pods_phrase(pods)
    told = _told(follow, n, setting)
    if told:
        return told
    return {
        Follow.HOT: f"The app reloads it live: edit the ConfigMap and wait for the reload event on {n}.",
        Follow.FILE: f"The kubelet updates the file, but no reload is known: edit the ConfigMap, wait for the file to "
        f"reach {n}, then restart if the app does not pick it up.",
        Follow.RESTART: f"It is read only at start: edit the ConfigMap, then restart {n}.",
        Follow.RELOAD_THEN_RESTART: f"The app watches this file but reads this key only at start: edit the ConfigMap, "
        f"then restart {n}.",
        Follow.ROLLOUT: (
            f"It is read once at start: editing the pod template rolls {n}."
            if setting.source in (Source.FLAG, Source.ENV) and not setting.configmap
            else f"The ConfigMap is immutable: a copy with the change is created and the workload "
            f"repointed to it, which rolls {n}."
            if setting.layer == Layer.IMMUTABLE
            else f"Reloader rolls {n} after the ConfigMap edit."
            if reloader is None or reloader.running
            else f"Reloader, if it runs, rolls {n} after the ConfigMap edit."
        ),
    }.get(follow, "")


def plan_change(
    setting: Setting,
    *,
    pods: int,
    siblings: Iterable[Setting] = (),
    readonly: bool = False,
    can: Callable[[str, str, str], bool] | None = None,
    reloader: ReloaderSeen | None = None,
) -> ChangePlan:
    route, refusal = route_of(setting)
    follow = follow_of(setting, route, siblings, reloader)
    workloads = setting.workload.split("/", 1)[0].lower() + "s"
    resource = workloads if route == Route.TEMPLATE else "configmaps"
    verb = {Route.TEMPLATE: "patch"}.get(route, "create" if setting.layer == Layer.IMMUTABLE else "update")
    cautions: list[Caution] = []
    if setting.managed_by in MANAGED:
        cautions.append(Caution(str(setting.managed_by), MANAGED[setting.managed_by]))
    if setting.auto_restart == "reloader" and reloader is not None and not reloader.running:
        cautions.append(Caution("reloader", _no_reloader(reloader, follow)))
    elif setting.auto_restart in AUTO:
        cautions.append(Caution(str(setting.auto_restart), AUTO[setting.auto_restart]))
    if setting.layer == Layer.IMMUTABLE:
        cautions.append(
            Caution(
                "immutable",
                f"ConfigMap {setting.configmap} is immutable: the wizard creates a new "
                f"ConfigMap with the change and points {setting.workload} at it (a rolling update); "
                f"{setting.configmap} itself stays as it is.",
            )
        )
    if readonly:
        cautions.append(
            Caution(
                "readonly",
                "kubeknobs runs read-only (--readonly): every apply is refused and nothing is changed.",
                blocks=True,
            )
        )
    elif can is not None and route != Route.REFUSED:
        missing = [
            f"{v} {r} in namespace {setting.namespace}"
            for v, r in [(verb, resource)]
            + (
                [("patch", workloads)]
                if follow in (Follow.RESTART, Follow.RELOAD_THEN_RESTART) or setting.layer == Layer.IMMUTABLE
                else []
            )
            if not can(v, r, setting.namespace)
        ]
        if missing:
            cautions.append(
                Caution(
                    "rbac",
                    "You may not " + "; nor ".join(missing) + ": the apply will be refused.",
                    blocks=True,
                )
            )
    summary = (
        _where(setting)
        + " "
        + (_how(follow, pods, setting, reloader) if route != Route.REFUSED else (refusal or ""))
    )
    return ChangePlan(
        route,
        follow,
        summary.strip(),
        tuple(setting.plan),
        tuple(cautions),
        pods,
        f"{verb} {resource}",
        refusal,
    )
