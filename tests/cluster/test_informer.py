"""The informer keeps an exact copy of the server's objects through drops, failures and compaction."""

from __future__ import annotations

import copy
import random
import threading
import time

import pytest

from tests.cluster.conftest import configmap
from tests.kube import kubectl_stdout
from tests.waiting import eventually
from tui.cluster.informer import Batcher, Informer, rv_of
from tui.cluster.resources import RESOURCES


class Recorder:
    def __init__(self):
        self.batches: list[list] = []
        self.lock = threading.Lock()

    def __call__(self, batch):
        with self.lock:
            self.batches.append(list(batch))

    @property
    def deltas(self):
        with self.lock:
            return [d for b in self.batches for d in b]


def server_state(cluster, resource="configmaps", namespace="default"):
    items, _rv = cluster.call(cluster.store.list, resource, namespace)
    return {i["metadata"]["name"]: rv_of(i) for i in items}


def informer_state(informer):
    return {name: rv_of(obj) for (_ns, name), obj in informer.snapshot().items()}


def start_informer(api, recorder, **kw):
    batcher = Batcher(recorder, interval=0.05)
    batcher.start()
    informer = Informer(api, RESOURCES["configmaps"], namespace="default", batcher=batcher, **kw)
    informer.start()
    return informer, batcher


def stop_all(informer, batcher):
    informer.stop()
    batcher.stop()
    assert not informer.alive


def test_list_then_watch_delivers_adds_updates_deletes_in_batches(cluster, admin):
    for i in range(3):
        cluster.call(cluster.store.create, "configmaps", configmap(f"cm-{i}", {"k": "v"}))
    rec = Recorder()
    informer, batcher = start_informer(admin, rec, page_size=2)  # paginated list
    try:
        assert informer.synced.wait(30)
        eventually(lambda: len(rec.deltas) == 3)
        kubectl_stdout(cluster, "create", "configmap", "late", "--from-literal=a=1")
        kubectl_stdout(cluster, "delete", "configmap", "cm-0")
        kubectl_stdout(cluster, "patch", "configmap", "cm-1", "-p", '{"data":{"k":"w"}}')
        eventually(lambda: informer_state(informer) == server_state(cluster) and len(rec.deltas) == 6)
        kinds = [(d.type, d.key[1]) for d in rec.deltas[3:]]
        assert kinds == [("added", "late"), ("deleted", "cm-0"), ("updated", "cm-1")]
        assert informer.state.status == "connected"
    finally:
        stop_all(informer, batcher)


def test_burst_of_changes_arrives_as_few_batches(cluster, admin):
    """Deltas that arrive while a batch is being handed on wait, and all go in the next batch together."""
    rec = HeldRecorder()
    informer, batcher = start_informer(admin, rec)
    try:
        assert informer.synced.wait(30)
        first = rec.hold_next()

        def burst():
            for i in range(300):
                cluster.store.create("configmaps", configmap(f"b-{i}", {"k": str(i)}))

        cluster.call(burst)
        assert rec.holding.wait(30)
        eventually(lambda: len(rec.deltas) + batcher.backlog() == 300, message="the burst read off the watch")
        rec.release.set()
        eventually(lambda: len(rec.deltas) == 300)
        assert len(rec.batches) - first <= 2  # the one being handed on, and everything that came meanwhile
    finally:
        rec.release.set()
        stop_all(informer, batcher)


class HeldRecorder(Recorder):
    """A receiver that can be made to hold one batch, as a busy screen would, until released."""

    def __init__(self):
        super().__init__()
        self.holding, self.release = threading.Event(), threading.Event()
        self._hold = False

    def hold_next(self) -> int:
        """Hold the next batch; returns how many batches came before it."""
        with self.lock:
            self._hold = True
            return len(self.batches)

    def __call__(self, batch):
        super().__call__(batch)
        with self.lock:
            hold, self._hold = self._hold, False
        if hold:
            self.holding.set()
            self.release.wait(30)


