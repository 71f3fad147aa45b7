"""The dashboard's live view: rows, settings, the event stream, reload correlation, logs, stop."""

from __future__ import annotations

import copy
import json
import threading
import time

import pytest

from tests.cluster.conftest import configmap
from tests.kube import kubectl_stdout
from tests.waiting import eventually
from tui.cluster.connect import load_connection
from tui.cluster.reload import sha256_text
from tui.cluster.session import ClusterSession
from tui.model.events import (
    ConfigMapChanged,
    ContainerRestarted,
    CrashLoop,
    KubeEvent,
    ReloadEvent,
    ReloadPending,
    ReloadStale,
)

CONFIG = "logging:\n  level: INFO\nexecution:\n  cooldownPeriod: 5m\n"
KEY = ("Deployment", "default", "workflowexecution")


class Sink:
    def __init__(self):
        self.lock = threading.Lock()
        self.rows, self.deleted, self.states, self.received = {}, [], [], []
        self.synced_calls = 0

    def workloads_changed(self, upserts, deletes):
        with self.lock:
            self.rows.update({r.key: r for r in upserts})
            for key in deletes:
                self.rows.pop(key, None)
                self.deleted.append(key)

    def state_changed(self, state):
        with self.lock:
            self.states.append(state)

    def events(self, events):
        with self.lock:
            self.received.extend(events)

    def synced(self):
        with self.lock:
            self.synced_calls += 1

    def of(self, kind):
        with self.lock:
            return [e for e in self.received if isinstance(e, kind)]


def seed(cluster):
    def run():
        store = cluster.store
        store.create("configmaps", configmap("workflowexecution-config", {"workflowexecution.yaml": CONFIG}))
        applied = '{"data":{"password":"c2VjcmV0"},"kind":"Secret"}'
        store.create(
            "secrets",
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": {
                    "name": "token",
                    "namespace": "default",
                    "annotations": {"kubectl.kubernetes.io/last-applied-configuration": applied},
                },
                "data": {"password": "c2VjcmV0"},
                "stringData": {"extra": "plain-secret"},
            },
        )
        dep = store.create(
            "deployments",
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "workflowexecution", "namespace": "default"},
                "spec": {
                    "replicas": 2,
                    "selector": {"matchLabels": {"app": "we"}},
                    "template": {
                        "metadata": {"labels": {"app": "we"}},
                        "spec": {
                            "containers": [
                                {
                                    "name": "workflowexecution-controller",
                                    "image": "quay.io/kubernaut-ai/workflowexecution:v1.2.0",
                                    "args": ["--config=/etc/config/workflowexecution.yaml"],
                                    "volumeMounts": [{"name": "config", "mountPath": "/etc/config"}],
                                }
                            ],
                            "volumes": [
                                {"name": "config", "configMap": {"name": "workflowexecution-config"}}
                            ],
                        },
                    },
                },
            },
        )
        rs = store.create(
            "replicasets",
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "metadata": {
                    "name": "workflowexecution-abc12",
                    "namespace": "default",
                    "ownerReferences": [
                        {
                            "kind": "Deployment",
                            "name": "workflowexecution",
                            "uid": dep["metadata"]["uid"],
                            "controller": True,
                        }
                    ],
                },
                "spec": {"selector": {"matchLabels": {"app": "we"}}, "template": dep["spec"]["template"]},
            },
        )
        for i in range(2):
            store.create(
                "pods",
                {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {
                        "name": f"workflowexecution-abc12-p{i}",
                        "namespace": "default",
                        "labels": {"app": "we", "pod-template-hash": "abc12"},
                        "ownerReferences": [
                            {
                                "kind": "ReplicaSet",
                                "name": "workflowexecution-abc12",
                                "uid": rs["metadata"]["uid"],
                                "controller": True,
                            }
                        ],
                    },
                    "spec": {"containers": [{"name": "workflowexecution-controller", "image": "x"}]},
                    "status": {
                        "phase": "Running",
                        "containerStatuses": [
                            {
                                "name": "workflowexecution-controller",
                                "restartCount": 0,
                                "ready": True,
                                "state": {"running": {}},
                            }
                        ],
                    },
                },
            )

    cluster.call(run)


@pytest.fixture
def session(cluster):
    seed(cluster)
    sink = Sink()
    s = ClusterSession(
        load_connection(cluster.kubeconfig), namespaces=["default"], sync_delay=0.5, margin=1.0
    )
    s.start(sink)
    assert eventually(lambda: sink.synced_calls == 1)
    yield s, sink
    s.stop()


