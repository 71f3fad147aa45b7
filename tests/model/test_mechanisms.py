"""The mechanism registry: every layer and mechanism is declared, and one more is handled everywhere."""

from __future__ import annotations

import json
import types
from pathlib import Path

import pytest

from tui.change.plan import plan_change
from tui.cluster.reload import ReloadCorrelator, ReloadTarget
from tui.cluster.reloadwatch import expected_reload
from tui.explain import collect, render_table
from tui.model.layers import LAYERS, Layer, Setting, Source, layer_spec, layer_summary
from tui.model.mechanisms import (
    MECHANISMS,
    Follow,
    Mechanism,
    MechanismSpec,
    mechanism_spec,
    reload_window,
    source_plan,
)
from tui.model.plans import KUBELET_SYNC_S, Trigger, live_steps
from tui.model.profiles import ProfileError, ProfileSet, load_profile_file
from tui.model.workload import Workload
from tui.widgets.theme_styles import layer_badge

from .builders import container, deployment

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "manifests"
EXTRA = "control-socket"  # the app is told of a new file over its control socket, after the kubelet's sync


@pytest.fixture
def extra_mechanism(monkeypatch):
    """One more mechanism, registered in the one registry for the length of a test."""
    spec = MechanismSpec(
        EXTRA, Layer.HOT_RELOAD, "told over its control socket", live_steps, (60.0, 95.0), Follow.HOT, True
    )
    monkeypatch.setitem(MECHANISMS, EXTRA, spec)
    return spec


def setting(of: str, **kw) -> Setting:
    spec = mechanism_spec(of)
    base = dict(
        namespace="demo",
        workload="Deployment/web",
        container="web",
        source=Source.FILE,
        name="web-config/app.yaml",
        value="level: INFO\n",
        layer=spec.layer,
        mechanism=of,
        auto_restart=None,
        managed_by=None,
        evidence=("declared by a test",),
        plan=("Edit ConfigMap web-config",),
        configmap="web-config",
        key="app.yaml",
        mount_path="/etc/app/app.yaml",
        consumed="volume",
    )
    return Setting(**{**base, **kw})


def app():
    return types.SimpleNamespace(
        theme_variables={
            "background": "#000000",
            "success": "#00ff00",
            "accent": "#00ffff",
            "secondary": "#ffff00",
            "warning": "#ff8800",
            "error": "#ff0000",
            "foreground-muted": "#888888",
        }
    )


def test_every_layer_and_every_mechanism_is_declared():
    assert set(LAYERS) == set(Layer)
    assert set(MECHANISMS) == set(Mechanism)
    for name, spec in MECHANISMS.items():
        assert spec.name == name and spec.layer in LAYERS and spec.follow in Follow and spec.label
    for layer, spec in LAYERS.items():
        assert mechanism_spec(spec.default_mechanism).layer == layer
    assert sorted(spec.strictness for spec in LAYERS.values()) == list(range(len(LAYERS)))


def test_an_unknown_layer_or_mechanism_is_an_error_not_a_fallback():
    with pytest.raises(KeyError, match="no MechanismSpec registers mechanism 'control-socket'"):
        setting(Mechanism.FILE_WATCH, mechanism=EXTRA)
    with pytest.raises(KeyError, match="no LayerSpec declares layer 'warm'"):
        layer_spec("warm")
    with pytest.raises(KeyError, match="no LayerSpec declares layer 'warm'"):
        setting(Mechanism.FILE_WATCH, layer="warm")
    with pytest.raises(ValueError, match="mechanism file-watch is in layer hot-reload, not restart"):
        setting(Mechanism.FILE_WATCH, layer=Layer.RESTART)
    with pytest.raises(KeyError):
        layer_badge(app(), "warm")


def test_a_setting_without_a_mechanism_takes_its_layers_default():
    bare = setting(Mechanism.FILE_WATCH, mechanism="")
    assert (bare.mechanism, bare.takes_effect_s) == (Mechanism.FILE_WATCH, KUBELET_SYNC_S)
    assert setting(Mechanism.UNKNOWN, mechanism="", layer=Layer.RESTART).mechanism == Mechanism.READ_AT_START


def test_an_extra_mechanism_registered_in_one_place_reaches_every_consumer(extra_mechanism, capsys):
    hup = setting(EXTRA, takes_effect_s=(60.0, 95.0))
    cooldown = setting(
        Mechanism.READ_AT_START,
        layer=Layer.RESTART,
        source=Source.FILE_KEY,
        name="web-config/startup.yaml#cooldown",
        key_path="cooldown",
    )
    # explain: the table and the JSON
    render_table([("Deployment/web in demo", [hup])])
    out = capsys.readouterr().out
    assert "hot-reload" not in out and " hot " in out and "1 hot" in out
    assert json.loads(json.dumps(hup.to_json()))["mechanism"] == EXTRA
    # the layer summary and the badge
    assert layer_summary([hup, cooldown]) == "1 hot · 1 restart"
    assert layer_badge(app(), hup.layer).plain == "HOT"
    # the wizard's follow and plan
    assert plan_change(hup, pods=2).follow == Follow.HOT
    assert plan_change(cooldown, pods=2, siblings=[hup]).follow == Follow.RELOAD_THEN_RESTART
    workload = Workload.from_api(deployment([container("web", "web:1")]))
    assert source_plan(EXTRA, workload, "ConfigMap", "web-config", None, None)[1].startswith(
        "Wait for the reload event"
    )
    # the reload watch expects a reload line, within the mechanism's own window
    mine, restart_only, after_sync = expected_reload([hup, cooldown], "web-config", "app.yaml")
    assert (restart_only, after_sync) == (("cooldown",), 5.0)
    assert reload_window(hup, 90.0) == 95.0


