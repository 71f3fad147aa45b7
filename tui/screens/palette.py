"""Context-sensitive commands for the command palette."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.screen import Screen

from tui.screens.navigation import focused_setting

if TYPE_CHECKING:
    from tui.screens.navigation import Navigation


def dashboard_commands(app: Navigation, screen: Screen) -> Iterable[SystemCommand]:
    yield SystemCommand("Switch namespace", "Choose the namespaces shown", app.action_pick_namespace)
    if app.session is not None:
        # names already known: the palette is built on the UI loop and must not wait for the API
        known = (
            set(app.known_namespaces)
            | {row.namespace for row in app.rows.values()}
            | set(app.namespaces or [])
        )
        for namespace in sorted(known):
            yield SystemCommand(
                f"Namespace: {namespace}",
                f"Show only namespace {namespace}",
                lambda ns=namespace: app.reconnect(namespaces=[ns]),
            )
        yield SystemCommand("Namespace: all", "Show every namespace", lambda: app.reconnect(namespaces=None))
    yield SystemCommand("Switch context", "Choose another kubeconfig context", app.action_pick_context)
    for context in app.connection.contexts if app.connection else []:
        if context != app.context_name:
            yield SystemCommand(
                f"Context: {context}",
                f"Connect to context {context}",
                lambda c=context: app.reconnect(namespaces=app.namespaces, context=c),
            )
    for name in sorted(app.project_themes):
        yield SystemCommand(
            f"Theme: {name}", f"Switch to the {name} theme", lambda n=name: setattr(app, "theme", n)
        )
    key = app.selected_workload()
    if key is not None:
        kind, namespace, name = key
        label = f"{kind} {namespace}/{name}"
        yield SystemCommand(f"Logs of {label}", "Follow the logs of its pods", app.action_logs)
        yield SystemCommand(f"YAML of {label}", "Show its YAML", app.action_yaml)
        yield SystemCommand(f"Events of {label}", "Live events of this controller", app.action_events)
        yield SystemCommand(f"Restart {label}", "Rollout restart, after a confirmation", app.action_restart)
        yield SystemCommand(
            f"Rollback {label}",
            "Back to the previous revision, after showing what it holds",
            app.action_rollback,
        )
        setting = focused_setting(screen)
        if setting is not None:
            yield SystemCommand(
                f"Change setting {setting.name}",
                "Change the focused setting the way its layer needs",
                app.action_change_setting,
            )
        else:  # from the controllers: the detail opens to pick the setting
            yield SystemCommand(
                f"Change setting of {label}",
                "Open its settings and pick the one to change",
                app.action_change_setting,
            )
    yield SystemCommand(
        "Events of all controllers", "Live events of every controller", lambda: app.push_events_screen(None)
    )
