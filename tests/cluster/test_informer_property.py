"""Property: whatever the interleaving of writes, drops, failures and compactions, the informer converges
to the server's state, and replaying its deltas never moves an object backwards."""

from __future__ import annotations

import copy
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cluster.conftest import configmap
from tests.waiting import eventually
from tui.cluster.informer import Batcher, Informer, rv_of
from tui.cluster.resources import RESOURCES

OPS = st.lists(
    st.tuples(
        st.sampled_from(["write", "write", "write", "delete", "drop", "fail", "compact"]), st.integers(0, 7)
    ),
    min_size=1,
    max_size=40,
)
EXAMPLE = itertools.count()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_informer_converges_for_any_interleaving(cluster, admin, ops):
    label = f"example-{next(EXAMPLE)}"
    deltas: list = []
    batcher = Batcher(deltas.extend, interval=0.02)
    batcher.start()
    informer = Informer(
        admin,
        RESOURCES["configmaps"],
        namespace="default",
        batcher=batcher,
        label_selector=f"example={label}",
        max_backoff=0.1,
    )
    informer.start()
    try:
        assert informer.synced.wait(30)
        for step, (op, n) in enumerate(ops):
            name = f"{label}-{n}"
            if op == "write":

                def write(name=name, step=step):
                    current = cluster.store.get("configmaps", "default", name)
                    if current is None:
                        obj = configmap(name, {"step": str(step)})
                        obj["metadata"]["labels"] = {"example": label}
                        cluster.store.create("configmaps", obj)
                    else:
                        obj = copy.deepcopy(current)
                        obj["data"]["step"] = str(step)
                        cluster.store.update("configmaps", obj)

                cluster.call(write)
            elif op == "delete":

                def delete(name=name):
                    if cluster.store.get("configmaps", "default", name) is not None:
                        cluster.store.delete("configmaps", "default", name)

                cluster.call(delete)
            elif op == "drop":
                cluster.faults.drop_watches()
            elif op == "fail":
                cluster.faults.fail_next(1, status=500)
            else:
                cluster.faults.compact()
                cluster.faults.drop_watches()
        cluster.faults.fail_next(0)

        def server():
            items, _ = cluster.call(cluster.store.list, "configmaps", "default")
            return {
                i["metadata"]["name"]: rv_of(i)
                for i in items
                if (i["metadata"].get("labels") or {}).get("example") == label
            }

        def mine():
            return {name: rv_of(o) for (_ns, name), o in informer.snapshot().items()}

        eventually(lambda: mine() == server(), timeout=15)
        batcher.flush()
        replay: dict[str, str] = {}
        for d in deltas:
            if d.type == "deleted":
                assert d.key[1] in replay, f"deleted {d.key[1]} that was never delivered"
                del replay[d.key[1]]
                continue
            previous = replay.get(d.key[1])
            assert previous is None or int(rv_of(d.obj)) > int(previous), f"{d.key[1]} applied out of order"
            replay[d.key[1]] = rv_of(d.obj)
        assert replay == server()
    finally:
        informer.stop()
        batcher.stop()
        assert not informer.alive