def test_the_reload_watch_does_not_follow_a_file_nothing_re_reads():
    unknown = setting(Mechanism.UNKNOWN)
    assert expected_reload([unknown], "web-config", "app.yaml") is None


def test_coredns_polls_its_corefile_so_its_window_includes_the_poll():
    results = collect([str(FIXTURES / "coredns.yaml")], ProfileSet.builtin())
    corefile = next(s for _, group in results for s in group if s.name == "coredns/Corefile")
    assert (corefile.layer, corefile.mechanism) == (Layer.HOT_RELOAD, Mechanism.FILE_POLL)
    assert corefile.takes_effect_s == (75.0, 135.0)  # kubelet sync 60–90 s, then 30 s ± 15 s
    assert corefile.evidence[0] == (
        "declared by profile coredns: Corefile has the reload plugin, the app re-reads it"
    )
    assert reload_window(corefile, 90.0) == 135.0
    assert corefile.to_json()["mechanism"] == "file-poll"


def test_a_poll_window_reaches_the_stale_time_of_each_target():
    correlator = ReloadCorrelator(window=90.0)
    watched = ReloadTarget(("Deployment", "demo", "web"), "web-1", "app.yaml")
    polled = ReloadTarget(("Deployment", "kube-system", "coredns"), "coredns-1", "Corefile", after_sync=45.0)
    correlator.config_changed("demo", "web-config", "7", {"app.yaml": "ab" * 32}, [watched])
    correlator.config_changed("kube-system", "coredns", "8", {"Corefile": "cd" * 32}, [polled])
    by_pod = {e.target.pod: (e.stale_at - e.since).total_seconds() for e in correlator.expectations}
    assert by_pod == {"web-1": 90.0, "coredns-1": 135.0}


def test_a_profile_says_how_the_app_re_reads_a_file(tmp_path):
    path = tmp_path / "poller.yaml"
    path.write_text(
        "name: poller\nmatch: {images: ['poller']}\n"
        "files:\n  - {key: app.conf, reload: poll, poll_period: 10, poll_jitter: 2}\n"
        "  - {key: other.conf, reload: none}\n"
    )
    [profile] = load_profile_file(path)
    polled, unread = profile.files
    assert (polled.reload, polled.watched, polled.poll_period, polled.poll_jitter) == (
        "poll",
        True,
        10.0,
        2.0,
    )
    assert (unread.reload, unread.watched) == ("none", False)
    for bad, message in (
        ("{key: a, reload: sometimes}", "reload must be one of watch, poll, request, none"),
        ("{key: a, reload: watch, poll_period: 3}", "poll_period and poll_jitter need reload: poll"),
        ("{key: a, reload: none, watched: true}", "watched: true contradicts reload: none"),
        ("{key: a, reload: poll, poll_period: soon}", "poll_period must be a number of seconds"),
    ):
        path.write_text(f"name: bad\nmatch: {{images: ['bad']}}\nfiles:\n  - {bad}\n")
        with pytest.raises(ProfileError, match=message):
            load_profile_file(path)


def test_the_new_mechanisms_reach_every_consumer(capsys):
    workload = Workload.from_api(deployment([container("web", "web:1")], namespace="demo", replicas=2))
    hup = Trigger("web", signal="SIGHUP")
    plan = source_plan(Mechanism.SIGNAL, workload, "ConfigMap", "web-config", None, None, hup)
    assert plan[2] == (
        "In each pod (2 pods), send SIGHUP to the main process: kubectl exec -n demo <pod> -c web -- kill -HUP 1"
    )
    signalled = setting(Mechanism.SIGNAL, trigger="SIGHUP", plan=plan)
    post = Trigger("web", request="POST /-/reload", port=9090)
    posted = source_plan(Mechanism.HTTP_ENDPOINT, workload, "ConfigMap", "web-config", None, None, post)
    assert posted[2].endswith(
        "kubectl create --raw /api/v1/namespaces/demo/pods/<pod>:9090/proxy/-/reload -f /dev/null"
    )
    watched = setting(
        Mechanism.API_WATCH, source=Source.API_KEY, mount_path=None, consumed="api", via="--configmap"
    )
    told = setting(Mechanism.SIDECAR, trigger="config-reloader", via="config-reloader")
    render_table([("Deployment/web in demo", [signalled, watched, told])])
    out = capsys.readouterr().out
    assert out.count("on request") >= 2 and "2 hot · 1 on request" in out  # the layer column and the title
    assert layer_badge(app(), signalled.layer).plain == "ASK"
    # the wizard's plan says what to run and that nothing sends it
    asked = plan_change(signalled, pods=2)
    assert asked.follow == Follow.FILE and "kill -HUP 1" in asked.summary
    assert "kubeknobs does not send it" in asked.summary
    assert "through the API" in plan_change(watched, pods=2).summary
    assert "Sidecar config-reloader" in plan_change(told, pods=2).summary
    # the JSON carries where the value comes from and what applies it
    data = signalled.to_json()
    assert (data["layer"], data["mechanism"], data["trigger"], data["takes_effect_s"]) == (
        "reload-on-request",
        "signal",
        "SIGHUP",
        None,
    )
    assert (data["configmap"], data["key"]) == ("web-config", "app.yaml")
    assert watched.to_json()["source"] == "api-key" and watched.to_json()["takes_effect_s"] == [0.0, 10.0]
    assert told.to_json()["via"] == "config-reloader"
    # the reload watch follows each: the reload line comes after the ask, the sidecar or the API event
    for one in (signalled, watched, told):
        assert expected_reload([one], "web-config", "app.yaml") is not None
