"""A process that walks the wizard's flow to the apply, says so, then follows until it is killed.

Run as `python -m tests.reliability.wizard_child KUBECONFIG CONTEXT VALUE` with KUBEKNOBS_STATE_DIR set.
"""

from __future__ import annotations

import sys
import threading

from tui.change.flow import ChangeFlow
from tui.cluster.connect import load_connection
from tui.cluster.session import ClusterSession
from tui.history import ChangeHistory

WE = ("Deployment", "kubernaut-system", "workflowexecution-controller")


class Sink:
    def __init__(self):
        self.ready = threading.Event()

    def workloads_changed(self, upserts, deletes): ...

    def state_changed(self, state): ...

    def events(self, events): ...

    def synced(self):
        self.ready.set()


def main(kubeconfig: str, context: str, value: str) -> None:
    session = ClusterSession(load_connection(kubeconfig, context), sync_delay=1)
    sink = Sink()
    session.start(sink)
    if not sink.ready.wait(60):
        sys.exit("the session did not sync")
    setting = next(s for s in session.settings(WE) if s.key_path == "logging.level")
    flow = ChangeFlow(setting, WE, session, history=ChangeHistory(cluster=session.cluster_identity()))
    flow.prepare()
    flow.edit(value)
    result = flow.apply()
    print(f"{result.status} {result.backup}", flush=True)
    threading.Event().wait()  # following the change, until the test kills this process


if __name__ == "__main__":
    main(*sys.argv[1:4])
