"""Watches through the Python client: resume after a dropped connection, bookmarks, 410, selectors."""

from __future__ import annotations

import queue
import threading

import pytest
from kubernetes import client, watch
from kubernetes.client.rest import ApiException

from tests.kube import api_client

WAIT = 10


class Collector:
    """Runs a watch on a thread and hands its events to the test through a queue."""

    def __init__(self, func, *args, **kwargs):
        self.events: queue.Queue = queue.Queue()
        self.error: BaseException | None = None
        self.watch = watch.Watch()
        self.thread = threading.Thread(target=self._run, args=(func, args, kwargs), daemon=True)
        self.thread.start()

    def _run(self, func, args, kwargs):
        try:
            for event in self.watch.stream(func, *args, **kwargs):
                self.events.put(event)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            self.error = exc
        finally:
            self.events.put(None)

    def next(self, kind: str | None = None) -> dict:
        while True:
            event = self.events.get(timeout=WAIT)
            assert event is not None, f"watch ended early: {self.error!r}"
            if kind is None or event["type"] == kind:
                return event

    def stop(self):
        self.watch.stop()
        self.thread.join(WAIT)
        assert not self.thread.is_alive()


def _create(cluster, name, labels=None):
    return cluster.call(
        cluster.store.create, "configmaps", {"metadata": {"name": name, "labels": labels or {}}}
    )


def test_watch_resumes_from_its_resource_version_after_a_dropped_connection(api_cluster):
    with api_client(api_cluster) as api:
        core = client.CoreV1Api(api)
        rv = core.list_namespaced_config_map("default").metadata.resource_version
        collector = Collector(core.list_namespaced_config_map, "default", resource_version=rv)
        try:
            _create(api_cluster, "a")
            assert collector.next()["object"].metadata.name == "a"
            assert api_cluster.faults.drop_watches() >= 1
            _create(api_cluster, "b")
            event = collector.next()
            assert (event["type"], event["object"].metadata.name) == ("ADDED", "b")
        finally:
            collector.stop()


def test_watch_without_resource_version_starts_with_the_current_objects(api_cluster):
    _create(api_cluster, "present")
    with api_client(api_cluster) as api:
        core = client.CoreV1Api(api)
        collector = Collector(core.list_namespaced_config_map, "default", timeout_seconds=30)
        try:
            event = collector.next()
            assert (event["type"], event["object"].metadata.name) == ("ADDED", "present")
        finally:
            collector.stop()


def test_bookmarks_carry_the_current_resource_version(make_cluster):
    cluster = make_cluster(components=False, bookmark_interval=0.2)
    with api_client(cluster) as api:
        core = client.CoreV1Api(api)
        rv = core.list_namespaced_config_map("default").metadata.resource_version
        collector = Collector(
            core.list_namespaced_config_map,
            "default",
            resource_version=rv,
            allow_watch_bookmarks=True,
            timeout_seconds=30,
        )
        try:
            created = _create(cluster, "x")
            collector.next("ADDED")
            bookmark = collector.next("BOOKMARK")
            assert (
                bookmark["raw_object"]["metadata"]["resourceVersion"]
                == created["metadata"]["resourceVersion"]
            )
            assert bookmark["raw_object"]["kind"] == "ConfigMap"
        finally:
            collector.stop()


def test_resuming_from_a_compacted_version_gets_410_gone(api_cluster):
    with api_client(api_cluster) as api:
        core = client.CoreV1Api(api)
        rv = core.list_namespaced_config_map("default").metadata.resource_version
        _create(api_cluster, "a")
        api_cluster.faults.compact()
        with pytest.raises(ApiException) as err:
            for _ in watch.Watch().stream(
                core.list_namespaced_config_map, "default", resource_version=rv, timeout_seconds=5
            ):
                pass
    assert err.value.status == 410 and "too old resource version" in err.value.reason


def test_watch_ends_at_timeout_seconds(api_cluster):
    with api_client(api_cluster) as api:
        core = client.CoreV1Api(api)
        rv = core.list_namespaced_config_map("default").metadata.resource_version
        events = list(
            watch.Watch().stream(
                core.list_namespaced_config_map, "default", resource_version=rv, timeout_seconds=1
            )
        )
    assert events == []


def test_label_selector_watch_sees_an_object_leave_as_deleted(api_cluster):
    store = api_cluster.store
    with api_client(api_cluster) as api:
        core = client.CoreV1Api(api)
        rv = core.list_namespaced_config_map("default").metadata.resource_version
        collector = Collector(
            core.list_namespaced_config_map,
            "default",
            resource_version=rv,
            label_selector="tier=front",
            timeout_seconds=30,
        )
        try:
            created = _create(api_cluster, "x", {"tier": "front"})
            _create(api_cluster, "other", {"tier": "back"})
            assert collector.next()["type"] == "ADDED"
            moved = {**created, "metadata": {**created["metadata"], "labels": {"tier": "back"}}}
            api_cluster.call(store.update, "configmaps", moved)
            event = collector.next()
            assert (event["type"], event["object"].metadata.name) == ("DELETED", "x")
        finally:
            collector.stop()


def test_pod_log_follow_streams_appended_lines_until_the_pod_goes(api_cluster):
    pod = {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "busybox"}]}}
    api_cluster.call(api_cluster.store.create, "pods", pod)
    api_cluster.call(api_cluster.logs.append, "default", "p", "c", "first")
    with api_client(api_cluster) as api:
        core = client.CoreV1Api(api)
        collector = Collector(core.read_namespaced_pod_log, "p", "default")
        try:
            assert collector.next() == "first"
            api_cluster.call(api_cluster.logs.append, "default", "p", "c", "second \x1b[31mred")
            assert collector.next() == "second \x1b[31mred"
            api_cluster.call(api_cluster.logs.remove, "default", "p")
            assert collector.events.get(timeout=WAIT) is None
        finally:
            collector.stop()


def test_a_watcher_that_never_reads_is_dropped_instead_of_buffering_forever(api_cluster):
    import socket
    import ssl
    import time

    context = ssl.create_default_context(cafile=api_cluster.ca_path)
    raw = socket.create_connection(("127.0.0.1", api_cluster.port), timeout=30)
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stuck = context.wrap_socket(raw, server_hostname="127.0.0.1")
    try:
        stuck.sendall(
            f"GET /api/v1/namespaces/default/configmaps?watch=true HTTP/1.1\r\nHost: x\r\n"
            f"Authorization: Bearer {api_cluster.token}\r\n\r\n".encode()
        )
        deadline = time.monotonic() + WAIT
        while not api_cluster.faults.open_watches and time.monotonic() < deadline:
            time.sleep(0.01)
        assert api_cluster.faults.open_watches

        def flood():
            for i in range(2500):
                api_cluster.store.create(
                    "configmaps", {"metadata": {"name": f"big-{i}"}, "data": {"k": "x" * 4096}}
                )

        api_cluster.call(flood)
        deadline = time.monotonic() + WAIT
        while api_cluster.faults.open_watches and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not api_cluster.faults.open_watches
    finally:
        stuck.close()
