"""The first frame never waits for the Kubernetes client or the demo cluster's HTTP stack."""

import subprocess
import sys

PROBE = """
import asyncio, sys
from tui.app import KubeknobsApp
heavy = {"kubernetes", "aiohttp", "tui.cluster.session", "tui.localcluster"}
loaded = sorted(m for m in sys.modules if m in heavy)
app = KubeknobsApp(connect=False, watch_themes=False)
async def main():
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        drawn = type(app.screen).__name__
    print(",".join(loaded), drawn, sorted(m for m in sys.modules if m in heavy))
asyncio.run(main())
"""


def test_first_frame_comes_before_the_kubernetes_client_is_imported():
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.split() == ["ControllersScreen", "[]"], out.stdout + out.stderr
