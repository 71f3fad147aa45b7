"""Rollout status reads like `kubectl rollout status` for the three kinds."""

from __future__ import annotations

from tui.change.rollout import failing_containers, rollout_status
from tui.cluster.resources import selector_string


def dep(generation=2, observed=2, replicas=3, updated=3, total=3, available=3, ready=3, reason=None):
    conditions = [{"type": "Progressing", "status": "False", "reason": reason}] if reason else []
    return {
        "kind": "Deployment",
        "metadata": {"name": "we", "generation": generation},
        "spec": {"replicas": replicas},
        "status": {
            "observedGeneration": observed,
            "replicas": total,
            "updatedReplicas": updated,
            "availableReplicas": available,
            "readyReplicas": ready,
            "conditions": conditions,
        },
    }


def test_deployment_states_in_kubectls_order():
    assert rollout_status(dep(generation=3)).message == "Waiting for deployment spec update to be observed..."
    assert "1 out of 3 new replicas have been updated" in rollout_status(dep(updated=1)).message
    assert "1 old replicas are pending termination" in rollout_status(dep(total=4)).message
    assert "2 of 3 updated replicas are available" in rollout_status(dep(available=2)).message
    done = rollout_status(dep())
    assert done.done and done.message == 'deployment "we" successfully rolled out'


def test_progress_deadline_is_a_failure():
    status = rollout_status(dep(updated=1, reason="ProgressDeadlineExceeded"))
    assert status.failed_reason == "ProgressDeadlineExceeded" and not status.done


def test_statefulset_waits_for_ready_then_revision():
    sts = {
        "kind": "StatefulSet",
        "metadata": {"name": "db", "generation": 1},
        "spec": {"replicas": 2},
        "status": {
            "observedGeneration": 1,
            "readyReplicas": 1,
            "updatedReplicas": 1,
            "currentRevision": "db-1",
            "updateRevision": "db-2",
        },
    }
    assert rollout_status(sts).message == "Waiting for 1 pods to be ready..."
    sts["status"]["readyReplicas"] = 2
    assert "waiting for statefulset rolling update" in rollout_status(sts).message
    sts["status"]["currentRevision"] = "db-2"
    assert rollout_status(sts).done


def test_daemonset_counts_scheduled_pods():
    ds = {
        "kind": "DaemonSet",
        "metadata": {"name": "fb", "generation": 1},
        "status": {
            "observedGeneration": 1,
            "desiredNumberScheduled": 2,
            "updatedNumberScheduled": 1,
            "numberAvailable": 1,
        },
    }
    assert "1 out of 2 new pods have been updated" in rollout_status(ds).message
    ds["status"].update(updatedNumberScheduled=2, numberAvailable=2)
    assert rollout_status(ds).done


def test_selector_string_and_failing_containers():
    obj = {
        "spec": {
            "selector": {
                "matchLabels": {"b": "2", "a": "1"},
                "matchExpressions": [{"key": "tier", "operator": "In", "values": ["x", "y"]}],
            }
        }
    }
    assert selector_string(obj) == "a=1,b=2,tier in (x,y)"
    pod = {
        "status": {
            "containerStatuses": [
                {"name": "c", "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off"}}},
                {"name": "d", "state": {"waiting": {"reason": "ContainerCreating"}}},
            ]
        }
    }
    assert failing_containers(pod) == [("c", "CrashLoopBackOff", "back-off")]


def test_a_rollout_whose_new_pod_crash_loops_is_never_done_nor_counted_full():
    from tui.change.rollout import progress_event, rolled_out

    # between two crashes the container runs, so the Deployment counts the pod available
    status = rollout_status(dep(replicas=1, updated=1, total=1, available=1, ready=1))
    assert status.done
    healthy = progress_event(("Deployment", "demo", "we"), status)
    assert healthy.done and rolled_out(healthy) == 1
    crashing = progress_event(("Deployment", "demo", "we"), status, crashing=1)
    assert not crashing.done and crashing.failed_reason is None
    assert rolled_out(crashing) == 0 and crashing.available == 0
    assert "crash-loops" in crashing.message and "successfully" not in crashing.summary
