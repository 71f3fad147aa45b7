"""Someone else writes between the wizard's read and its write: apply, revert and rollback never overwrite.

The API holds one chosen request of the action (its read, its dry run or its write) while the other
writer's change lands, so each step's guard is met by a real race, not a staged one.
"""

from __future__ import annotations

import copy
import os
import threading

import pytest

from tests.kube import kubectl
from tests.reliability.steps import (
    NS,
    WE,
    WE_CONFIG,
    WE_KEY,
    configmap_path,
    deployment_path,
    get_json,
    writes_to,
)
from tests.waiting import eventually
from tui.change.flow import ChangeFlow
from tui.history import ChangeHistory

HOLD = 3.0  # seconds the API holds the raced request
STEPS = {"read": ("GET", ""), "dry run": ("PUT", "dry-run"), "write": ("PUT", "")}


def level_setting(session):
    return next(s for s in session.settings(WE) if s.key_path == "logging.level")


def race(cluster, request: tuple[str, str, str], write, action):
    """Run `action` on a thread; while the API holds its `request` (method, path, kind), `write` lands."""
    result: list = []
    worker = threading.Thread(target=lambda: result.append(action()))
    cluster.faults.set_latency(HOLD)
    try:
        worker.start()
        eventually(lambda: cluster.faults.held[request] > 0, timeout=30, message=f"the request {request}")
        cluster.faults.set_latency(0)  # the other writer is not held
        write()
        worker.join(60)
    finally:
        cluster.faults.set_latency(0)
    assert result, "the action did not finish"
    return result[0]


def someone_sets_level(cluster, level: str):
    """Another writer, straight into the cluster's store (kubectl is too slow to race on a loaded machine)."""

    def write():
        def update():
            cm = copy.deepcopy(cluster.store.get("configmaps", NS, WE_CONFIG))
            text = cm["data"][WE_KEY]
            for old in ("INFO", "DEBUG", "WARN", "ERROR"):
                text = text.replace(f"level: {old}", f"level: {level}")
            cm["data"][WE_KEY] = text
            cluster.store.update("configmaps", cm, field_manager="someone-else")

        cluster.call(update)
        cluster.faults.requests[("PUT", configmap_path(WE_CONFIG), "")] += (
            1  # counted as a write, as over HTTP
        )

    return write


def level_on_server(cluster) -> str:
    text = cluster.call(cluster.store.get, "configmaps", NS, WE_CONFIG)["data"][WE_KEY]
    return next(
        line.split(":", 1)[1].strip() for line in text.splitlines() if line.strip().startswith("level:")
    )


def backups_on_disk(state_dir) -> list[str]:
    return sorted(str(p) for p in state_dir.rglob("*.json"))


@pytest.mark.parametrize("step", list(STEPS))
def test_a_write_racing_the_apply_is_a_conflict_and_the_rebased_edit_applies(demo, session, state_dir, step):
    flow = ChangeFlow(level_setting(session), WE, session, history=ChangeHistory())
    flow.prepare()
    flow.edit("DEBUG")
    assert flow.dry_run().ok
    method, kind = STEPS[step]
    path = configmap_path(WE_CONFIG)
    result = race(demo, (method, path, kind), someone_sets_level(demo, "WARN"), flow.apply)
    assert result.status == "conflict", result.message
    assert "nothing was overwritten" in result.message or "changed first" in result.message
    assert level_on_server(demo) == "WARN"
    assert writes_to(demo, path) == 1 + (step == "write")  # the other writer's, and ours refused with 409
    assert backups_on_disk(state_dir) == []  # no backup of an edit that was not made
    flow.rebase()
    assert "level: WARN" in flow.draft.old_text and "level: DEBUG" in flow.draft.new_text
    assert flow.dry_run().ok
    assert flow.apply().ok
    assert "level: DEBUG" in get_json(demo, "-n", NS, "get", "configmap", WE_CONFIG)["data"][WE_KEY]


def test_a_write_after_the_edit_makes_revert_a_conflict_and_keeps_the_backup(demo, session):
    flow = ChangeFlow(level_setting(session), WE, session, history=ChangeHistory())
    flow.prepare()
    flow.edit("DEBUG")
    assert flow.apply().ok
    someone_sets_level(demo, "ERROR")()
    result = flow.revert()
    assert result.status == "conflict" and "nothing was done" in result.message
    assert level_on_server(demo) == "ERROR"
    assert os.path.exists(flow.applied.backup)  # kept: the operator decides what to do next


@pytest.mark.parametrize("step", ["dry run", "write"])
def test_a_write_racing_the_revert_is_not_overwritten(demo, session, step):
    flow = ChangeFlow(level_setting(session), WE, session, history=ChangeHistory())
    flow.prepare()
    flow.edit("DEBUG")
    assert flow.apply().ok
    path = configmap_path(WE_CONFIG)
    writes = writes_to(demo, path)
    method, kind = STEPS[step]
    result = race(demo, (method, path, kind), someone_sets_level(demo, "ERROR"), flow.revert)
    assert result.status == "conflict", result.message
    assert level_on_server(demo) == "ERROR"
    assert writes_to(demo, path) == writes + 1 + (step == "write")  # the other's, and ours refused with 409
    assert os.path.exists(flow.applied.backup)


@pytest.mark.parametrize("step", ["read", "dry run", "write"])
def test_a_write_racing_the_rollback_is_not_overwritten(demo, session, step):
    out = kubectl(
        demo, "-n", NS, "set", "env", f"deployment/{WE[2]}", "-c", "workflowexecution-controller", "EXTRA=1"
    )
    assert out.returncode == 0, out.stderr
    eventually(
        lambda: (
            get_json(demo, "-n", NS, "get", "deployment", WE[2])["metadata"]["annotations"].get(
                "deployment.kubernetes.io/revision"
            )
            == "2"
        ),
        message="revision 2",
        timeout=60,
    )
    path = deployment_path(WE[2])
    before = writes_to(demo, path)

    def annotate():
        def update():
            obj = copy.deepcopy(demo.store.get("deployments", NS, WE[2]))
            obj["metadata"].setdefault("annotations", {})["team"] = "platform"
            demo.store.update("deployments", obj, field_manager="someone-else")

        demo.call(update)
        demo.faults.requests[("PUT", path, "")] += 1  # counted as a write, as over HTTP

    request = {
        "read": ("GET", "/apis/apps/v1/namespaces/kubernaut-system/replicasets", ""),
        "dry run": ("PATCH", path, "dry-run"),
        "write": ("PATCH", path, ""),
    }[step]
    result = race(demo, request, annotate, lambda: session.actions.rollback(WE))
    assert result.status == "conflict", result.message
    obj = get_json(demo, "-n", NS, "get", "deployment", WE[2])
    assert obj["metadata"]["annotations"]["team"] == "platform"
    env = {e["name"] for c in obj["spec"]["template"]["spec"]["containers"] for e in c.get("env") or []}
    assert "EXTRA" in env  # still revision 2's template
    assert writes_to(demo, path) == before + 1 + (step == "write")  # the annotation, and ours refused
    assert session.actions.rollback(WE).ok  # read afresh, the rollback goes through
