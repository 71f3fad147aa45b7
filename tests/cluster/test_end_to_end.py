"""End to end on the kubernaut demo: real processes log their reloads; the session matches them.

A hot key edited → every replica's `applied` matched to the new hash; a restart-only key
edited → `needs-restart` although the app logged success; an invalid value → `rejected`.
"""

from __future__ import annotations

import json

import pytest

from tests.cluster.conftest import kubernaut_cluster, ready_session
from tests.kube import kubectl_stdout
from tests.waiting import eventually
from tui.change.rollout import rollout_status
from tui.model.events import ConfigMapChanged, CrashLoop, ReloadEvent, RolloutProgress

pytestmark = pytest.mark.slow

NS = "kubernaut-system"
WE = ("Deployment", NS, "workflowexecution-controller")
LEGACY = ("Deployment", NS, "workflowexecution-legacy")
CM, KEY = "workflowexecution-config", "workflowexecution.yaml"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    with kubernaut_cluster(tmp_path_factory, "kubernaut", time_scale=0.1) as cluster:
        yield cluster


@pytest.fixture
def session(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("KUBEKNOBS_STATE_DIR", str(tmp_path / "state"))
    with ready_session(demo, NS, WE, 2, timeout=30) as pair:
        yield pair


def _edit(s, sink, key_path, value):
    result = s.actions.edit_configmap_key_path(NS, CM, KEY, key_path, value)
    assert result.ok, result.message
    change = eventually(
        lambda: [
            c for c in sink.of(ConfigMapChanged, name=CM) if c.resource_version == result.resource_version
        ]
    )[0]
    pods = {p["metadata"]["name"] for p in s.pods_of(WE)}
    events = eventually(
        lambda: (
            len({e.pod for e in sink.of(ReloadEvent, version=change.resource_version)}) == 2
            and sink.of(ReloadEvent, version=change.resource_version)
        ),
        timeout=40,
    )
    assert {e.pod for e in events} == pods
    assert all(e.hash == change.changed_keys[KEY] and e.delay is not None for e in events)
    return events


def test_hot_key_edit_every_replica_reports_applied_with_the_new_hash(session):
    events = _edit(*session, "logging.level", "DEBUG")
    assert {e.outcome for e in events} == {"applied"}


def test_restart_only_key_edit_reports_needs_restart_despite_the_apps_success(session):
    events = _edit(*session, "execution.cooldownPeriod", "10m")
    assert {e.outcome for e in events} == {"needs-restart"}
    assert all("execution.cooldownPeriod" in e.message for e in events)


def test_invalid_value_is_reported_rejected_with_the_apps_reason(demo, session):
    events = _edit(*session, "logging.level", "VERBOSE")
    assert {e.outcome for e in events} == {"rejected"}
    assert all("logging.level" in e.message for e in events)
    # the rejected value would crash the next pod at start: put the previous one back
    s, _sink = session
    assert s.actions.revert(NS, CM, KEY).ok
    assert "level: DEBUG" in kubectl_stdout(demo, "get", "configmap", "-n", NS, CM, "-o", "jsonpath={.data}")


def test_bad_flag_rollout_is_caught_with_its_last_log_lines_and_rolled_back(demo, session):
    s, sink = session
    invalid = s.actions.edit_container_value(
        LEGACY,
        "workflowexecution-controller",
        "flag",
        "cooldown-period",
        "-1s",
        value_type="duration",
        positive=True,
    )
    assert invalid.status == "invalid"
    kubectl_stdout(
        demo,
        "patch",
        "deployment",
        "-n",
        NS,
        "workflowexecution-legacy",
        "--type=json",
        "-p",
        json.dumps(
            [
                {
                    "op": "replace",
                    "path": "/spec/template/spec/containers/0/args/0",
                    "value": "--cooldown-period=-1",
                }
            ]
        ),
    )
    crashes = eventually(
        lambda: [
            e
            for e in sink.of(CrashLoop, workload=LEGACY)
            if any("cooldown" in line.lower() for line in e.last_lines)
        ],
        timeout=70,
        message="a crash reported with the app's last log lines",
    )
    assert crashes

    mark = len(sink.received)
    undo = s.actions.rollback(LEGACY)
    assert undo.ok, undo.message
    eventually(
        lambda: _since(sink, mark, RolloutProgress, workload=LEGACY, done=True),
        timeout=70,
        message="the rollback's rollout finished",
    )
    assert rollout_status(s.workload_object(LEGACY)).done


def _since(sink, mark: int, kind, **match) -> list:
    """Events of `kind` the session delivered after `mark` events."""
    with sink.lock:
        later = list(sink.received[mark:])
    return [e for e in later if isinstance(e, kind) and all(getattr(e, k) == v for k, v in match.items())]


@pytest.mark.parametrize("key", [WE, ("StatefulSet", NS, None), ("DaemonSet", NS, None)])
def test_rollout_restart_is_followed_to_completion(demo, session, key):
    s, sink = session
    if key[2] is None:
        key = next(k for k in s.workloads() if k[0] == key[0])
    mark = len(sink.received)
    assert s.actions.rollout_restart(key).ok
    eventually(
        lambda: _since(sink, mark, RolloutProgress, workload=key, done=True),
        timeout=70,
        message=f"the rollout of {key} followed to its end",
    )
    assert _since(sink, mark, RolloutProgress, workload=key, done=False)
    assert rollout_status(s.workload_object(key)).done
