import pytest

from tui.localcluster.demo.startup import FlagSet, StartupError, parse_duration, positive_duration
from tui.localcluster.scenarios.scale import parse_count


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("5m", 300),
        ("1h30m", 5400),
        ("1.5s", 1.5),
        ("300ms", 0.3),
        ("-2m", -120),
        ("0", 0),
        ("2h45m10s", 9910),
    ],
)
def test_go_durations(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("-1", 'missing unit in duration "-1"'),
        ("5", 'missing unit in duration "5"'),
        ("5 m", "invalid duration"),
        ("", "invalid duration"),
        ("m", "invalid duration"),
        ("1d", "invalid duration"),
    ],
)
def test_go_duration_errors_use_go_wording(text, error):
    with pytest.raises(ValueError, match=error):
        parse_duration(text)


def test_positive_duration_refuses_zero_and_negative():
    for text in ("0s", "-5m"):
        with pytest.raises(ValueError, match="greater than 0"):
            positive_duration(text)


def test_flag_set_takes_go_flag_forms():
    flags = FlagSet()
    flags.add("config")
    flags.add("cooldown-period", "5m")
    flags.add_bool("leader-elect")
    values = flags.parse(["-config", "/etc/a.yaml", "--cooldown-period=1m", "--leader-elect", "positional"])
    assert values == {"config": "/etc/a.yaml", "cooldown-period": "1m", "leader-elect": "true"}
    with pytest.raises(StartupError, match="flag provided but not defined: -nope"):
        flags.parse(["--nope=1"])
    with pytest.raises(StartupError, match="flag needs an argument: -config"):
        flags.parse(["-config"])


@pytest.mark.parametrize("name", ["scale", "scale:", "scale:ten", "scale:0", "scale:1000000"])
def test_scale_scenario_refuses_a_bad_count_with_a_clear_message(name):
    with pytest.raises(ValueError, match="scale:N"):
        parse_count(name)
