"""Editing ConfigMap keys: validated, dry-run first, guarded by resourceVersion, backed up, revertible."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cluster.conftest import configmap
from tests.kube import kubectl_stdout
from tui.cluster.access import AccessReview
from tui.cluster.actions import Actions
from tui.cluster.backups import Backups

CONFIG = """\
# workflow execution settings
logging:
  level: INFO  # applied live
execution:
  namespace: kubernaut-workflows
  cooldownPeriod: 5m  # restart-only
"""


@pytest.fixture
def actions(cluster, admin, tmp_path):
    cluster.call(
        cluster.store.create, "configmaps", configmap("we-config", {"config.yaml": CONFIG, "mode": "a"})
    )
    return Actions(admin, AccessReview(admin), backups=Backups("kubeknobs-demo", tmp_path / "state"))


def server_value(cluster, key="config.yaml"):
    return json.loads(kubectl_stdout(cluster, "get", "configmap", "we-config", "-o", "json"))["data"].get(key)


def test_editing_a_key_changes_it_and_keeps_a_backup(cluster, actions):
    result = actions.edit_configmap_key("default", "we-config", "mode", "b")
    assert result.ok, result.message
    assert server_value(cluster, "mode") == "b"
    assert Path(result.backup).exists()
    assert actions.backups.latest("default", "we-config", "mode").old_value == "a"


def test_dry_run_changes_nothing(cluster, actions):
    result = actions.edit_configmap_key("default", "we-config", "mode", "b", dry_run=True)
    assert result.ok and result.dry_run
    assert server_value(cluster, "mode") == "a"
    assert actions.backups.latest("default", "we-config", "mode") is None


def test_invalid_yaml_is_refused_before_any_call(cluster, actions):
    result = actions.edit_configmap_key("default", "we-config", "config.yaml", "logging: [unclosed\n")
    assert result.status == "invalid" and "line" in result.message
    assert server_value(cluster) == CONFIG


def test_concurrent_edit_is_a_conflict_carrying_the_servers_value(cluster, admin, actions):
    read = admin.get("/api/v1/namespaces/default/configmaps/we-config")
    kubectl_stdout(cluster, "patch", "configmap", "we-config", "-p", '{"data":{"mode":"someone-else"}}')
    result = actions.edit_configmap_key(
        "default", "we-config", "mode", "mine", resource_version=read["metadata"]["resourceVersion"]
    )
    assert result.status == "conflict" and result.current_value == "someone-else"
    assert server_value(cluster, "mode") == "someone-else"
    assert actions.backups.latest("default", "we-config", "mode") is None


def test_key_path_edit_keeps_comments_and_order(cluster, actions):
    result = actions.edit_configmap_key_path("default", "we-config", "config.yaml", "logging.level", "DEBUG")
    assert result.ok, result.message
    before, after = CONFIG.splitlines(), server_value(cluster).splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(changed) == 1 and changed[0][1].split() == ["level:", "DEBUG", "#", "applied", "live"]


def test_key_path_that_does_not_exist_is_invalid(cluster, actions):
    result = actions.edit_configmap_key_path("default", "we-config", "config.yaml", "nope.level", "x")
    assert result.status == "invalid" and "nope" in result.message
    assert server_value(cluster) == CONFIG


def test_revert_restores_the_value_saved_before_the_edit(cluster, actions):
    assert actions.edit_configmap_key_path(
        "default", "we-config", "config.yaml", "execution.cooldownPeriod", "10m"
    ).ok
    assert "cooldownPeriod: 10m" in server_value(cluster)
    result = actions.revert("default", "we-config", "config.yaml")
    assert result.ok, result.message
    assert server_value(cluster) == CONFIG
    assert actions.revert("default", "we-config", "config.yaml").status == "refused"


def test_revert_refuses_to_overwrite_a_later_change(cluster, actions):
    assert actions.edit_configmap_key("default", "we-config", "mode", "b").ok
    kubectl_stdout(cluster, "patch", "configmap", "we-config", "-p", '{"data":{"mode":"c"}}')
    result = actions.revert("default", "we-config", "mode")
    assert result.status == "conflict" and result.current_value == "c"
    assert server_value(cluster, "mode") == "c"


def test_read_only_user_is_told_the_missing_permission(cluster, viewer, tmp_path):
    cluster.call(cluster.store.create, "configmaps", configmap("we-config", {"mode": "a"}))
    actions = Actions(viewer, AccessReview(viewer), backups=Backups("ro", tmp_path))
    result = actions.edit_configmap_key("default", "we-config", "mode", "b")
    assert result.status == "forbidden" and result.denied == "update configmaps in namespace default"
    assert server_value(cluster, "mode") == "a"


def test_read_only_user_is_refused_by_the_server_even_when_the_review_is_skipped(cluster, viewer, tmp_path):
    cluster.call(cluster.store.create, "configmaps", configmap("we-config", {"mode": "a"}))
    actions = Actions(viewer, None, backups=Backups("ro", tmp_path))
    result = actions.edit_configmap_key("default", "we-config", "mode", "b")
    assert result.status == "forbidden" and "configmaps" in result.denied
    assert server_value(cluster, "mode") == "a"
    assert Backups("ro", tmp_path).latest("default", "we-config", "mode") is None


def test_read_only_mode_refuses_every_write(cluster, admin, tmp_path):
    cluster.call(cluster.store.create, "configmaps", configmap("we-config", {"mode": "a"}))
    actions = Actions(
        admin, AccessReview(admin, readonly=True), readonly=True, backups=Backups("x", tmp_path)
    )
    for result in (
        actions.edit_configmap_key("default", "we-config", "mode", "b"),
        actions.revert("default", "we-config", "mode"),
        actions.rollout_restart(("Deployment", "default", "any")),
        actions.propagate_now(("Deployment", "default", "any")),
    ):
        assert result.status == "refused" and "Read-only" in result.message
    assert server_value(cluster, "mode") == "a"


def test_immutable_configmap_is_refused_with_the_way_out(cluster, actions):
    cluster.call(cluster.store.create, "configmaps", configmap("frozen", {"k": "v"}, immutable=True))
    result = actions.edit_configmap_key("default", "frozen", "k", "w")
    assert result.status == "refused" and "new ConfigMap" in result.message


def test_access_review_answers_per_user_and_is_cached(admin, viewer):
    assert AccessReview(admin).can("update", "configmaps", "default")
    review = AccessReview(viewer)
    assert review.can("list", "configmaps", "default")
    assert not review.can("update", "configmaps", "default")
    assert not review.can("update", "configmaps", "default")
    assert len(review._cache) == 2


def test_revert_of_a_new_key_removes_it(cluster, actions):
    assert actions.edit_configmap_key("default", "we-config", "extra.yaml", "a: 1\n").ok
    assert server_value(cluster, "extra.yaml") == "a: 1\n"
    result = actions.revert("default", "we-config", "extra.yaml")
    assert result.ok, result.message
    assert server_value(cluster, "extra.yaml") is None and server_value(cluster, "mode") == "a"
