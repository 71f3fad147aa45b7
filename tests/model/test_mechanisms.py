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
from tui.model.plans import KUBELET_SYNC_S, live_steps
from tui.model.profiles import ProfileError, ProfileSet, load_profile_file
from tui.model.workload import Workload
from tui.widgets.theme_styles import layer_badge

from .builders import container, deployment

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "manifests"
SIGNAL = "signal"  # the app re-reads its file on SIGHUP, sent after the kubelet's sync


@pytest.fixture
def signal_mechanism(monkeypatch):
    """One more mechanism, registered in the one registry for the length of a test."""
    spec = MechanismSpec(
        SIGNAL, Layer.HOT_RELOAD, "re-read on SIGHUP", live_steps, (60.0, 95.0), Follow.HOT, True
    )
    monkeypatch.setitem(MECHANISMS, SIGNAL, spec)
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
    with pytest.raises(KeyError, match="no MechanismSpec registers mechanism 'signal'"):
        setting(Mechanism.FILE_WATCH, mechanism=SIGNAL)
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


def test_an_extra_mechanism_registered_in_one_place_reaches_every_consumer(signal_mechanism, capsys):
    hup = setting(SIGNAL, takes_effect_s=(60.0, 95.0))
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
    assert json.loads(json.dumps(hup.to_json()))["mechanism"] == SIGNAL
    # the layer summary and the badge
    assert layer_summary([hup, cooldown]) == "1 hot · 1 restart"
    assert layer_badge(app(), hup.layer).plain == "HOT"
    # the wizard's follow and plan
    assert plan_change(hup, pods=2).follow == Follow.HOT
    assert plan_change(cooldown, pods=2, siblings=[hup]).follow == Follow.RELOAD_THEN_RESTART
    workload = Workload.from_api(deployment([container("web", "web:1")]))
    assert source_plan(SIGNAL, workload, "ConfigMap", "web-config", None, None)[1].startswith(
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
        ("{key: a, reload: sometimes}", "reload must be one of watch, poll, none"),
        ("{key: a, reload: watch, poll_period: 3}", "poll_period and poll_jitter need reload: poll"),
        ("{key: a, reload: none, watched: true}", "watched: true contradicts reload: none"),
        ("{key: a, reload: poll, poll_period: soon}", "poll_period must be a number of seconds"),
    ):
        path.write_text(f"name: bad\nmatch: {{images: ['bad']}}\nfiles:\n  - {bad}\n")
        with pytest.raises(ProfileError, match=message):
            load_profile_file(path)
