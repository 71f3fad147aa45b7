"""Writes in quick succession to a hot-reload ConfigMap: every pod is matched to the newest version.

The kubelet may deliver only the newest content (or both in a row, inside the app's
debounce), so the older version is superseded rather than left pending or turned stale.
A change that raises the log level hides the app's info-level reload line: the stale
warning says so instead of claiming the pod runs the old content.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.cluster.conftest import kubernaut_cluster, ready_session
from tests.waiting import eventually
from tui.cluster.reload import ReloadCorrelator, ReloadTarget, quiet_reason, sha256_text
from tui.model.events import ConfigMapChanged, ReloadEvent, ReloadStale, ReloadSuperseded
from tui.model.reloadlog import match_reload_line

NS = "kubernaut-system"
GATEWAY = ("Deployment", NS, "gateway")
CM, KEY = "gateway-config", "config.yaml"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    with kubernaut_cluster(tmp_path_factory, "kubernaut-succession") as cluster:
        yield cluster


@pytest.fixture
def session(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("KUBEKNOBS_STATE_DIR", str(tmp_path / "state"))
    with ready_session(demo, NS, GATEWAY, 3, timeout=60) as pair:
        yield pair


def _write(s, sink, key_path: str, value: str) -> ConfigMapChanged:
    result = s.actions.edit_configmap_key_path(NS, CM, KEY, key_path, value)
    assert result.ok, result.message
    return eventually(
        lambda: [
            c for c in sink.of(ConfigMapChanged, name=CM) if c.resource_version == result.resource_version
        ]
    )[0]


def _line(digest: str):
    return match_reload_line(
        f'{{"level":"info","msg":"Configuration reloaded successfully","hash":"{digest}"}}'
    )


def _two_versions():
    c = ReloadCorrelator(window=10)
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    targets = [ReloadTarget(GATEWAY, pod, KEY) for pod in ("gw-1", "gw-2")]
    v1, v2 = sha256_text("level: DEBUG"), sha256_text("level: INFO")
    c.config_changed(NS, CM, "7", {KEY: v1}, targets, at=t0, workload=GATEWAY)
    c.config_changed(NS, CM, "8", {KEY: v2}, targets, at=t0 + timedelta(seconds=0.5), workload=GATEWAY)
    return c, t0, v1, v2


def test_newest_version_logged_answers_the_pod_and_supersedes_the_older_one():
    c, t0, v1, v2 = _two_versions()
    events = c.reload_seen(NS, GATEWAY, "gw-1", "gateway", _line(v2), at=t0 + timedelta(seconds=1.5))
    superseded, applied = events
    assert isinstance(superseded, ReloadSuperseded) and (superseded.version, superseded.by_version) == (
        "7",
        "8",
    )
    assert (applied.outcome, applied.version, applied.hash) == ("applied", "8", v2)
    assert c.open_for(NS, "gw-1") == []
    assert [(e.pod, e.hash) for e in c.tick(t0 + timedelta(seconds=60))] == [("gw-2", v2)]


def test_older_version_logged_after_a_newer_write_is_still_matched_and_the_newer_stays_open():
    c, t0, v1, v2 = _two_versions()
    [first] = c.reload_seen(NS, GATEWAY, "gw-1", "gateway", _line(v1[:16]), at=t0 + timedelta(seconds=1))
    assert (first.outcome, first.version, first.hash) == ("applied", "7", v1)
    assert [e.version for e in c.open_for(NS, "gw-1")] == ["8"]
    [second] = c.reload_seen(NS, GATEWAY, "gw-1", "gateway", _line(v2), at=t0 + timedelta(seconds=1.3))
    assert (second.outcome, second.version) == ("applied", "8")


def test_superseded_version_never_turns_stale():
    c, t0, _v1, v2 = _two_versions()
    stale = c.tick(t0 + timedelta(seconds=60))
    assert {(e.pod, e.hash) for e in stale} == {("gw-1", v2), ("gw-2", v2)}


def test_raising_the_log_level_is_named_as_the_reason_no_line_may_come():
    assert "logging.level is now WARN" in quiet_reason("logging:\n  level: WARN\n", {"logging.level"})
    assert quiet_reason("logging:\n  level: DEBUG\n", {"logging.level"}) == ""
    assert quiet_reason("logging:\n  level: ERROR\n", {"server.port"}) == ""


@pytest.mark.slow
def test_two_writes_half_a_second_apart_every_pod_applies_the_second(session):
    s, sink = session
    first = _write(s, sink, "rateLimit.requestsPerMinute", "200")
    time.sleep(0.5)
    second = _write(s, sink, "logging.level", "DEBUG")
    pods = {p["metadata"]["name"] for p in s.pods_of(GATEWAY)}
    applied = eventually(
        lambda: (lambda got: got if {e.pod for e in got} >= pods else None)(
            sink.of(ReloadEvent, version=second.resource_version, outcome="applied")
        ),
        timeout=30,
    )
    assert all(e.hash == second.changed_keys[KEY] and e.delay is not None for e in applied)
    # the older version was delivered as well or skipped by the kubelet: either way nothing is owed for it
    for pod in pods:
        assert sink.of(ReloadEvent, pod=pod, version=first.resource_version) or sink.of(
            ReloadSuperseded, pod=pod, version=first.resource_version
        )
        assert s.correlator.open_for(NS, pod) == []
    assert not sink.of(ReloadStale, configmap=CM)


@pytest.mark.slow
def test_raising_the_log_level_turns_stale_with_the_reason(session):
    s, sink = session
    change = _write(s, sink, "logging.level", "WARN")
    pods = {p["metadata"]["name"] for p in s.pods_of(GATEWAY)}
    stale = eventually(
        lambda: (lambda got: got if {e.pod for e in got} >= pods else None)(
            [e for e in sink.of(ReloadStale, configmap=CM) if e.hash == change.changed_keys[KEY]]
        ),
        timeout=30,
    )
    assert all("logging.level is now WARN" in e.reason and "cannot be confirmed" in e.summary for e in stale)