def zap(msg, **fields):
    return json.dumps({"level": "info", "ts": time.time(), "logger": "file-watcher", "msg": msg, **fields})


def test_synced_rows_carry_readiness_configmaps_and_layer_summary(session):
    s, sink = session
    row = sink.rows[KEY]
    assert row.desired == 2 and row.configmaps == ("workflowexecution-config",)
    assert "hot" in row.summary and "restart" in row.summary
    assert s.workloads()[KEY] == row
    assert sink.states[-1].status == "connected"
    layers = {(x.key_path, str(x.layer)) for x in s.settings(KEY) if x.key_path}
    assert ("logging.level", "hot-reload") in layers
    assert len(s.pods_of(KEY)) == 2


def test_secret_values_are_redacted_in_yaml(session):
    s, _sink = session
    text = s.object_yaml("Secret", "default", "token")
    assert "c2VjcmV0" not in text and "plain-secret" not in text and "<redacted>" in text
    assert "password" in text  # the keys stay visible


def test_a_secrets_yaml_keeps_its_last_applied_copy_with_every_value_redacted(session):
    import yaml

    s, _sink = session
    doc = yaml.safe_load(s.object_yaml("Secret", "default", "token"))
    assert set(doc["data"].values()) == {"<redacted>"} and "password" in doc["data"]
    applied = json.loads(doc["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"])
    assert applied == {"data": {"password": "<redacted>"}, "kind": "Secret"}


def test_deleting_a_workload_removes_its_row(cluster, session):
    _s, sink = session
    kubectl_stdout(cluster, "delete", "deployment", "workflowexecution")
    eventually(lambda: KEY in sink.deleted)


def _edit_and_log(cluster, s, sink, new_text, line_for):
    assert s.actions.edit_configmap_key(
        "default", "workflowexecution-config", "workflowexecution.yaml", new_text
    ).ok
    eventually(lambda: len(sink.of(ReloadPending)) == 2)
    change = sink.of(ConfigMapChanged)[-1]
    assert change.changed_keys == {"workflowexecution.yaml": sha256_text(new_text)}
    for pod in s.pods_of(KEY):
        name = pod["metadata"]["name"]
        eventually(lambda n=name: s.reloads.follower(KEY) and n in s.reloads.follower(KEY).pods())
        cluster.call(cluster.logs.append, "default", name, "workflowexecution-controller", line_for(new_text))
    return eventually(lambda: len(sink.of(ReloadEvent)) == 2 and sink.of(ReloadEvent))


def test_hot_key_edit_matches_every_replicas_applied_event(cluster, session):
    s, sink = session
    new = CONFIG.replace("INFO", "DEBUG")
    events = _edit_and_log(
        cluster,
        s,
        sink,
        new,
        lambda text: zap(
            "Configuration reloaded successfully",
            path="/etc/config/workflowexecution.yaml",
            hash=sha256_text(text),
        ),
    )
    version = sink.of(ConfigMapChanged)[-1].resource_version
    assert {(e.outcome, e.version) for e in events} == {("applied", version)}
    assert all(e.delay is not None and e.delay >= 0 for e in events)


def test_restart_only_key_edit_reports_needs_restart(cluster, session):
    s, sink = session
    new = CONFIG.replace("5m", "10m")
    events = _edit_and_log(
        cluster, s, sink, new, lambda text: zap("Configuration reloaded successfully", hash=sha256_text(text))
    )
    assert {e.outcome for e in events} == {"needs-restart"}
    assert "execution.cooldownPeriod" in events[0].message


def test_invalid_value_reports_rejected(cluster, session):
    s, sink = session
    new = CONFIG.replace("5m", "-1m")
    events = _edit_and_log(
        cluster,
        s,
        sink,
        new,
        lambda text: zap(
            "Callback rejected new content, keeping previous",
            newHash=sha256_text(text),
            error="execution.cooldownPeriod must be positive",
        ),
    )
    assert {e.outcome for e in events} == {"rejected"}
    assert "must be positive" in events[0].message


def test_silent_pods_become_stale(session):
    s, sink = session
    assert s.actions.edit_configmap_key(
        "default", "workflowexecution-config", "workflowexecution.yaml", CONFIG.replace("INFO", "WARN")
    ).ok
    stale = eventually(lambda: len(sink.of(ReloadStale)) == 2 and sink.of(ReloadStale), timeout=15)
    assert {e.pod for e in stale} == {p["metadata"]["name"] for p in s.pods_of(KEY)}


