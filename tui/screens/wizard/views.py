"""What each step shows, as `Text` built from the flow: cluster values always go in as plain text."""

from __future__ import annotations

from rich.text import Text

from tui.change.flow import ChangeFlow, Phase, Step
from tui.change.follow import PodState
from tui.change.plan import Follow, Route, pods_phrase
from tui.widgets.diff import diff_text
from tui.widgets.safe_text import clean
from tui.widgets.theme_styles import layer_badge, style

STEPS = list(Step)


def steps_text(app, current: Step) -> Text:
    text = Text(end="", no_wrap=True)
    for number, step in enumerate(STEPS, start=1):
        if number > 1:
            text.append("  ›  ", style(app, "foreground-muted"))
        if step == current:
            text.append(f"{number} {step}", style(app, "accent", bold=True, reverse=True))
        else:
            done = STEPS.index(step) < STEPS.index(current)
            text.append(f"{number} {step}", style(app, "success" if done else "foreground-muted"))
    return text


def title_text(app, flow: ChangeFlow) -> Text:
    kind, ns, name = flow.key
    text = Text("Change ", style(app, "foreground", bold=True), end="")
    text.append(clean(flow.name), style(app, "accent", bold=True))
    text.append("  ")
    text.append_text(layer_badge(app, str(flow.setting.layer)))
    text.append(
        f"  {kind} {clean(ns)}/{clean(name)} · container {clean(flow.setting.container)}",
        style(app, "foreground-muted"),
    )
    return text


def where_text(app, flow: ChangeFlow) -> Text:
    plan = flow.planned
    text = Text(end="")
    text.append(clean(plan.summary) + "\n", style(app, "foreground", bold=True))
    for caution in plan.cautions:
        colour = "error" if caution.blocks else "warning"
        text.append("\n⚠ ", style(app, colour, bold=True))
        text.append(clean(caution.text), style(app, colour))
    if plan.refusal:
        text.append("\n✘ " + clean(plan.refusal), style(app, "error", bold=True))
    text.append("\n\nWhy this layer\n", style(app, "primary", bold=True))
    for line in flow.setting.evidence or ("no evidence recorded",):
        text.append("  • " + clean(line) + "\n")
    text.append("\nThe plan\n", style(app, "primary", bold=True))
    for number, line in enumerate(plan.steps or ("no plan",), start=1):
        text.append(f"  {number}. " + clean(line) + "\n")
    value = (
        "<secret>"
        if flow.setting.secret
        else clean(flow.setting.value if flow.setting.value is not None else "-")
    )
    if plan.route != Route.KEY:
        text.append("\nCurrent value  ", style(app, "foreground-muted"))
        text.append(value[:200], style(app, "foreground", bold=True))
    text.rstrip()
    return text


def review_text(app, flow: ChangeFlow) -> Text:
    draft, plan = flow.drafted, flow.planned
    text = Text(end="")
    what = "pod template" if plan.route == Route.TEMPLATE else "ConfigMap data"
    text.append(f"What will be written ({what})\n", style(app, "primary", bold=True))
    text.append_text(
        diff_text(
            app, draft.old_text, draft.new_text, old_label=f"a/{draft.label}", new_label=f"b/{draft.label}"
        )
    )
    text.append("\n\nPods affected\n", style(app, "primary", bold=True))
    pods = flow.pod_names()
    kind, ns, name = flow.key
    one = len(pods) == 1
    effect = (
        {
            Follow.HOT: "reloads the file" if one else "reload the file",
            Follow.FILE: ("sees" if one else "see") + " the new file after the kubelet syncs",
            Follow.RESTART: ("keeps" if one else "keep") + " the old value until restarted",
            Follow.ROLLOUT: ("is" if one else "are") + " replaced by a rollout",
            Follow.RELOAD_THEN_RESTART: "reloads the file, and must restart for this key"
            if one
            else "reload the file, and must restart for this key",
        }.get(plan.follow, "")
        if plan.follow is not None
        else ""
    )
    text.append(f"  {pods_phrase(len(pods))} of {kind} {clean(name)} {effect}\n")
    for pod in pods:
        text.append(f"    {clean(pod)}\n", style(app, "foreground-muted"))
    text.append("\nServer-side dry run\n", style(app, "primary", bold=True))
    result = flow.dry_run_result
    if result is None:
        text.append("  asking the API server…", style(app, "foreground-muted"))
    elif result.ok:
        text.append("  ✔ " + clean(result.message), style(app, "success"))
    else:
        text.append_text(result_text(app, result))
    return text


