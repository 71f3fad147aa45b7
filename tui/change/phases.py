"""Where a change stands: the wizard's step on screen, and the phase of its follow."""

from __future__ import annotations

from enum import StrEnum


class Step(StrEnum):
    WHERE = "Where it lives"
    EDIT = "Edit"
    REVIEW = "Review"
    FOLLOW = "Apply and follow"
    SUMMARY = "Summary"


class Phase(StrEnum):
    EDITING = "editing"  # nothing written yet
    RELOADING = "reloading"  # waiting for each pod's reload event
    STALE = "stale"  # the window passed without a reload on every pod
    CONFIRM_RESTART = "confirm-restart"  # written; the pods must restart to use it
    ROLLING = "rolling"
    PROVING = "proving"  # rolled out: reading what each new pod started with
    REJECTED = "rejected"  # a pod's app refused the new content and kept the old one
    FAILED = "failed"  # the rollout crash-loops or stalled
    IN_FORCE = "in-force"
    UNPROVEN = "applied-unproven"  # the file reached the pods; the change hides the proof of its reload
    UNDONE = "undone"


TERMINAL = (Phase.IN_FORCE, Phase.UNPROVEN, Phase.UNDONE)
