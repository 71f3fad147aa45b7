import pytest

from tui.localcluster.demo.startup import FlagSet, StartupError, positive_duration
from tui.localcluster.scenarios.scale import parse_count


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
