"""Optimistic concurrency and watch consistency under concurrent writers, through the Python client."""

from __future__ import annotations

import threading

from kubernetes import client, watch
from kubernetes.client.rest import ApiException

from tests.kube import api_client

WRITERS, INCREMENTS = 6, 10


def _increment(core, name: str) -> int:
    conflicts = 0
    while True:
        current = core.read_namespaced_config_map(name, "default")
        current.data["n"] = str(int(current.data["n"]) + 1)
        try:
            core.replace_namespaced_config_map(name, "default", current)
            return conflicts
        except ApiException as err:
            if err.status != 409:
                raise
            conflicts += 1


def test_read_modify_write_with_conflict_retries_loses_no_update(api_cluster):
    conflicts: list[int] = []
    errors: list[BaseException] = []
    with api_client(api_cluster) as api:
        core = client.CoreV1Api(api)
        core.create_namespaced_config_map("default", {"metadata": {"name": "counter"}, "data": {"n": "0"}})

        def writer():
            try:
                conflicts.append(sum(_increment(core, "counter") for _ in range(INCREMENTS)))
            except BaseException as exc:  # noqa: BLE001 - reported by the test
                errors.append(exc)

        threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not errors and not any(t.is_alive() for t in threads)
        assert core.read_namespaced_config_map("counter", "default").data["n"] == str(WRITERS * INCREMENTS)


def test_a_watch_from_a_list_version_rebuilds_exactly_the_final_state(api_cluster):
    with api_client(api_cluster) as api:
        core = client.CoreV1Api(api)
        for i in range(5):
            core.create_namespaced_config_map("default", {"metadata": {"name": f"c{i}"}, "data": {"v": "0"}})
        listed = core.list_namespaced_config_map("default")
        state = {c.metadata.name: c.data for c in listed.items}

        def churn(worker: int):
            for round_ in range(10):
                name = f"w{worker}-{round_ % 3}"
                try:
                    core.create_namespaced_config_map(
                        "default", {"metadata": {"name": name}, "data": {"v": "1"}}
                    )
                except ApiException:
                    core.patch_namespaced_config_map(name, "default", {"data": {"v": str(round_)}})
                if round_ % 4 == 3:
                    core.delete_namespaced_config_map(f"c{worker}", "default")
                    core.create_namespaced_config_map(
                        "default", {"metadata": {"name": f"c{worker}"}, "data": {"v": str(round_)}}
                    )

        threads = [threading.Thread(target=churn, args=(w,)) for w in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        final = core.list_namespaced_config_map("default")
        for event in watch.Watch().stream(
            core.list_namespaced_config_map,
            "default",
            resource_version=listed.metadata.resource_version,
            timeout_seconds=1,
        ):
            obj = event["object"]
            if event["type"] == "DELETED":
                state.pop(obj.metadata.name, None)
            else:
                state[obj.metadata.name] = obj.data
            if obj.metadata.resource_version == final.metadata.resource_version:
                break
    assert state == {c.metadata.name: c.data for c in final.items}
