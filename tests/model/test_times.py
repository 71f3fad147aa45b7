from datetime import UTC, datetime, timedelta, timezone

import pytest

from tui.model.times import parse_time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-01T10:00:00Z", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01T12:00:00+02:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01T10:00:00.123456Z", datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=UTC)),
        ("2024-05-01T10:00:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),
    ],
)
def test_times_come_back_in_utc(text, expected):
    parsed = parse_time(text)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0) and parsed.tzinfo is UTC


@pytest.mark.parametrize("text", [None, "", "yesterday", "2024-13-01T00:00:00Z"])
def test_no_time_is_none(text):
    assert parse_time(text) is None


def test_an_offset_is_kept_as_the_same_instant():
    moment = datetime(2024, 5, 1, 3, 30, tzinfo=timezone(timedelta(hours=-5, minutes=-30)))
    assert parse_time(moment.isoformat()) == moment
