"""ConfigMaps and Secrets an app reads through the Kubernetes API: named by a flag, a variable or a fixed name."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.change.plan import Route, plan_change
from tui.explain import collect
from tui.model.apiwatch import watched_through_api
from tui.model.layers import Layer, Source
from tui.model.mechanisms import Mechanism
from tui.model.objects import ClusterObjects
from tui.model.profiles import ProfileError, ProfileSet, load_profile_file
from tui.model.workload import Workload

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "manifests"


def settings(fixture: str) -> dict:
    results = collect([str(FIXTURES / fixture)], ProfileSet.builtin())
    return {(s.workload, s.source, s.name): s for _, group in results for s in group}


def test_an_ingress_controller_watches_the_configmaps_its_flags_name():
    found = settings("ingress-controller.yaml")
    body = found[("Deployment/edge-controller", Source.API_KEY, "edge-controller/proxy-body-size")]
    assert (body.layer, body.mechanism, body.via, body.value) == (
        Layer.HOT_RELOAD,
        Mechanism.API_WATCH,
        "--configmap",
        "16m",
    )
    assert body.takes_effect_s == (0.0, 10.0)  # an informer: no kubelet delay
    assert body.evidence[0] == (
        "watched through the API: declared by profile ingress-nginx: the app reads ConfigMap edge-controller,"
        " named by --configmap, through the Kubernetes API and applies a change within seconds, with no"
        " kubelet delay"
    )
    assert body.plan == (
        "Edit ConfigMap edge-controller",
        "Wait a few seconds for the app to apply it: it watches the ConfigMap through the API (2 pods)",
    )
    summary = plan_change(body, pods=2).summary
    assert summary == (
        "`proxy-body-size` is in ConfigMap `edge-controller`, which container controller of"
        " Deployment/edge-controller reads through the Kubernetes API (--configmap). The app watches the"
        " ConfigMap through the API: edit it and wait a few seconds for 2 pods to apply it."
    )
    tcp = found[("Deployment/edge-controller", Source.API_KEY, "edge-tcp/5432")]
    assert (tcp.via, tcp.configmap, tcp.key) == ("--tcp-services-configmap", "edge-tcp", "5432")
    assert plan_change(tcp, pods=2).route == Route.KEY  # the wizard edits the key like any other
    assert tcp.to_json()["source"] == "api-key" and tcp.to_json()["configmap"] == "edge-tcp"
    # its flags are still read at start
    flag = found[("Deployment/edge-controller", Source.FLAG, "--configmap")]
    assert flag.layer == Layer.RESTART


def test_a_key_that_also_reaches_the_app_as_env_stays_restart():
    found = settings("gitops-settings.yaml")
    controller = "StatefulSet/argocd-application-controller"
    url = found[(controller, Source.API_KEY, "argocd-cm/url")]
    assert (url.mechanism, url.via) == (Mechanism.API_WATCH, "fixed name")
    assert "by its fixed name" in url.evidence[0]
    assert "the app sees it only while it carries the label app.kubernetes.io/part-of=argocd" in url.evidence
    timeout = found[(controller, Source.API_KEY, "argocd-cm/timeout.reconciliation")]
    assert (timeout.layer, timeout.mechanism) == (Layer.RESTART, Mechanism.READ_AT_START)
    assert timeout.evidence[0] == (
        "timeout.reconciliation also reaches container argocd-application-controller as env"
        " ARGOCD_RECONCILIATION_TIMEOUT (env): the app takes that value once at start"
    )
    env = found[(controller, Source.ENV, "ARGOCD_RECONCILIATION_TIMEOUT")]
    assert (env.layer, env.mechanism) == (Layer.RESTART, Mechanism.ENV)


def test_an_object_without_the_label_the_informer_selects_is_not_watched():
    found = settings("gitops-settings.yaml")
    server = {name for (workload, source, name) in found if workload == "Deployment/argocd-server"}
    assert "argocd-cm/url" in server
    assert not any(name.startswith("argocd-rbac-cm") for name in server)  # not labelled part-of=argocd
    # a Secret not in the inputs: watched, its keys unknown, never a value
    secret = found[("Deployment/argocd-server", Source.API, "argocd-secret/*")]
    assert (secret.secret, secret.value, secret.mechanism) == (True, None, Mechanism.API_WATCH)
    assert secret.to_json()["secret"] == "argocd-secret" and "configmap" not in secret.to_json()


def test_a_configmap_named_by_a_variable_and_never_by_an_init_container():
    found = settings("policy-engine.yaml")
    events = found[("Deployment/kyverno", Source.API_KEY, "kyverno/generateSuccessEvents")]
    assert (events.container, events.via, events.mechanism) == (
        "kyverno",
        "env INIT_CONFIG",
        Mechanism.API_WATCH,
    )
    assert not [s for s in found.values() if s.init and s.source in (Source.API, Source.API_KEY)]


def test_the_configmap_to_workload_index_learns_what_is_watched_through_the_api():
    import yaml

    docs = list(yaml.safe_load_all((FIXTURES / "ingress-controller.yaml").read_text()))
    objects = ClusterObjects([d for d in docs if d["kind"] == "ConfigMap"])
    workload = Workload.from_api(next(d for d in docs if d["kind"] == "Deployment"))
    watched = watched_through_api(workload, objects, ProfileSet.builtin())
    assert [(w.kind, w.namespace, w.name, w.via) for w in watched] == [
        ("ConfigMap", "edge", "edge-controller", "--configmap"),
        ("ConfigMap", "edge", "edge-tcp", "--tcp-services-configmap"),
    ]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{kind: ConfigMap}", "needs flag, env or name"),
        ("{name: a, default: b}", "default goes with flag or env"),
        ("{name: a, kind: Pod}", "kind must be ConfigMap or Secret"),
        ("{name: a, colour: red}", "must be a mapping of default, env, flag, kind, labels, name"),
    ],
)
def test_a_bad_watch_declaration_names_its_problem(tmp_path, entry, message):
    path = tmp_path / "bad.yaml"
    path.write_text(f"name: bad\nmatch: {{images: ['bad']}}\nwatches:\n  - {entry}\n")
    with pytest.raises(ProfileError, match=message):
        load_profile_file(path)


def test_the_index_learns_the_configmaps_a_label_sidecar_selects():
    import yaml

    docs = list(yaml.safe_load_all((FIXTURES / "dashboard-sidecar.yaml").read_text()))
    objects = ClusterObjects([d for d in docs if d["kind"] == "ConfigMap"])
    workload = Workload.from_api(next(d for d in docs if d["kind"] == "Deployment"))
    watched = watched_through_api(workload, objects, ProfileSet.builtin())
    assert [(w.name, w.via) for w in watched] == [("dashboard-nodes", "k8s-sidecar grafana_dashboard")]


def test_a_known_secret_read_through_the_api_lists_its_keys_never_its_values(tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: argocd-secret, namespace: gitops,"
        " labels: {app.kubernetes.io/part-of: argocd}}\ndata: {server.secretkey: c2VjcmV0}\n"
    )
    results = collect([str(FIXTURES / "gitops-settings.yaml"), str(secret)], ProfileSet.builtin())
    key = next(s for _, group in results for s in group if s.name == "argocd-secret/server.secretkey")
    assert (key.source, key.secret, key.value, key.mechanism) == (
        Source.API_KEY,
        True,
        None,
        Mechanism.API_WATCH,
    )
    assert key.to_json()["value"] is None and key.to_json()["secret"] == "argocd-secret"


def test_the_index_leaves_out_an_object_the_app_s_informer_does_not_select():
    import yaml

    docs = list(yaml.safe_load_all((FIXTURES / "gitops-settings.yaml").read_text()))
    objects = ClusterObjects([d for d in docs if d["kind"] == "ConfigMap"])
    server = Workload.from_api(next(d for d in docs if d["metadata"]["name"] == "argocd-server"))
    names = [w.name for w in watched_through_api(server, objects, ProfileSet.builtin())]
    assert names == ["argocd-cm", "argocd-secret"]  # argocd-rbac-cm lacks app.kubernetes.io/part-of=argocd
