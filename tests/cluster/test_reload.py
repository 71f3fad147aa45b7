"""Reload lines parsed from logs and matched to the ConfigMap version that caused them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tui.cluster.reload import (
    ReloadCorrelator,
    ReloadTarget,
    changed_keys,
    changed_paths,
    sha256_text,
)
from tui.model.events import ConfigMapChanged, ReloadEvent, ReloadPending, ReloadStale
from tui.model.reloadlog import match_reload_line

WE = ("Deployment", "kubernaut", "workflowexecution")
OLD = "logging:\n  level: INFO  # live\nexecution:\n  cooldownPeriod: 5m\n"
NEW_LEVEL = OLD.replace("INFO", "DEBUG")
NEW_COOLDOWN = OLD.replace("5m", "10m")


def zap(msg, **fields):
    return json.dumps({"level": "info", "ts": 1.0, "logger": "file-watcher", "msg": msg, **fields})


def test_changed_keys_hash_each_new_value_and_mark_removed_ones():
    old = {"data": {"a.yaml": "x: 1", "b": "same", "gone": "1"}}
    new = {"data": {"a.yaml": "x: 2", "b": "same", "new": "n"}}
    assert changed_keys(old, new) == {"a.yaml": sha256_text("x: 2"), "new": sha256_text("n"), "gone": ""}


def test_changed_paths_inside_yaml():
    assert changed_paths(OLD, NEW_COOLDOWN) == {"execution.cooldownPeriod"}
    assert changed_paths(OLD, "not: [valid") is None


def test_filewatcher_json_lines():
    digest = sha256_text(NEW_LEVEL)
    ok = match_reload_line(
        zap("Configuration reloaded successfully", path="/etc/config/we.yaml", hash=digest)
    )
    assert (ok.outcome, ok.hash, ok.file) == ("applied", digest, "/etc/config/we.yaml")
    bad = match_reload_line(
        zap(
            "Callback rejected new content, keeping previous",
            newHash="ab" * 32,
            error="cooldownPeriod must be positive",
        )
    )
    assert (bad.outcome, bad.hash, bad.message) == ("rejected", "ab" * 32, "cooldownPeriod must be positive")
    assert match_reload_line(zap("File watcher started", hash="00" * 32)) is None


def test_key_value_and_plain_text_lines():
    ok = match_reload_line("ts=1 event=llm_runtime_reload status=success hash=abcdef0123")
    assert (ok.outcome, ok.hash) == ("applied", "abcdef0123")
    restart = match_reload_line(
        'event=llm_runtime_reload status=rejected reason="model change requires a process restart"'
    )
    assert restart.outcome == "needs-restart" and "process restart" in restart.message
    plain = match_reload_line("Config reloaded - hash=0123456789abcdef..., reloads=2")
    assert (plain.outcome, plain.hash) == ("applied", "0123456789abcdef")
    assert match_reload_line("Invalid YAML, keeping previous config").outcome == "rejected"
    assert match_reload_line("GET /healthz 200") is None


def _change(correlator, new_text, changed=(), restart_only=("execution.cooldownPeriod",), at=None):
    at = at or datetime(2026, 1, 1, tzinfo=UTC)
    targets = [ReloadTarget(WE, pod, "we.yaml", restart_only, tuple(changed)) for pod in ("we-1", "we-2")]
    return correlator.config_changed(
        "kubernaut", "we-config", "42", {"we.yaml": sha256_text(new_text)}, targets, at=at, workload=WE
    )


def test_hot_key_edit_every_replica_matched_with_its_delay():
    c = ReloadCorrelator(window=10)
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    events = _change(c, NEW_LEVEL, changed=["logging.level"], at=t0)
    assert isinstance(events[0], ConfigMapChanged) and [type(e) for e in events[1:]] == [ReloadPending] * 2
    digest = sha256_text(NEW_LEVEL)
    line = match_reload_line(zap("Configuration reloaded successfully", hash=digest))
    first = c.reload_seen("kubernaut", WE, "we-1", "c", line, at=t0 + timedelta(seconds=1.5))
    second = c.reload_seen("kubernaut", WE, "we-2", "c", line, at=t0 + timedelta(seconds=2))
    assert [(e.outcome, e.version, e.delay) for e in first + second] == [
        ("applied", "42", 1.5),
        ("applied", "42", 2.0),
    ]
    assert c.tick(t0 + timedelta(seconds=60)) == []


def test_restart_only_key_reports_needs_restart_despite_success():
    c = ReloadCorrelator(window=10)
    _change(c, NEW_COOLDOWN, changed=["execution.cooldownPeriod"])
    line = match_reload_line(zap("Configuration reloaded successfully", hash=sha256_text(NEW_COOLDOWN)[:16]))
    (event,) = c.reload_seen("kubernaut", WE, "we-1", "c", line)
    assert event.outcome == "needs-restart" and "execution.cooldownPeriod" in event.message
    assert event.version == "42"


def test_rejected_value_reports_the_apps_reason():
    c = ReloadCorrelator(window=10)
    _change(c, "execution: [", changed=[])
    line = match_reload_line("Invalid YAML, keeping previous config")
    (event,) = c.reload_seen("kubernaut", WE, "we-2", "c", line)
    assert (event.outcome, event.version) == ("rejected", "42")
    assert isinstance(event, ReloadEvent) and "rejected" in event.summary


def test_silent_pod_turns_stale_once():
    c = ReloadCorrelator(window=5)
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    _change(c, NEW_LEVEL, at=t0)
    line = match_reload_line(zap("Configuration reloaded successfully", hash=sha256_text(NEW_LEVEL)))
    c.reload_seen("kubernaut", WE, "we-1", "c", line, at=t0 + timedelta(seconds=1))
    assert c.tick(t0 + timedelta(seconds=4)) == []
    stale = c.tick(t0 + timedelta(seconds=6))
    assert [(type(e), e.pod) for e in stale] == [(ReloadStale, "we-2")]
    assert c.tick(t0 + timedelta(seconds=7)) == []


def test_reload_of_an_unknown_hash_is_reported_unmatched():
    c = ReloadCorrelator(window=5)
    _change(c, NEW_LEVEL)
    line = match_reload_line(zap("Configuration reloaded successfully", hash="f" * 64))
    (event,) = c.reload_seen("kubernaut", WE, "we-1", "c", line)
    assert event.version is None and event.delay is None


def test_unhashed_rejection_naming_another_file_does_not_answer_this_key():
    c = ReloadCorrelator(window=10)
    target = ReloadTarget(WE, "we-1", "policy.rego", files=("/etc/sp/policies/policy.rego",))
    c.config_changed("kubernaut", "sp-policy", "7", {"policy.rego": sha256_text("p")}, [target])
    other = match_reload_line(
        zap("Callback rejected new content, keeping previous", path="/etc/sp/config.yaml")
    )
    (event,) = c.reload_seen("kubernaut", WE, "we-1", "c", other)
    assert event.version is None
    mine = match_reload_line(
        zap("Callback rejected new content, keeping previous", path="/etc/sp/policies/policy.rego")
    )
    (event,) = c.reload_seen("kubernaut", WE, "we-1", "c", mine)
    assert event.version == "7"


def test_unrelated_rejections_are_not_reload_outcomes():
    assert match_reload_line(zap("request rejected by rate limiter", path="/api")) is None
    assert match_reload_line("webhook rejected the object") is None


def test_the_file_watcher_family_is_one_rule_set_after_the_profiles_rules():
    from tui.model.reloadlog import ReloadRule

    assert (
        match_reload_line(json.dumps({"message": "Config hot-reloaded", "hash": "ab" * 8})).hash == "ab" * 8
    )
    assert match_reload_line(json.dumps({"msg": "started", "note": "Config reloaded"})) is None
    first = ReloadRule("rejected", kind="logfmt", fields=(("event", "reload"),), message_field="why")
    line = "event=reload status=success why=denied"
    assert match_reload_line(line).outcome == "applied"
    assert (match_reload_line(line, [first]).outcome, match_reload_line(line, [first]).message) == (
        "rejected",
        "denied",
    )