def test_container_restart_and_kube_events_reach_the_stream(cluster, session):
    _s, sink = session

    def restart():
        pod = copy.deepcopy(cluster.store.get("pods", "default", "workflowexecution-abc12-p0"))
        cs = pod["status"]["containerStatuses"][0]
        cs["restartCount"] = 1
        cs["lastState"] = {"terminated": {"reason": "Error", "exitCode": 1}}
        cluster.store.update("pods", pod, subresource="status")

    cluster.call(restart)
    restarted = eventually(lambda: sink.of(ContainerRestarted))
    assert restarted[0].workload == KEY and "exit code 1" in restarted[0].reason
    from tui.localcluster.api.events import record_event

    pod = cluster.call(cluster.store.get, "pods", "default", "workflowexecution-abc12-p1")
    cluster.call(
        record_event, cluster.store, pod, "BackOff", "Back-off restarting failed container", type="Warning"
    )
    event = eventually(lambda: [e for e in sink.of(KubeEvent) if e.reason == "BackOff"])[0]
    assert event.workload == KEY and event.severity == "warning"


def test_a_crash_loop_log_fetch_does_not_hold_back_table_updates(cluster, session):
    s, sink = session
    cluster.faults.set_latency(4)  # every new request waits; the open watches keep streaming

    def crash_then_scale():
        pod = copy.deepcopy(cluster.store.get("pods", "default", "workflowexecution-abc12-p0"))
        pod["status"]["containerStatuses"][0]["state"] = {"waiting": {"reason": "CrashLoopBackOff"}}
        cluster.store.update("pods", pod, subresource="status")
        dep = copy.deepcopy(cluster.store.get("deployments", *KEY[1:]))
        dep["metadata"].setdefault("labels", {})["seen"] = "yes"
        cluster.store.update("deployments", dep)

    try:
        version = sink.rows[KEY].resource_version
        cluster.call(crash_then_scale)
        # the crash's log GET waits 4 s (twice: previous run, then current): the row may not wait with it
        assert eventually(lambda: sink.rows[KEY].resource_version != version, timeout=2.0)
        assert not sink.of(CrashLoop)  # handed on with its lines, once they are in
    finally:
        cluster.faults.set_latency(0)
    crash = eventually(lambda: sink.of(CrashLoop), timeout=20)[0]
    assert crash.pod == "workflowexecution-abc12-p0" and crash.workload == KEY


def test_follow_logs_joins_new_pods_and_reads_lines(cluster, session):
    s, _sink = session
    got, lock = [], threading.Lock()

    def on_lines(lines):
        with lock:
            got.extend(lines)

    cluster.call(
        cluster.logs.append,
        "default",
        "workflowexecution-abc12-p0",
        "workflowexecution-controller",
        "before \x1b[31mred\x1b[0m [bold]markup[/bold]",
    )
    handle = s.follow_logs(KEY, on_lines, tail=10)
    try:
        eventually(lambda: any("before" in line.text for line in got))
        line = next(ln for ln in got if "before" in ln.text)
        assert "\x1b" not in line.text and "[bold]" in line.text
        cluster.call(
            cluster.logs.append,
            "default",
            "workflowexecution-abc12-p1",
            "workflowexecution-controller",
            "from the second pod",
        )
        eventually(lambda: any(ln.pod.endswith("p1") and ln.text == "from the second pod" for ln in got))
    finally:
        handle.stop()


def test_stop_ends_every_thread_promptly(cluster):
    seed(cluster)
    before = set(threading.enumerate())
    sink = Sink()
    s = ClusterSession(load_connection(cluster.kubeconfig), namespaces=["default"])
    s.start(sink)
    eventually(lambda: sink.synced_calls == 1)
    handle = s.follow_logs(KEY, lambda lines: None)
    s.stop()
    handle.stop()
    leftover = [
        t for t in set(threading.enumerate()) - before if t.is_alive() and t.name.startswith("kubeknobs")
    ]
    assert leftover == []
    assert sink.states[-1].status == "offline"


@pytest.mark.parametrize("after", [0.0, 0.05, 0.2])
def test_a_session_stopped_while_it_connects_leaves_no_thread_behind(cluster, after):
    seed(cluster)
    before = set(threading.enumerate())
    s = ClusterSession(load_connection(cluster.kubeconfig), namespaces=["default"])
    s.start(Sink())
    time.sleep(after)  # stop at different moments of the start: connecting, listing, watching
    s.stop()

    def ours() -> list[threading.Thread]:
        return [
            t for t in set(threading.enumerate()) - before if t.is_alive() and t.name.startswith("kubeknobs")
        ]

    # once the session's own thread has ended nothing can start a thread for it: no sleep, no race
    eventually(lambda: not any(t.name == "kubeknobs-session" for t in ours()), timeout=5)
    assert ours() == []