def result_text(app, result) -> Text:
    text = Text(end="")
    text.append(f"  ✘ {result.status}: " + clean(result.message), style(app, "error", bold=True))
    if getattr(result, "denied", None):
        text.append("\n  Missing permission: " + clean(result.denied), style(app, "error"))
    return text


def conflict_text(app, flow: ChangeFlow) -> Text:
    """Both versions: the one this edit was based on, and the server's current one."""
    result, draft = flow.conflict, flow.draft
    text = Text(end="")
    if result is None:
        return text
    text.append(
        "Conflict: someone changed it after it was read. Nothing was overwritten.\n",
        style(app, "error", bold=True),
    )
    text.append(clean(result.message) + "\n", style(app, "warning"))
    if result.current_value is not None and draft is not None:
        text.append("Their change (read → server now)\n", style(app, "primary", bold=True))
        text.append_text(
            diff_text(app, draft.old_text, result.current_value, old_label="read", new_label="server now")
        )
        text.append("\nYour change (read → yours)\n", style(app, "primary", bold=True))
        text.append_text(diff_text(app, draft.old_text, draft.new_text, old_label="read", new_label="yours"))
    text.append(
        "\n\nRebase (ctrl+r) makes your edit again on the server's version, to review once more.",
        style(app, "foreground-muted"),
    )
    return text


def follow_text(app, flow: ChangeFlow) -> Text:
    text = Text(end="")
    phase, n = flow.phase, pods_phrase(flow.planned.pods)
    kind, ns, name = flow.key
    watch = flow.reload
    if flow.applied is not None:
        text.append("✔ " + clean(flow.applied.message) + "\n", style(app, "success"))
    for line in flow.undo_done:
        text.append("↶ " + clean(line) + "\n", style(app, "warning"))
    if phase == Phase.RELOADING and watch is not None and watch.quiet:
        text.append(
            f"{clean(watch.quiet)}: no pod can prove its reload from its logs. Waiting {flow.window:.0f}s "
            f"for the kubelet to bring ConfigMap version {clean(watch.version)} to every pod.",
            style(app, "foreground", bold=True),
        )
        text.append("\nWhat would tell: " + clean(flow.what_would_tell()), style(app, "foreground-muted"))
    elif phase == Phase.RELOADING and watch is not None:
        done = watch.count(PodState.APPLIED) + watch.count(PodState.NEEDS_RESTART)
        text.append(
            f"Waiting for each pod to load ConfigMap version {clean(watch.version)}: "
            f"{done} of {len(watch.pods)} reported.",
            style(app, "foreground", bold=True),
        )
    elif phase == Phase.STALE:
        text.append(
            f"No reload event within {flow.window:.0f}s from every pod: the file may not have reached "
            "them yet, or the app does not re-read it. Propagate now (p) or restart (r).",
            style(app, "warning", bold=True),
        )
    elif phase == Phase.CONFIRM_RESTART:
        if flow.auto_missing:
            seen = flow.reloader
            why = f" ({clean(seen.detail)})" if seen is not None and seen.running is None else ""
            text.append(
                f"Reloader did not roll the pods within {flow.window:.0f}s{why}: restart {n} (r) to put "
                "the change in force.",
                style(app, "warning", bold=True),
            )
        elif watch is not None:
            text.append(
                f'The pods logged "reloaded", but {clean(flow.name)} is read only at start: '
                f"restart {n} (r) to put it in force.",
                style(app, "warning", bold=True),
            )
        else:
            text.append(
                f"ConfigMap updated; the pods still run the old value: restart {n} (r) to put it in force.",
                style(app, "warning", bold=True),
            )
    elif phase == Phase.ROLLING and flow.awaiting_generation is not None:
        text.append(
            f"Waiting for Reloader to roll {kind} {clean(name)} ({n})…", style(app, "foreground", bold=True)
        )
    elif phase == Phase.ROLLING:
        text.append(f"Rolling out {kind} {clean(name)}", style(app, "foreground", bold=True))
    elif phase == Phase.PROVING:
        text.append(
            f"Rolled out; reading what each new pod of {kind} {clean(name)} started with…",
            style(app, "foreground", bold=True),
        )
    elif phase == Phase.REJECTED and watch is not None:
        reasons = {clean(p.message) for p in watch.rejected}
        text.append(
            f"Rejected by {pods_phrase(len(watch.rejected))}; the old content stays in force: "
            + "; ".join(sorted(reasons))
            + "\nRevert the ConfigMap (u) to put back the value saved "
            "before the edit.",
            style(app, "error", bold=True),
        )
    elif phase == Phase.FAILED and flow.rollout is not None:
        text.append(
            f"The rollout failed ({clean(flow.rollout.failed or '')}).", style(app, "error", bold=True)
        )
        extra = " and revert the ConfigMap" if flow.configmap_changed else ""
        text.append(f" Roll back (b){extra}.", style(app, "error"))
    if flow.problem:
        text.append("\n✘ " + clean(flow.problem), style(app, "error"))
    return text


