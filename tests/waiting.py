"""Waiting on a condition, the one way the tests do it: poll until true, or fail saying what was seen last.

A condition that raises counts as "not yet" (a screen may still be building the widget it asks for),
but the exception is never lost: at the deadline it is the cause of the AssertionError.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
Message = str | Callable[[], str]  # a callable is asked at the deadline, for what was seen by then


class _Attempts:
    """The last value or exception of a condition, and the sentence a timeout says about them."""

    def __init__(self, condition: Callable[[], Any], timeout: float, message: Message):
        self.condition, self.timeout, self.message = condition, timeout, message
        self.deadline = time.monotonic() + timeout
        self.last_value: Any = None
        self.last_error: Exception | None = None

    def attempt(self) -> Any:
        try:
            self.last_value, self.last_error = self.condition(), None
        except Exception as error:  # noqa: BLE001 - kept, and raised as the cause at the deadline
            self.last_value, self.last_error = None, error
        return self.last_value

    def expired(self) -> bool:
        return time.monotonic() > self.deadline

    def failure(self) -> AssertionError:
        message = self.message() if callable(self.message) else self.message
        what = message or getattr(self.condition, "__name__", repr(self.condition))
        last = f"it raised {self.last_error!r}" if self.last_error else f"last value {self.last_value!r}"
        error = AssertionError(f"timed out after {self.timeout:g} s waiting for {what} ({last})")
        error.__cause__ = self.last_error
        return error


def eventually(
    condition: Callable[[], T], timeout: float = 30.0, *, interval: float = 0.05, message: Message = ""
) -> T:
    """The first truthy value of `condition()`, polled every `interval` seconds; AssertionError at `timeout`."""
    attempts = _Attempts(condition, timeout, message)
    while True:
        value = attempts.attempt()
        if value:
            return value
        if attempts.expired():
            raise attempts.failure()
        time.sleep(interval)


async def eventually_async(
    pilot, condition: Callable[[], T], timeout: float = 30.0, *, interval: float = 0.05, message: Message = ""
) -> T:
    """`eventually` inside a running Textual app: between polls the app (through `pilot`) gets to run."""
    attempts = _Attempts(condition, timeout, message)
    while True:
        value = attempts.attempt()
        if value:
            return value
        if attempts.expired():
            raise attempts.failure()
        if pilot is None:
            await asyncio.sleep(interval)
        else:
            await pilot.pause(interval)