def test_read_only_user_sees_everything_and_changes_nothing(cluster):
    seed(cluster)
    sink = Sink()
    s = ClusterSession(load_connection(cluster.kubeconfig, "kubeknobs-demo-readonly"), namespaces=["default"])
    s.start(sink)
    try:
        eventually(lambda: sink.synced_calls == 1)
        assert KEY in sink.rows and sink.states[-1].status == "connected"
        assert not s.can("patch", "deployments", "default")
        result = s.actions.rollout_restart(KEY)
        assert result.status == "forbidden" and result.denied == "patch deployments in namespace default"
    finally:
        s.stop()


def test_connection_state_reports_reconnecting_then_connected(cluster, session):
    s, sink = session
    eventually(lambda: all(i._stream is not None for i in s.informers()))  # every watch is open
    cluster.faults.fail_next(3, status=503)
    cluster.faults.drop_watches()
    eventually(lambda: any(st.status == "reconnecting" and "503" in (st.reason or "") for st in sink.states))
    eventually(lambda: sink.states[-1].status == "connected")


def test_many_workloads_show_rows_first_and_summaries_after(cluster):
    def many():
        for i in range(300):
            cluster.store.create(
                "deployments",
                {
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "metadata": {"name": f"app-{i:03}", "namespace": "default"},
                    "spec": {
                        "selector": {"matchLabels": {"app": "x"}},
                        "template": {
                            "metadata": {"labels": {"app": "x"}},
                            "spec": {"containers": [{"name": "c", "image": "x", "args": ["--level=info"]}]},
                        },
                    },
                },
            )

    cluster.call(many)
    sink = Sink()
    s = ClusterSession(load_connection(cluster.kubeconfig), namespaces=["default"])
    s.start(sink)
    try:
        eventually(lambda: sink.synced_calls == 1 and len(sink.rows) == 300)
        eventually(lambda: all(r.summary != "…" for r in s.workloads().values()))
        assert all(r.summary != "…" for r in sink.rows.values())
    finally:
        s.stop()


def test_a_kind_the_user_may_not_list_still_lets_the_rest_sync(cluster):
    seed(cluster)
    sink = Sink()
    s = ClusterSession(
        load_connection(cluster.kubeconfig, "kubeknobs-demo-readonly"),
        namespaces=["default"],
        kinds=("deployments", "configmaps", "secrets"),
    )
    s.start(sink)
    try:
        eventually(lambda: sink.synced_calls == 1)
        assert KEY in sink.rows
        failed = eventually(lambda: [st for st in sink.states if st.status == "failed"])
        assert "secrets" in failed[-1].reason
    finally:
        s.stop()


def _secret_consumer(cluster):
    def run():
        cluster.store.create(
            "deployments",
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "token-user", "namespace": "default"},
                "spec": {
                    "replicas": 0,
                    "selector": {"matchLabels": {"app": "tu"}},
                    "template": {
                        "metadata": {"labels": {"app": "tu"}},
                        "spec": {
                            "containers": [
                                {
                                    "name": "app",
                                    "image": "x",
                                    "env": [
                                        {
                                            "name": "PASSWORD",
                                            "valueFrom": {
                                                "secretKeyRef": {"name": "token", "key": "password"}
                                            },
                                        }
                                    ],
                                }
                            ]
                        },
                    },
                },
            },
        )

    cluster.call(run)


@pytest.mark.parametrize(
    ("context", "words"),
    [
        (
            "kubeknobs-demo-readonly",
            "Secret token is not readable here: RBAC forbids listing Secrets in default",
        ),
        ("kubeknobs-demo", "Secret token was not listed: kubeknobs does not read Secrets"),
    ],
)
def test_a_secret_the_session_did_not_read_says_why(cluster, context, words):
    seed(cluster)
    _secret_consumer(cluster)
    sink = Sink()
    s = ClusterSession(load_connection(cluster.kubeconfig, context), namespaces=["default"])
    s.start(sink)
    try:
        key = ("Deployment", "default", "token-user")
        eventually(lambda: key in sink.rows)
        evidence = [line for setting in s.settings(key) for line in setting.evidence]
        assert any(words in line for line in evidence), evidence
        assert not any("not known here" in line for line in evidence)
    finally:
        s.stop()
