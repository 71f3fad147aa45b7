"""A file reloaded through another container of the pod: configmap-reload, prometheus-config-reloader."""

from __future__ import annotations

from pathlib import Path

from tui.explain import collect
from tui.model.layers import Layer, Source
from tui.model.mechanisms import Mechanism
from tui.model.plans import KUBELET_SYNC_S
from tui.model.profiles import ProfileSet

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "manifests"


def settings() -> dict:
    results = collect([str(FIXTURES / "reload-sidecars.yaml")], ProfileSet.builtin())
    return {
        (s.workload, s.container, s.name): s for _, group in results for s in group if s.source == Source.FILE
    }


def test_a_file_watched_by_configmap_reload_is_hot_reload_through_it():
    config = settings()[("StatefulSet/metrics", "server", "scrape-config/prometheus.yml")]
    assert (config.layer, config.mechanism, config.trigger, config.via) == (
        Layer.HOT_RELOAD,
        Mechanism.SIDECAR,
        "config-reloader",
        "configmap-reload",
    )
    assert config.evidence[0] == (
        "reloaded by sidecar config-reloader (configmap-reload): it watches volume config and calls"
        " http://127.0.0.1:9090/-/reload once the kubelet has updated the files"
    )
    assert config.takes_effect_s == (KUBELET_SYNC_S[0], KUBELET_SYNC_S[1] + 5.0)
    assert config.plan == (
        "Edit ConfigMap scrape-config",
        "Wait for the kubelet to update the file (60–90 s): sidecar config-reloader then tells the app",
        "Wait for the reload event (2 pods)",
    )
    data = config.to_json()
    assert (data["mechanism"], data["trigger"], data["takes_effect_s"]) == (
        "sidecar",
        "config-reloader",
        [60.0, 95.0],
    )


def test_the_sidecar_s_own_mount_is_what_it_watches():
    own = settings()[("StatefulSet/metrics", "config-reloader", "scrape-config/prometheus.yml")]
    assert (own.layer, own.mechanism) == (Layer.HOT_RELOAD, Mechanism.FILE_WATCH)
    assert own.evidence[0].startswith("this sidecar (configmap-reload) watches the files of volume config")


def test_a_subpath_copy_is_never_updated_for_the_sidecar_to_bring_in():
    routes = settings()[("Deployment/alerts", "alertmanager", "alert-routes/alertmanager.yml")]
    assert (routes.layer, routes.mechanism) == (Layer.RESTART, Mechanism.SUBPATH_COPY)
    assert routes.trigger is None
    assert (
        "sidecar routes-reloader watches volume routes, but this container mounts it with subPath: its copy"
        " never changes, so the reload the sidecar triggers reads the old file"
    ) in routes.evidence


def test_prometheus_config_reloader_names_its_directory_and_its_target():
    rules = settings()[("StatefulSet/rules-server", "rules", "rules-0/*")]
    assert (rules.mechanism, rules.trigger, rules.via) == (
        Mechanism.SIDECAR,
        "config-reloader",
        "prometheus-config-reloader",
    )
    assert "calls http://127.0.0.1:9090/-/reload" in rules.evidence[0]


def test_a_sidecar_that_mounts_the_volume_with_subpath_never_sees_a_change(tmp_path):
    manifest = tmp_path / "blind.yaml"
    manifest.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app-config, namespace: web}\n"
        "data: {app.yaml: 'level: info'}\n---\n"
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: web}\nspec:\n"
        "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n"
        "      containers:\n"
        "        - name: web\n          image: example.com/web:1\n"
        "          volumeMounts: [{name: conf, mountPath: /etc/web}]\n"
        "        - name: reloader\n          image: jimmidyson/configmap-reload:v0.5.0\n"
        "          args: [--volume-dir=/etc/web, --webhook-url=http://127.0.0.1:8080/reload]\n"
        "          volumeMounts: [{name: conf, mountPath: /etc/web/app.yaml, subPath: app.yaml}]\n"
        "      volumes: [{name: conf, configMap: {name: app-config}}]\n"
    )
    results = collect([str(manifest)], ProfileSet.builtin())
    web = next(s for _, group in results for s in group if s.container == "web")
    assert web.mechanism == Mechanism.UNKNOWN  # nothing tells the app
    assert web.evidence[1] == (
        "sidecar reloader (configmap-reload) mounts volume conf with subPath: it reacts to the kubelet's swap of"
        " the volume's ..data link, which a subPath copy never has, so it never sees a change"
    )


def test_k8s_sidecar_delivers_the_labelled_configmaps_through_the_api():
    results = collect([str(FIXTURES / "dashboard-sidecar.yaml")], ProfileSet.builtin())
    found = {s.name: s for _, group in results for s in group if s.source == Source.API_KEY}
    assert sorted(found) == ["dashboard-nodes/nodes.json"]  # the unlabelled ConfigMap is not selected
    nodes = found["dashboard-nodes/nodes.json"]
    assert (nodes.container, nodes.mechanism, nodes.trigger, nodes.via, nodes.takes_effect_s) == (
        "grafana",
        Mechanism.SIDECAR,
        "grafana-sc-dashboard",
        "k8s-sidecar grafana_dashboard",
        (0.0, 10.0),
    )
    assert nodes.evidence[0] == (
        "reloaded by sidecar grafana-sc-dashboard (k8s-sidecar): it reads the ConfigMaps labelled"
        " grafana_dashboard through the Kubernetes API, writes nodes.json into /tmp/dashboards and calls"
        " http://localhost:3000/api/admin/provisioning/dashboards/reload"
    )
    assert nodes.plan[1] == (
        "Wait a few seconds: sidecar grafana-sc-dashboard reads it through the API, writes the file and tells the app"
    )
