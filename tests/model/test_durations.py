"""Go durations: the values Go accepts, and Go's own words for the ones it refuses."""

import pytest

from tui.model.durations import DurationError, is_go_duration, parse_go_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("5m", 300),
        ("1h30m", 5400),
        ("1.5s", 1.5),
        ("1.5h", 5400),
        ("300ms", 0.3),
        ("-2m", -120),
        ("+2s", 2),
        ("0", 0),
        ("-0", 0),
        ("2h45m10s", 9910),
        ("1m0.5s", 60.5),
        ("10us", 1e-5),
        ("2µs", 2e-6),
        (".5s", 0.5),
    ],
)
def test_go_durations(text, seconds):
    assert parse_go_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize(
    ("text", "error", "missing_unit"),
    [
        ("-1", 'time: missing unit in duration "-1"', True),
        ("5", 'time: missing unit in duration "5"', True),
        ("1h5", 'time: missing unit in duration "1h5"', True),
        ("5 m", 'time: invalid duration "5 m"', False),
        ("1h 30m", 'time: invalid duration "1h 30m"', False),
        ("", 'time: invalid duration ""', False),
        ("-", 'time: invalid duration "-"', False),
        ("m", 'time: invalid duration "m"', False),
        ("1d", 'time: invalid duration "1d"', False),
        ("abc", 'time: invalid duration "abc"', False),
        ("--1s", 'time: invalid duration "--1s"', False),
    ],
)
def test_refusals_use_go_wording(text, error, missing_unit):
    with pytest.raises(DurationError) as caught:
        parse_go_duration(text)
    assert str(caught.value) == error
    assert caught.value.missing_unit is missing_unit
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(("text", "written"), [("30s", True), ("1h30m", True), ("0", False), ("30", False)])
def test_is_go_duration_needs_a_unit(text, written):
    assert is_go_duration(text) is written