@pytest.mark.parametrize("one_in", [10, 3])
def test_state_matches_server_through_drops_failures_and_compaction(cluster, admin, one_in):
    """1,000 updates to 100 ConfigMaps while watches drop every 200 ms and 1 request in 10 (or 3) fails."""

    def seed():
        for i in range(100):
            cluster.store.create("configmaps", configmap(f"cm-{i:03}", {"n": "0"}))

    cluster.call(seed)
    rec = Recorder()
    informer, batcher = start_informer(admin, rec, max_backoff=0.2, rng=random.Random(7))
    stop_faults, quiet = threading.Event(), threading.Event()

    def faults():
        next_drop = time.monotonic()
        while not stop_faults.wait(0.01):
            if quiet.is_set():
                continue
            if time.monotonic() >= next_drop:  # every watch dropped each 200 ms
                cluster.faults.drop_watches()
                next_drop += 0.2
            arrived = sum(cluster.faults.requests.values())
            injected = sum(1 for entry in list(cluster.faults.log) if entry[4] == 500)
            if injected < arrived // one_in and cluster.faults.fail_remaining == 0:
                cluster.faults.fail_next(1, status=500)

    chaos = threading.Thread(target=faults, daemon=True)
    try:
        assert informer.synced.wait(30)
        chaos.start()
        rng = random.Random(3)

        def update(step):
            name = f"cm-{rng.randrange(100):03}"
            obj = copy.deepcopy(cluster.store.get("configmaps", "default", name))
            obj["data"]["n"] = str(step)
            cluster.store.update("configmaps", obj)

        for step in range(1, 1001):
            cluster.call(update, step)
            if step == 500:
                # hold the informer's next request back while history is forgotten: it must relist
                relists = informer.relists
                cluster.faults.set_latency(0.3)
                cluster.faults.drop_watches()
                cluster.call(update, step)
                cluster.faults.compact()
                quiet.set()  # a fault on every delayed request would starve the informer
                eventually(lambda before=relists: informer.relists > before, timeout=30)
                quiet.clear()
                cluster.faults.set_latency(0)
            stop_faults.wait(0.002)  # spread the updates over many watch drops
        stop_faults.set()
        chaos.join(5)
        eventually(lambda: informer_state(informer) == server_state(cluster), timeout=30)
        batcher.flush()
        assert informer.relists > relists  # compaction forced a relist
        assert informer.reconnects > 0
        failed = sum(1 for entry in list(cluster.faults.log) if entry[4] == 500)
        assert failed >= sum(cluster.faults.requests.values()) // (2 * one_in)  # the 500s really happened
        # replaying the deltas gives the server's state, and each object's versions only move forward
        replay: dict[str, str] = {}
        for d in rec.deltas:
            name = d.key[1]
            if d.type == "deleted":
                replay.pop(name, None)
                continue
            assert name not in replay or int(rv_of(d.obj)) > int(replay[name]), f"{name} went backwards"
            replay[name] = rv_of(d.obj)
        assert replay == server_state(cluster)
    finally:
        stop_faults.set()
        if chaos.is_alive():
            chaos.join(5)
        stop_all(informer, batcher)


def test_stop_is_prompt_while_watching(cluster, admin):
    rec = Recorder()
    informer, batcher = start_informer(admin, rec)
    assert informer.synced.wait(30)
    informer.stop(timeout=2)
    batcher.stop()
    assert not informer.alive


def test_forbidden_list_marks_the_informer_failed_with_the_reason(cluster, viewer):
    batcher = Batcher(lambda b: None)
    batcher.start()
    informer = Informer(viewer, RESOURCES["secrets"], namespace="default", batcher=batcher)
    informer.start()
    try:
        eventually(lambda: informer.state.status == "failed")
        assert "secrets" in informer.state.reason
    finally:
        informer.stop()
        batcher.stop()
