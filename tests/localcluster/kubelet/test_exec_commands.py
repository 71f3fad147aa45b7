"""How an exec'd command line is read: `kill` of PID 1 and its signal, and in-container paths."""

from __future__ import annotations

import os
import signal

import pytest

from tui.localcluster.kubelet.execute import in_pod_path, parse_kill


@pytest.mark.parametrize(
    ("args", "parsed"),
    [
        (["1"], (signal.SIGTERM, ["1"])),
        (["-HUP", "1"], (signal.SIGHUP, ["1"])),
        (["-SIGUSR1", "1"], (signal.SIGUSR1, ["1"])),
        (["-s", "usr2", "1"], (signal.SIGUSR2, ["1"])),
        (["-n", "9", "1"], (9, ["1"])),
        (["-9", "--", "1"], (9, ["1"])),
        (["-0", "1"], (0, ["1"])),
        (["-HUP", "1", "42"], (signal.SIGHUP, ["1", "42"])),
    ],
)
def test_a_signal_and_its_targets(args, parsed):
    assert parse_kill(args) == parsed


def test_what_is_not_a_signal_to_send():
    assert parse_kill(["-l"]) is None  # listing the signals is the host kill's job
    assert parse_kill(["-NOPE", "1"]) == "kill: NOPE: invalid signal specification\n"
    assert parse_kill(["-HUP"]) == "kill: usage: kill [-s sigspec | -n signum | -sigspec] pid\n"


def test_an_absolute_path_under_the_pods_directories_is_the_pods_file(tmp_path):
    root = str(tmp_path)
    os.makedirs(tmp_path / "etc" / "app")
    assert in_pod_path(root, "/etc/app/config.yaml") == f"{root}/etc/app/config.yaml"
    assert in_pod_path(root, "/etc") == f"{root}/etc"
    assert in_pod_path(root, f"{root}/etc/app") == f"{root}/etc/app"  # already the pod's
    assert in_pod_path(root, "/usr/bin/env") == "/usr/bin/env"  # the pod has no /usr: the host's
    assert in_pod_path(root, "relative/path") == "relative/path"
    assert in_pod_path(root, "-c") == "-c"
