"""What `explain --against` says applying NEW does, one manifest shape at a time."""

from tests.explain.against_manifests import (
    by_name,
    coredns,
    helm_store,
    immutable_tariff,
    kustomize_overlay,
    reloader,
    review,
    subpath_proxy,
)
from tui.model.review import Outcome

STORE_FILE = "store-config/config.yaml"


def test_a_restart_only_key_changed_without_a_checksum_bump_is_not_triggered():
    changes, _ = review(helm_store(), helm_store(connections=40, level="DEBUG"))
    found = by_name(changes)
    stuck = found[f"{STORE_FILE}#database.maxConnections"]
    assert (stuck.old, stuck.new, stuck.layer) == ("20", "40", "restart")
    assert stuck.outcome == Outcome.RESTART_NEEDED_NOT_TRIGGERED
    assert "checksum/config" in stuck.why and "kubectl rollout restart deployment/store -n data" in stuck.why
    live = found[f"{STORE_FILE}#logging.level"]
    assert live.outcome == Outcome.APPLIES_LIVE and "60–90 s" in live.why
    # the watched file reloads, but the row says that one of its keys waits for a restart
    whole = found[STORE_FILE]
    assert whole.outcome == Outcome.APPLIES_LIVE and "database.maxConnections" in whole.why


def test_a_configmap_change_with_its_checksum_bumped_rolls_out():
    changes, _ = review(helm_store(), helm_store(connections=40, checksum="77aa01"))
    stuck = by_name(changes)[f"{STORE_FILE}#database.maxConnections"]
    assert stuck.outcome == Outcome.ROLLS_OUT
    assert "checksum/config" in stuck.why and "3 pods" in stuck.why
    assert {c.outcome for c in changes} == {Outcome.ROLLS_OUT}


def test_a_kustomize_hash_suffixed_configmap_is_matched_by_its_mount_and_rolls_out():
    changes, _ = review(kustomize_overlay("7g2m9k", '{"w": 1}'), kustomize_overlay("b5t8h4", '{"w": 2}'))
    assert len(changes) == 1
    change = changes[0]
    assert (change.old, change.new, change.outcome) == ('{"w": 1}', '{"w": 2}', Outcome.ROLLS_OUT)
    assert "router-settings-b5t8h4 instead of ConfigMap router-settings-7g2m9k" in change.why
    assert "4 pods" in change.why


def test_reloader_named_configmap_rolls_out_and_an_unnamed_one_never_reaches():
    changes, _ = review(reloader(), reloader(batch=80))
    change = by_name(changes)["MAX_BATCH"]
    assert change.outcome == Outcome.ROLLS_OUT
    assert "Reloader" in change.why and "ledger-limits" in change.why and "2 pods" in change.why
    changes, _ = review(reloader(), reloader(features="audit,export"))
    change = by_name(changes)["FEATURES"]
    assert change.outcome == Outcome.NEVER_REACHES_UNTIL_RESTART
    assert "environment variable from ConfigMap ledger-flags" in change.why


def test_a_subpath_file_never_reaches_the_running_pods():
    changes, _ = review(subpath_proxy(), subpath_proxy(timeout="60s"))
    [change] = changes
    assert change.outcome == Outcome.NEVER_REACHES_UNTIL_RESTART
    assert "subPath proxy.conf" in change.why


def test_a_flag_change_rolls_out_every_replica_and_a_daemonset_every_node():
    [change] = review(subpath_proxy(), subpath_proxy(log_level="debug"))[0]
    assert (change.name, change.old, change.new) == ("--log-level", "info", "debug")
    assert change.outcome == Outcome.ROLLS_OUT and "flag" in change.why and "5 pods" in change.why
    changes, _ = review(subpath_proxy(kind="DaemonSet"), subpath_proxy(kind="DaemonSet", log_level="debug"))
    assert "one pod per node" in by_name(changes)["--log-level"].why


def test_a_template_change_under_on_delete_restarts_nothing():
    strategy = "updateStrategy: {type: OnDelete}"
    old = subpath_proxy(kind="StatefulSet", strategy=strategy)
    new = subpath_proxy(kind="StatefulSet", strategy=strategy, log_level="debug", timeout="45s")
    found = by_name(review(old, new)[0])
    assert found["--log-level"].outcome == Outcome.RESTART_NEEDED_NOT_TRIGGERED
    assert "OnDelete" in found["--log-level"].why
    assert found["gateway-conf/proxy.conf"].outcome == Outcome.NEVER_REACHES_UNTIL_RESTART


