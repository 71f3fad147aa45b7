"""A seeded cluster names its pods the same every run, whatever else draws random numbers meanwhile."""

from __future__ import annotations

import json

from tests.kube import kubectl
from tests.waiting import eventually
from tui.localcluster import LocalCluster


def _listed(cluster, resources: str) -> list[dict]:
    result = kubectl(cluster, "get", resources, "-A", "-o", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["items"]


def _every_pod_created(cluster) -> list[str] | None:
    """The sorted pod names once every controller has all the pods it wants, else None."""
    wanted = 0
    for obj in _listed(cluster, "deployments,statefulsets,daemonsets"):
        if obj["kind"] == "DaemonSet":
            wanted += (obj.get("status") or {}).get("desiredNumberScheduled") or 0
        else:
            wanted += (obj.get("spec") or {}).get("replicas", 1)
    names = sorted(p["metadata"]["name"] for p in _listed(cluster, "pods"))
    return names if wanted and len(names) == wanted else None


def _kubernaut_pod_names(tmp_path, seed: int, run_processes: bool) -> list[str]:
    workdir = tmp_path / f"seed{seed}-{'processes' if run_processes else 'phantoms'}"
    cluster = LocalCluster(
        "kubernaut",
        seed=seed,
        run_processes=run_processes,
        time_scale=0.1,
        sync_delay=3,
        workdir=str(workdir),
    )
    cluster.start()
    try:
        return eventually(
            lambda: _every_pod_created(cluster), timeout=60, message="every pod of the scenario"
        )
    finally:
        cluster.stop()


def test_kubernaut_scenario_started_twice_with_seed_1_has_the_same_pod_names(tmp_path):
    # Real processes make the kubelet record many more Events than phantom pods do: names must not care.
    with_processes = _kubernaut_pod_names(tmp_path, 1, run_processes=True)
    phantoms = _kubernaut_pod_names(tmp_path, 1, run_processes=False)
    assert with_processes == phantoms
    assert len(with_processes) == 17
    assert "datastorage-0" in with_processes
    assert any(name.startswith("workflowexecution-controller-") for name in with_processes)


def test_another_seed_draws_other_pod_names(tmp_path):
    one = _kubernaut_pod_names(tmp_path, 1, run_processes=False)
    two = _kubernaut_pod_names(tmp_path, 2, run_processes=False)
    generated = [n for n in one if n != "datastorage-0"]
    assert set(generated).isdisjoint(two)
