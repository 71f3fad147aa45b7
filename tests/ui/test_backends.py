"""The cluster side of the app, without the app: connect, replace, and nothing outliving `close`."""

from __future__ import annotations

import threading

from tests.ui.harness import CONTEXT, kubeconfig_of
from tests.waiting import eventually
from tui.backends import BackendOptions, Backends


class Sink:
    def __init__(self) -> None:
        self.in_sync = threading.Event()

    def workloads_changed(self, upserts, deletes) -> None: ...

    def state_changed(self, state) -> None: ...

    def events(self, events) -> None: ...

    def synced(self) -> None:
        self.in_sync.set()


def backends(**options) -> tuple[Backends, list, list]:
    statuses, failures = [], []
    made = Backends(
        BackendOptions(**options),
        status=lambda **changes: statuses.append(changes),
        failed=failures.append,
        profile_problems=lambda errors: None,
    )
    return made, statuses, failures


def session_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("kubeknobs-session")]


def test_a_replaced_session_is_stopped_by_the_next_connect_and_close_stops_the_last(kubernaut):
    made, statuses, failures = backends(namespaces=["kubernaut-system"])
    first = Sink()
    made.connect(kubeconfig_of(kubernaut), CONTEXT, first)
    assert failures == [] and first.in_sync.wait(30)
    replaced = made.session
    assert made.context == CONTEXT and statuses[-1]["context"] == CONTEXT
    made.replace(["kube-system"])
    assert made.session is None and replaced.state.status != "offline"  # stopped later, off the UI loop
    second = Sink()
    made.connect(kubeconfig_of(kubernaut), CONTEXT, second)
    assert replaced.state.status == "offline" and second.in_sync.wait(30)
    made.close()
    assert made.session is None
    eventually(lambda: not session_threads(), timeout=5, message="every session thread to end")


def test_a_connect_that_finishes_after_close_starts_nothing(kubernaut):
    made, _statuses, failures = backends()
    made.close()
    made.connect(kubeconfig_of(kubernaut), CONTEXT, Sink())
    assert failures == [] and made.session is None and made.connection is None


def test_a_failed_connect_is_reported_not_raised(tmp_path):
    made, _statuses, failures = backends()
    made.connect(str(tmp_path / "nowhere"), None, Sink())
    assert [f.kind for f in failures] == ["no-kubeconfig"] and made.session is None
