"""One edit of a flag or literal env value on a container: the wizard's preview renders it, Actions patches with it."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from tui.change.edits import EditError, kubelet_expansion_problem, replace_flag, text_problem
from tui.model.flags import validate_value


def value_problem(
    value: str,
    *,
    value_type: str = "string",
    positive: bool = False,
    choices: tuple[str, ...] = (),
    any_case: bool = False,
) -> str | None:
    """Why `value` is not a value of its type (or not one of the profile's choices), or None."""
    if value == "" and value_type != "string":
        return "a value is required"
    if choices:
        return validate_value(value_type, value, choices=choices, any_case=any_case)
    problem = validate_value(value_type, value, positive=positive)
    return f"{value_type} expected: {problem}" if problem else None


def blank_flag_problem(name: str, value: str, value_type: str = "string") -> str | None:
    """A flag given a blank value starts the app with it empty: refused, with what to do instead."""
    if value.strip():
        return None
    flag = f"--{name.lstrip('-')}"
    what = "only whitespace" if value else "an empty value"
    return (
        f"{flag} needs a value: {what} would start the app with an empty {value_type}; "
        "to use the app's default, remove the flag from the pod template"
    )


def container_value_problem(name: str, value: str, **spec) -> str | None:
    """`value_problem`, and text the API cannot store or the kubelet would rewrite in args and env."""
    return value_problem(value, **spec) or text_problem(name, value) or kubelet_expansion_problem(value)


@dataclass(frozen=True)
class ContainerEdit:
    after: dict  # the whole container with the new value: what the preview shows
    patch: dict  # the same change as a strategic-merge entry of `containers`: what is sent


def container_spec(obj: dict, container: str) -> dict | None:
    spec = ((obj.get("spec") or {}).get("template") or {}).get("spec") or {}
    return next((c for c in spec.get("containers") or [] if c.get("name") == container), None)


def edit_container(found: dict, source: str, name: str, value: str) -> ContainerEdit:
    """Flag `name` set in args, else in command, else appended to args; env set unless it comes from a source."""
    after = copy.deepcopy(found)
    patch: dict = {"name": found.get("name")}
    if source == "flag":
        args, hit = replace_flag(list(after.get("args") or []), name, value)
        if hit:
            after["args"] = patch["args"] = args
        else:
            command, hit = replace_flag(list(after.get("command") or []), name, value)
            if hit:
                after["command"] = patch["command"] = command
            else:
                after["args"] = patch["args"] = [*(after.get("args") or []), f"--{name.lstrip('-')}={value}"]
    elif source == "env":
        env = list(after.get("env") or [])
        entry = next((e for e in env if e.get("name") == name), None)
        if entry is not None and entry.get("valueFrom"):
            raise EditError(f"{name} comes from {next(iter(entry['valueFrom']))}; change it at its source")
        if entry is None:
            env.append({"name": name, "value": value})
        else:
            entry["value"] = value
        after["env"] = env
        patch["env"] = [{"name": name, "value": value}]  # env merges by name
    else:
        raise EditError(f"{source} values are not edited on the pod template")
    return ContainerEdit(after, patch)
