"""Log follows: previous runs of crashed containers, restarts resumed, pods joining and leaving."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from tests.waiting import eventually
from tui.cluster.logs import LogFollower, clean_line


def pod(name, restarts=0):
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"containers": [{"name": "app", "image": "x"}]},
        "status": {"phase": "Running", "containerStatuses": [{"name": "app", "restartCount": restarts}]},
    }


class Lines:
    def __init__(self):
        self.lock, self.items = threading.Lock(), []

    def __call__(self, lines):
        with self.lock:
            self.items.extend(lines)

    def texts(self, pod_name=None, previous=None):
        with self.lock:
            return [
                ln.text
                for ln in self.items
                if (pod_name is None or ln.pod == pod_name) and (previous is None or ln.previous == previous)
            ]


def test_crashed_container_shows_its_previous_run_then_follows(cluster, admin):
    cluster.call(cluster.store.create, "pods", pod("crashy", restarts=1))
    cluster.call(cluster.logs.append, "default", "crashy", "app", "fatal: cooldownPeriod must be > 0")
    cluster.call(cluster.logs.rotate, "default", "crashy", "app")
    cluster.call(cluster.logs.append, "default", "crashy", "app", "starting again")
    got = Lines()
    follower = LogFollower(admin, "default", got, tail=10)
    try:
        follower.set_pods([cluster.call(cluster.store.get, "pods", "default", "crashy")])
        eventually(lambda: "starting again" in got.texts(previous=False))
        assert got.texts(previous=True) == ["fatal: cooldownPeriod must be > 0"]
        cluster.call(cluster.logs.append, "default", "crashy", "app", "live line")
        eventually(lambda: "live line" in got.texts())
        assert got.texts(previous=False).count("starting again") == 1
    finally:
        follower.stop()


def test_pods_join_and_leave(cluster, admin):
    for name in ("a", "b"):
        cluster.call(cluster.store.create, "pods", pod(name))
    got = Lines()
    follower = LogFollower(admin, "default", got, tail=10)
    try:
        follower.set_pods([pod("a")])
        cluster.call(cluster.logs.append, "default", "a", "app", "from a")
        eventually(lambda: got.texts("a") == ["from a"])
        follower.set_pods([pod("a"), pod("b")])
        eventually(lambda: follower.pods() == {"a", "b"})
        cluster.call(cluster.logs.append, "default", "b", "app", "from b")
        eventually(lambda: got.texts("b") == ["from b"])
        follower.set_pods([pod("b")])
        assert follower.pods() == {"b"}
    finally:
        follower.stop()


def test_escape_sequences_and_control_bytes_are_removed():
    assert clean_line(b"\x1b[2J\x1b]0;title\x07\x1b[31mok\x1b[0m\r") == "ok"
    assert clean_line("tab\there é".encode()) == "tab    here é"
    assert clean_line(b"\xff\xfebad") == "\ufffd\ufffdbad"


def test_a_follow_cut_before_its_first_line_resumes_where_it_began(cluster, admin):
    """A reload watch follows from the change on: a reconnect must not read the pod's whole log again."""
    cluster.call(cluster.store.create, "pods", pod("reloader"))
    cluster.call(cluster.logs.append, "default", "reloader", "app", "config reloaded (an earlier change)")
    eventually(lambda: cluster.call(cluster.logs.read, "default", "reloader", "app", since_seconds=3) == [])
    got = Lines()
    follower = LogFollower(admin, "default", got, since=datetime.now(UTC), include_previous=False)
    try:
        follower.set_pods([pod("reloader")])
        eventually(
            lambda: any(path.endswith("/reloader/log") for _m, path, _k in cluster.faults.requests),
            message="the follow to open",
        )
        cluster.faults.go_away()  # the stream is cut before any line came
        cluster.faults.come_back()
        cluster.call(cluster.logs.append, "default", "reloader", "app", "config reloaded (this change)")
        eventually(lambda: "config reloaded (this change)" in got.texts(), timeout=20)
        assert got.texts() == ["config reloaded (this change)"]
    finally:
        follower.stop()


def test_lines_of_one_moment_are_not_delivered_again_when_the_follow_reconnects(cluster, admin):
    cluster.call(cluster.store.create, "pods", pod("burst"))
    got = Lines()
    follower = LogFollower(admin, "default", got, tail=10)
    try:
        follower.set_pods([pod("burst")])
        eventually(
            lambda: any(path.endswith("/burst/log") for _m, path, _k in cluster.faults.requests),
            message="the follow to open",
        )
        moment = datetime.now(UTC)
        burst = ["config file changed", "config reloaded", "config reloaded"]  # a line may repeat, too
        for text in burst:
            cluster.call(cluster.logs.append, "default", "burst", "app", text, moment)
        eventually(lambda: len(got.texts()) == 3, message="the three lines")
        cluster.faults.go_away()
        cluster.faults.come_back()
        cluster.call(cluster.logs.append, "default", "burst", "app", "after the reconnect")
        eventually(lambda: "after the reconnect" in got.texts(), timeout=20)
        assert got.texts() == [*burst, "after the reconnect"]
    finally:
        follower.stop()