def test_an_immutable_configmap_changed_in_place_is_rejected_and_a_new_version_rolls_out():
    [change] = review(immutable_tariff(), immutable_tariff(vat="0.21"))[0]
    assert change.outcome == Outcome.REJECTED_IMMUTABLE and "tariff-v3 is immutable" in change.why
    [change] = review(immutable_tariff(), immutable_tariff(version="v4", vat="0.21"))[0]
    assert change.outcome == Outcome.ROLLS_OUT and "tariff-v4" in change.why


def test_a_secret_value_change_is_found_and_never_shown():
    changes, _ = review(immutable_tariff(), immutable_tariff(token="b3RoZXItdG9rZW4="))
    [change] = changes
    assert change.name == "API_TOKEN" and (change.old, change.new) == ("(secret)", "(secret)")
    assert change.outcome == Outcome.NEVER_REACHES_UNTIL_RESTART
    assert "b3RoZXItdG9rZW4" not in repr(change.to_json()) and "other-token" not in repr(change.to_json())


def test_a_polled_corefile_applies_live_within_the_poll_window():
    [change] = review(coredns(), coredns(cache=60))[0]
    assert change.outcome == Outcome.APPLIES_LIVE and change.mechanism == "file-poll"
    assert "75–135 s" in change.why


def test_added_and_removed_settings_carry_their_layer():
    changes, _ = review(
        subpath_proxy(kind="DaemonSet"), subpath_proxy(kind="DaemonSet", extra_flag="--workers=3")
    )
    added = by_name(changes)["--workers"]
    assert (added.old, added.new, added.outcome, added.layer) == (None, "3", Outcome.NEW_SETTING, "restart")
    assert "layer restart" in added.why
    changes, _ = review(subpath_proxy(extra_flag="--workers=3"), subpath_proxy())
    removed = by_name(changes)["--workers"]
    assert (removed.old, removed.new, removed.outcome) == ("3", None, Outcome.REMOVED_SETTING)


def test_a_new_workload_is_all_new_settings_and_a_gone_one_all_removed():
    changes, _ = review(coredns(), coredns() + "---\n" + subpath_proxy())
    assert {c.workload for c in changes} == {"Deployment/gateway"}
    assert {c.outcome for c in changes} == {Outcome.NEW_SETTING}
    changes, _ = review(coredns() + "---\n" + subpath_proxy(), coredns())
    assert {c.outcome for c in changes} == {Outcome.REMOVED_SETTING}
    assert all("no longer in NEW" in c.why for c in changes)


def test_unchanged_manifests_report_nothing_and_other_kinds_are_skipped():
    changes, skipped = review(helm_store(), helm_store())
    assert changes == []
    assert [(s["kind"], s["name"]) for s in skipped] == [("Service", "store")]


def test_a_changed_configmap_no_workload_reads_is_skipped_with_the_reason():
    orphan = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: leftover, namespace: data}\ndata: {k: '%s'}\n"
    changes, skipped = review(coredns() + "---\n" + orphan % "a", coredns() + "---\n" + orphan % "b")
    assert changes == []
    assert skipped == [
        {
            "file": "new.yaml",
            "kind": "ConfigMap",
            "namespace": "data",
            "name": "leftover",
            "reason": "changed, but no workload in NEW reads it",
        }
    ]


def test_each_change_names_the_new_file_that_holds_it():
    changes, _ = review(helm_store(), helm_store(connections=40))
    assert {c.file for c in changes} == {"new.yaml"}


def test_a_file_nothing_says_the_app_re_reads_needs_a_reload():
    [change] = review(kustomize_overlay("7g2m9k", '{"w": 1}'), kustomize_overlay("7g2m9k", '{"w": 3}'))[0]
    assert change.outcome == Outcome.RELOAD_NEEDED and change.layer == "file-propagates"
    assert "60–90 s" in change.why and "restart Deployment/prod-router" in change.why
