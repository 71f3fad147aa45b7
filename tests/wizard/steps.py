"""Walking the wizard as an operator does: open it on a setting, type, review, apply, wait."""

from __future__ import annotations

import json

from tests.kube import kubectl
from tests.ui.harness import click_button
from tests.waiting import eventually_async
from tui.change.flow import Step
from tui.screens.wizard.screen import WizardScreen

NS = "kubernaut-system"
WE = ("Deployment", NS, "workflowexecution-controller")
LEGACY = ("Deployment", NS, "workflowexecution-legacy")
SP = ("Deployment", NS, "signalprocessing-controller")


async def connected(app, pilot, key):
    await eventually_async(
        pilot,
        lambda: app.synced and app.session is not None and app.session.settings(key),
        message="the session to sync",
        timeout=60,
    )


def find_setting(app, key, match):
    found = [s for s in app.session.settings(key) if match(s)]
    assert found, f"no such setting on {key}"
    return found[0]


async def open_wizard(app, pilot, key, match) -> WizardScreen:
    await connected(app, pilot, key)
    screen = WizardScreen(key, find_setting(app, key, match))
    app.push_screen(screen)
    await eventually_async(
        pilot,
        lambda: screen.flow.plan is not None and screen.query_one("#wizard-body").current == "step-where",
        message="step 1 shown",
        timeout=60,
    )
    await pilot.pause()  # laid out, so a click lands on the buttons
    return screen


async def type_value(pilot, screen, value: str) -> None:
    if screen.flow.step != Step.EDIT:
        await click_button(pilot, "#to-edit")
    await eventually_async(pilot, lambda: screen.flow.step == Step.EDIT, message="step 2")
    editor = screen._editor()
    if hasattr(editor, "load_text"):
        editor.load_text(value)
    else:
        editor.value = value
    # the screen checks what was typed as its change message arrives: wait for that verdict
    await eventually_async(
        pilot, lambda: getattr(screen, "checked_input", None) == value, message="the value checked"
    )
    assert screen.flow.step == Step.EDIT, f"left the edit step: {where_it_stood(pilot, screen)}"


def review_shown(screen) -> bool:
    """The dry run's verdict is on screen (the flow learns it on a thread, the screen a moment later)."""
    return screen.flow.dry_run_result is not None and "asking the API server" not in str(
        screen.query_one("#review-text").content
    )


async def review(pilot, screen) -> None:
    try:
        await click_button(pilot, "#to-review")
        await eventually_async(
            pilot,
            lambda: screen.flow.step == Step.REVIEW and review_shown(screen),
            message="the dry run",
            timeout=60,
        )
    except AssertionError as exc:
        raise AssertionError(f"{exc}: {where_it_stood(pilot, screen)}") from None


def where_it_stood(pilot, screen) -> str:
    """The wizard's state when a wait timed out: the screen on top, the step, the input and its verdict."""
    flow = screen.flow
    base = [line.strip() for line in (getattr(flow.base, "text", "") or "").splitlines() if "level" in line]
    return (
        f"top screen {pilot.app.screen!r}, step {flow.step}, checked {screen.checked_input!r}, "
        f"to-review disabled {screen.query_one('#to-review').disabled}, "
        f"problem {screen.query_one('#edit-problem').content!s}, base {base}, dry run {flow.dry_run_result!r}"
    )


def configmap_value(cluster, name: str, key: str) -> str:
    out = kubectl(cluster, "-n", NS, "get", "configmap", name, "-o", "json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)["data"][key]


def deployment(cluster, name: str) -> dict:
    out = kubectl(cluster, "-n", NS, "get", "deployment", name, "-o", "json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)
