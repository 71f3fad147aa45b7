import asyncio
import os
import sys

from tui.localcluster.kubelet.process import MAX_LINE, ContainerProcess, live_groups

SPAWNS_CHILD = """
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
print("child", child.pid, flush=True)
sys.stdout.buffer.write(b"x" * 40000 + b"\\n" + b"bad \\xff\\xfe bytes\\n")
sys.stdout.flush()
time.sleep(600)
"""


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


async def test_long_lines_are_split_bad_bytes_replaced_and_stop_kills_the_whole_group(tmp_path):
    lines: list[str] = []
    process = ContainerProcess(
        [sys.executable, "-c", SPAWNS_CHILD],
        env={"PATH": os.environ["PATH"]},
        cwd=str(tmp_path),
        on_line=lines.append,
    )
    await process.start()
    try:
        async with asyncio.timeout(20):
            while not any(line.startswith("bad") for line in lines):
                await asyncio.sleep(0.05)
    finally:
        code = await process.stop(grace=1.0)
    child = int(lines[0].split()[1])
    assert [len(line) for line in lines[1:4]] == [MAX_LINE, MAX_LINE, 40000 - 2 * MAX_LINE]
    assert lines[4] == "bad \ufffd\ufffd bytes"
    assert code is not None
    assert process.pid not in live_groups()
    async with asyncio.timeout(5):
        while alive(child):
            await asyncio.sleep(0.05)


IGNORES_SIGTERM = "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint('up', flush=True)\ntime.sleep(600)\n"


async def test_a_process_ignoring_sigterm_is_killed_after_the_grace_period(tmp_path):
    lines: list[str] = []
    process = ContainerProcess(
        [sys.executable, "-c", IGNORES_SIGTERM],
        env={"PATH": os.environ["PATH"]},
        cwd=str(tmp_path),
        on_line=lines.append,
    )
    await process.start()
    async with asyncio.timeout(20):
        while lines != ["up"]:
            await asyncio.sleep(0.05)
    code = await process.stop(grace=0.3)
    assert code == -9
    assert not alive(process.pid)


EXITS_WITHOUT_STOP = """
import sys, time
from tui.localcluster import LocalCluster
cluster = LocalCluster("empty", workdir=sys.argv[1])
cluster.start()
cluster.call(cluster.store.create, "pods", {"apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "p", "namespace": "default"}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
for _ in range(200):
    if (cluster.call(cluster.store.get, "pods", "default", "p").get("status") or {}).get("phase") == "Running":
        break
    time.sleep(0.05)
print("running", flush=True)
"""


def test_interpreter_exit_without_cluster_stop_leaves_no_process(tmp_path):
    import subprocess

    from .conftest import processes_under

    workdir = str(tmp_path / "cluster")
    os.makedirs(workdir)
    out = subprocess.run(
        [sys.executable, "-c", EXITS_WITHOUT_STOP, workdir],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=os.getcwd(),
    )
    assert out.stdout.strip() == "running", out.stderr
    assert processes_under(workdir) == []
