"""The benchmark harness runs end to end on a tiny cluster (figures are not asserted: the machine is shared)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_smoke_run_prints_every_figure_writes_results_and_leaves_no_process(tmp_path):
    output, workdir = tmp_path / "results.md", tmp_path / "work"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--output", str(output), "--workdir", str(workdir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=220,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for figure in (
        "kubeknobs: first frame",
        "kubeknobs: time to table",
        "kubectl get deploy -A -o json",
        "server: table pages",
        "storm: dropped model updates",
        "storm: keypress to repaint p99",
        "kubeknobs: peak RSS",
        "reload: write to 'applied'",
    ):
        assert figure in done.stdout
    results = output.read_text()
    assert "## Machine" in results and "cores" in results and "textual" in results
    assert "| kubeknobs: time to table | 20 |" in results
    # Every cluster and dashboard process of the run had the work directory on its command line.
    left = subprocess.run(["pgrep", "-f", str(workdir)], capture_output=True, text=True).stdout.split()
    assert left == []
