"""What every action returns: done, or why not — never a half-made change."""

from __future__ import annotations

from dataclasses import dataclass, field

STATUSES = ("ok", "conflict", "forbidden", "invalid", "refused", "error")


@dataclass(frozen=True)
class ActionResult:
    status: str  # ok | conflict | forbidden | invalid | refused | error
    message: str  # one sentence for the operator
    current_value: str | None = None  # conflict: what the server holds now
    resource_version: str | None = None  # after success, or the server's on conflict
    denied: str | None = None  # forbidden: the missing permission, e.g. "patch configmaps in namespace demo"
    backup: str | None = None  # path of the local backup of the old value
    dry_run: bool = False
    details: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        # the dashboard puts the message inside its own sentence
        object.__setattr__(self, "message", self.message.strip().rstrip("."))

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @classmethod
    def success(cls, message: str, **kw) -> ActionResult:
        return cls("ok", message, **kw)

    @classmethod
    def invalid(cls, message: str, **kw) -> ActionResult:
        return cls("invalid", message, **kw)

    @classmethod
    def refused(cls, message: str, **kw) -> ActionResult:
        return cls("refused", message, **kw)

    @classmethod
    def error(cls, message: str, **kw) -> ActionResult:
        return cls("error", message, **kw)
