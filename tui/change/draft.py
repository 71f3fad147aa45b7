"""Steps 2 and 3, as data: the operator's new value, checked, and the exact text that will be written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from tui.change.edits import EditError, set_key_path, validate_format, value_format
from tui.change.plan import Route
from tui.change.template import (
    blank_flag_problem,
    container_spec,
    container_value_problem,
    edit_container,
    value_problem,
)
from tui.model.layers import Setting, Source


@dataclass(frozen=True)
class Base:
    """What the server held when the wizard read it: the diff's left side and the apply's guard."""

    text: str  # the whole ConfigMap value, or the container's spec as YAML
    resource_version: str
    obj: dict  # the object as read


@dataclass(frozen=True)
class Draft:
    value: str  # what the operator typed: the new value, or the whole new file
    old_text: str
    new_text: str  # what will be written (the ConfigMap value, or the container spec as YAML)
    label: str  # the diff's file label, e.g. "workflowexecution-config/workflowexecution.yaml"


def editor_language(setting: Setting) -> str | None:
    """The TextArea language for a whole-key edit."""
    fmt = value_format(setting.key or "")
    return {"yaml": "yaml", "json": "json", "toml": "toml"}.get(fmt or "")


def base_from_configmap(obj: dict, key: str) -> Base:
    value = (obj.get("data") or {}).get(key)
    return Base(
        "" if value is None else value, str((obj.get("metadata") or {}).get("resourceVersion") or ""), obj
    )


def _container_yaml(found: dict) -> str:
    keep = {k: found[k] for k in ("name", "image", "command", "args", "env") if k in found}
    return yaml.safe_dump(keep, sort_keys=False, allow_unicode=True, width=4096)


def base_from_workload(obj: dict, container: str) -> Base:
    found = container_spec(obj, container)
    text = _container_yaml(found) if found else ""
    return Base(text, str((obj.get("metadata") or {}).get("resourceVersion") or ""), obj)


def check_value(setting: Setting, route: Route, value: str) -> str | None:
    """Why `value` cannot be written, or None; shown inline, and it blocks the next step."""
    if route == Route.KEY:
        return validate_format(setting.key or "", value)
    spec: dict[str, Any] = {  # the keywords of value_problem
        "value_type": setting.value_type,
        "positive": setting.positive,
        "choices": setting.choices,
        "any_case": setting.any_case,
    }
    if route == Route.TEMPLATE:
        blank = (
            blank_flag_problem(setting.name, value, setting.value_type)
            if setting.source == Source.FLAG
            else None
        )
        return blank or container_value_problem(setting.name, value, **spec)
    return value_problem(value, **spec)


def make_draft(setting: Setting, route: Route, base: Base, value: str) -> Draft:
    """The text the apply will write; EditError (operator text) when it cannot be built."""
    problem = check_value(setting, route, value)
    if problem:
        raise EditError(problem)
    if route == Route.KEY:
        new_text = value
    elif route == Route.KEY_PATH:
        fmt = value_format(setting.key or "") or "yaml"
        new_text = set_key_path(base.text, setting.key_path or "", value, fmt=fmt)
    elif route == Route.TEMPLATE:
        new_text = _template_after(base.obj, setting, value)
    else:
        raise EditError("this setting cannot be edited here")
    if new_text == base.text:
        raise EditError("the new value is the same as the current one: nothing to change")
    if route == Route.TEMPLATE:
        label = f"{setting.workload} container {setting.container}"
    else:
        label = f"{setting.configmap}/{setting.key}"
    return Draft(value, base.text, new_text, label)


def _template_after(obj: dict, setting: Setting, value: str) -> str:
    found = container_spec(obj, setting.container)
    if found is None:
        raise EditError(f"{setting.workload} has no container {setting.container}")
    return _container_yaml(edit_container(found, str(setting.source), setting.name, value).after)


def rebase(setting: Setting, route: Route, draft: Draft, fresh: Base) -> Draft:
    """The same edit made again on the server's newer version (a whole-key edit keeps the operator's text)."""
    return (
        make_draft(setting, route, fresh, draft.value)
        if route != Route.KEY
        else Draft(draft.value, fresh.text, draft.value, draft.label)
    )
