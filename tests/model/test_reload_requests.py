"""Files an app re-reads only when asked: a signal to its main process, or an HTTP request."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.change.plan import plan_change
from tui.explain import collect
from tui.model.layers import Layer, Source
from tui.model.mechanisms import Follow, Mechanism
from tui.model.profiles import ProfileError, ProfileSet, load_profile_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "manifests"


def files() -> dict:
    results = collect([str(FIXTURES / "reload-requests.yaml")], ProfileSet.builtin())
    return {s.workload: s for _, group in results for s in group if s.source == Source.FILE}


def test_prometheus_without_the_lifecycle_flag_is_reloaded_by_sighup():
    config = files()["Deployment/scraper"]
    assert (config.layer, config.mechanism, config.trigger, config.takes_effect_s) == (
        Layer.RELOAD_ON_REQUEST,
        Mechanism.SIGNAL,
        "SIGHUP",
        None,
    )
    assert config.evidence[0] == (
        "declared by profile prometheus: the app re-reads prometheus.yml only when its main process gets"
        " SIGHUP, not by itself"
    )
    assert config.plan == (
        "Edit ConfigMap server-config",
        "Wait for the kubelet to update the file (60–90 s)",
        "In each pod (2 pods), send SIGHUP to the main process:"
        " kubectl exec -n observe <pod> -c prometheus -- kill -HUP 1",
        "Wait for the reload event (2 pods)",
    )
    plan = plan_change(config, pods=2)
    assert plan.follow == Follow.FILE
    assert plan.summary.endswith(
        "then in each pod (2 pods), send SIGHUP to the main process: kubectl exec -n observe <pod> -c prometheus"
        " -- kill -HUP 1. kubeknobs does not send it for you."
    )


def test_prometheus_with_the_lifecycle_flag_takes_a_post_through_the_pod_proxy():
    config = files()["Deployment/scraper-lifecycle"]
    assert (config.mechanism, config.trigger) == (Mechanism.HTTP_ENDPOINT, "POST :9090/-/reload")
    assert config.plan[2] == (
        "In each pod (1 pod), send POST /-/reload through the API server's pod proxy:"
        " kubectl create --raw /api/v1/namespaces/observe/pods/<pod>:9090/proxy/-/reload -f /dev/null"
    )
    assert config.to_json()["layer"] == "reload-on-request"


def test_alertmanager_always_has_its_reload_endpoint_and_nginx_takes_sighup():
    found = files()
    assert (found["Deployment/alerts"].mechanism, found["Deployment/alerts"].trigger) == (
        Mechanism.HTTP_ENDPOINT,
        "POST :9093/-/reload",
    )
    nginx = found["Deployment/frontend"]
    assert (nginx.mechanism, nginx.trigger, nginx.name) == (
        Mechanism.SIGNAL,
        "SIGHUP",
        "server-config/default.conf",
    )


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{key: a, reload: request}", "reload: request and asks go together"),
        ("{key: a, asks: [{signal: SIGHUP}]}", "reload: request and asks go together"),
        ("{key: a, reload: request, asks: [{signal: SIGKILL}]}", "signal must be one of"),
        ("{key: a, reload: request, asks: [{request: POST /-/reload}]}", "a request needs the port"),
        (
            "{key: a, reload: request, asks: [{request: reload, port: 1}]}",
            "request must be a method and a path",
        ),
        ("{key: a, reload: request, asks: [{signal: SIGHUP, request: POST /r, port: 1}]}", "either signal"),
    ],
)
def test_a_bad_ask_names_its_problem(tmp_path, entry, message):
    path = tmp_path / "bad.yaml"
    path.write_text(f"name: bad\nmatch: {{images: ['bad']}}\nfiles:\n  - {entry}\n")
    with pytest.raises(ProfileError, match=message):
        load_profile_file(path)


def test_in_a_pod_that_shares_its_process_namespace_pid_1_is_not_the_app(tmp_path):
    text = (FIXTURES / "reload-requests.yaml").read_text()
    shared = text.replace(
        "    spec:\n      containers:\n        - name: nginx",
        "    spec:\n      shareProcessNamespace: true\n      containers:\n        - name: nginx",
    )
    assert shared != text
    (tmp_path / "shared.yaml").write_text(shared)
    results = collect([str(tmp_path / "shared.yaml")], ProfileSet.builtin())
    nginx = next(
        s
        for _, group in results
        for s in group
        if s.workload == "Deployment/frontend" and s.source == Source.FILE
    )
    assert nginx.plan[2] == (
        "In each pod (1 pod), send SIGHUP to the app's process: kubectl exec -n observe <pod> -c nginx -- kill -HUP"
        " <PID> (the pod shares one process namespace, so PID 1 is its pause process: `ps` shows the app's)"
    )