def rollout_text(app, flow: ChangeFlow) -> Text:
    text = Text(end="")
    watch = flow.rollout
    if watch is None:
        return text
    p = watch.progress
    if p is not None:
        text.append(
            f"{p.updated} updated · {p.ready} ready · {p.available} available of {p.desired} desired",
            style(app, "foreground", bold=True),
        )
        if p.message:
            text.append("\n" + clean(p.message), style(app, "foreground-muted"))
    else:
        text.append("waiting for the controller to observe the change…", style(app, "foreground-muted"))
    for crash in watch.crashes:
        text.append(
            f"\n✘ {clean(crash.pod)}/{clean(crash.container)} {clean(crash.reason)}; last log lines:",
            style(app, "error", bold=True),
        )
        for line in crash.last_lines[-8:]:
            text.append("\n    " + clean(line), style(app, "foreground-muted"))
    for event in watch.events[-3:]:
        text.append("\n" + clean(event.summary), style(app, "foreground-muted"))
    return text


def summary_text(app, flow: ChangeFlow) -> Text:
    record = flow.recorded
    text = Text(end="")
    hidden = bool(flow.reload is not None and flow.reload.quiet)
    file_everywhere = hidden and bool(flow.proofs) and all(p.proven for p in flow.proofs)
    unproven = (
        "Applied: the new file is in every pod; its reload is not provable from logs"
        if file_everywhere
        else "Applied, not provable from logs"
        if hidden
        else "Applied, not proven in force"
    )
    heading = {Phase.IN_FORCE: "In force", Phase.UNPROVEN: unproven}.get(flow.phase, "Undone")
    text.append(
        heading + "\n\n", style(app, "success" if flow.phase == Phase.IN_FORCE else "warning", bold=True)
    )
    rows = [("What", f"{flow.name} of {flow.key[0]}/{flow.key[2]} (container {flow.setting.container})")]
    if flow.route == Route.KEY:
        rows.append(("Change", f"{flow.setting.configmap}/{flow.setting.key} rewritten"))
    else:
        old = flow.setting.value if flow.setting.value is not None else "-"
        rows.append(("Change", f"{old} → {flow.drafted.value}"))
    if record is not None:
        rows += [("When", record.started), ("By", f"{record.user or '?'} (context {record.context})")]
        if record.in_force_after is not None:
            rows.append(("In force after", f"{record.in_force_after:.1f}s on every pod"))
        if not flow.undo_done:
            rows.append(("Undo", record.undo))
    for line in flow.undo_done:
        rows.append(("Undone", line))
    if flow.phase == Phase.UNPROVEN:
        rows.append(("Why", flow.unproven_reason))
    if flow.phase == Phase.UNPROVEN and hidden and flow.reload is not None and not flow.proofs:
        rows += [("Pod", f"{check.pod}: {check.state}") for check in flow.reload.pods]
    if flow.phase == Phase.UNPROVEN and hidden and not file_everywhere:
        rows.append(("To prove it", flow.what_would_tell()))
    rows += [("Pod", f"{proof.pod} {proof.detail}") for proof in flow.proofs]
    for label, value in rows:
        text.append(f"{label:<15}", style(app, "foreground-muted"))
        text.append(clean(value) + "\n")
    text.append(
        "\nRecorded in the change history (command palette: Change history).", style(app, "foreground-muted")
    )
    return text
