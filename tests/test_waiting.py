"""The wait helper fails loudly: the last value, or the exception the condition raised, is in the failure."""

import asyncio

import pytest

from tests.waiting import eventually, eventually_async


def test_returns_the_first_truthy_value():
    calls = iter([0, None, [], "ready"])
    assert eventually(lambda: next(calls), timeout=5, interval=0) == "ready"


def test_a_timeout_names_what_it_waited_for_and_the_last_value():
    with pytest.raises(AssertionError, match=r"the pods \(last value \[\]\)"):
        eventually(lambda: [], timeout=0.05, interval=0.01, message="the pods")


def test_an_exception_is_retried_and_then_kept_as_the_cause():
    def typo():
        return undefined_name  # noqa: F821 - the mistake a silent wait would hide

    with pytest.raises(AssertionError, match="it raised NameError") as caught:
        eventually(typo, timeout=0.05, interval=0.01)
    assert isinstance(caught.value.__cause__, NameError)


def test_a_condition_that_recovers_from_an_exception_passes():
    calls = iter([KeyError("not yet"), "ok"])

    def flaky():
        value = next(calls)
        if isinstance(value, Exception):
            raise value
        return value

    assert eventually(flaky, timeout=5, interval=0) == "ok"


def test_the_async_wait_reports_the_same_way():
    with pytest.raises(AssertionError, match="it raised ZeroDivisionError") as caught:
        asyncio.run(eventually_async(None, lambda: 1 / 0, timeout=0.05, interval=0.01, message="a ratio"))
    assert isinstance(caught.value.__cause__, ZeroDivisionError)
    assert asyncio.run(eventually_async(None, lambda: 3, timeout=1)) == 3


def test_a_message_can_be_written_at_the_deadline():
    seen: list[str] = []

    def nothing_yet():
        seen.append("line")

    with pytest.raises(AssertionError) as caught:
        eventually(nothing_yet, timeout=0.1, interval=0.04, message=lambda: f"got {len(seen)} lines")
    assert len(seen) >= 2 and f"got {len(seen)} lines" in str(caught.value)
