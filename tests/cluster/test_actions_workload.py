"""Pod template values, restarts, rollbacks and propagate-now on Deployments, StatefulSets, DaemonSets."""

from __future__ import annotations

import copy
import json

import pytest

from tests.kube import kubectl_stdout
from tui.change.draft import base_from_workload, make_draft
from tui.change.edits import EditError
from tui.change.plan import Route
from tui.cluster.access import AccessReview
from tui.cluster.actions import RESTARTED_AT, Actions
from tui.cluster.backups import Backups
from tui.model.layers import Layer, Setting, Source

WE = ("Deployment", "default", "workflowexecution")


def deployment(name="workflowexecution", **spec_extra):
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": name,
            "namespace": "default",
            "annotations": {"deployment.kubernetes.io/revision": "2"},
        },
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": name}},
            **spec_extra,
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {
                    "containers": [
                        {
                            "name": "controller",
                            "image": "quay.io/kubernaut-ai/workflowexecution:v1",
                            "args": ["--cooldown-period", "5m", "--execution-namespace=wf"],
                            "env": [{"name": "LOG_LEVEL", "value": "info"}],
                        },
                        {"name": "sidecar", "image": "busybox", "args": ["--cooldown-period=1s"]},
                    ]
                },
            },
        },
    }


@pytest.fixture
def actions(admin, tmp_path):
    return Actions(admin, AccessReview(admin), backups=Backups("t", tmp_path))


@pytest.fixture
def we(cluster):
    return cluster.call(cluster.store.create, "deployments", deployment())


def containers(cluster, kind="deployment", name="workflowexecution"):
    obj = json.loads(kubectl_stdout(cluster, "get", kind, name, "-o", "json"))
    return {c["name"]: c for c in obj["spec"]["template"]["spec"]["containers"]}, obj


def test_flag_edit_patches_only_that_container(cluster, actions, we):
    result = actions.edit_container_value(
        WE, "controller", "flag", "--cooldown-period", "10m", value_type="duration", positive=True
    )
    assert result.ok, result.message
    found, _ = containers(cluster)
    assert found["controller"]["args"] == ["--cooldown-period", "10m", "--execution-namespace=wf"]
    assert found["sidecar"]["args"] == ["--cooldown-period=1s"]
    assert found["controller"]["env"] == [{"name": "LOG_LEVEL", "value": "info"}]


def test_flag_in_equals_form_keeps_its_form(cluster, actions, we):
    assert actions.edit_container_value(WE, "controller", "flag", "execution-namespace", "other").ok
    assert containers(cluster)[0]["controller"]["args"][-1] == "--execution-namespace=other"


@pytest.mark.parametrize("value", ["10", "ten minutes", "0s", "-5m"])
def test_bad_duration_is_invalid_and_changes_nothing(cluster, actions, we, value):
    result = actions.edit_container_value(
        WE, "controller", "flag", "cooldown-period", value, value_type="duration", positive=True
    )
    assert result.status == "invalid"
    assert containers(cluster)[0]["controller"]["args"][:2] == ["--cooldown-period", "5m"]


def test_env_edit_replaces_the_literal_value(cluster, actions, we):
    assert actions.edit_container_value(WE, "controller", "env", "LOG_LEVEL", "debug").ok
    assert containers(cluster)[0]["controller"]["env"] == [{"name": "LOG_LEVEL", "value": "debug"}]


def test_template_edit_guarded_by_the_version_read(cluster, actions, we):
    kubectl_stdout(cluster, "annotate", "deployment", "workflowexecution", "team=x")
    result = actions.edit_container_value(
        WE, "controller", "env", "LOG_LEVEL", "debug", resource_version=we["metadata"]["resourceVersion"]
    )
    assert result.status == "conflict"
    assert containers(cluster)[0]["controller"]["env"][0]["value"] == "info"


def test_rollout_restart_sets_restarted_at_as_kubectl_does(cluster, actions, we):
    result = actions.rollout_restart(WE)
    assert result.ok, result.message
    obj = containers(cluster)[1]
    assert RESTARTED_AT in obj["spec"]["template"]["metadata"]["annotations"]
    managers = {m.get("manager") for m in obj["metadata"].get("managedFields") or []}
    assert "kubectl-rollout" in managers or not managers


def test_paused_deployment_is_refused_with_kubectls_message(cluster, actions):
    cluster.call(cluster.store.create, "deployments", deployment(paused=True))
    result = actions.rollout_restart(WE)
    assert result.status == "refused"
    assert (
        result.message == 'deployments.apps "workflowexecution" can\'t restart paused deployment '
        "(run rollout resume first)"
    )


@pytest.mark.parametrize("kind", ["StatefulSet", "DaemonSet"])
def test_restart_works_for_statefulsets_and_daemonsets(cluster, actions, kind):
    obj = deployment()
    obj["kind"] = kind
    obj["spec"].pop("replicas") if kind == "DaemonSet" else None
    cluster.call(cluster.store.create, kind.lower() + "s", obj)
    assert actions.rollout_restart((kind, "default", "workflowexecution")).ok
    _found, got = containers(cluster, kind.lower())
    assert RESTARTED_AT in got["spec"]["template"]["metadata"]["annotations"]


def replicaset_history(cluster, we, older_container: dict | None = None) -> None:
    """Revisions 1 and 2 of the Deployment as ReplicaSets; revision 1 runs image v0 (and `older_container`)."""

    def history():
        for rev, image in ((1, "v0"), (2, "v1")):
            template = copy.deepcopy(we["spec"]["template"])
            template["metadata"]["labels"]["pod-template-hash"] = f"h{rev}"
            template["spec"]["containers"][0]["image"] = f"quay.io/kubernaut-ai/workflowexecution:{image}"
            if rev == 1 and older_container:
                template["spec"]["containers"][0].update(older_container)
            cluster.store.create(
                "replicasets",
                {
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "metadata": {
                        "name": f"workflowexecution-h{rev}",
                        "namespace": "default",
                        "annotations": {"deployment.kubernetes.io/revision": str(rev)},
                        "ownerReferences": [
                            {
                                "apiVersion": "apps/v1",
                                "kind": "Deployment",
                                "name": "workflowexecution",
                                "uid": we["metadata"]["uid"],
                                "controller": True,
                            }
                        ],
                    },
                    "spec": {
                        "replicas": 0,
                        "selector": {"matchLabels": template["metadata"]["labels"]},
                        "template": template,
                    },
                },
            )

    cluster.call(history)


def test_rollback_goes_to_the_previous_replicaset_template(cluster, actions, we):
    replicaset_history(cluster, we)
    result = actions.rollback(WE)
    assert result.ok, result.message
    assert "revision 1" in result.message
    found, obj = containers(cluster)
    assert found["controller"]["image"].endswith(":v0")
    assert "pod-template-hash" not in obj["spec"]["template"]["metadata"]["labels"]


def test_the_previous_revision_says_its_images_and_the_args_and_env_that_differ(cluster, actions, we):
    from tui.cluster.revisions import template_differences

    older = {"args": ["--cooldown-period", "1m"], "env": [{"name": "LOG_LEVEL", "value": "debug"}]}
    replicaset_history(cluster, we, older)
    previous = actions.previous_revision(WE)
    assert previous.number == 1
    lines = template_differences(we["spec"]["template"], previous.template)
    assert lines == [
        "controller: image quay.io/kubernaut-ai/workflowexecution:v0"
        " (now quay.io/kubernaut-ai/workflowexecution:v1)",
        "  args --cooldown-period 1m",
        "    now --cooldown-period 5m --execution-namespace=wf",
        "  env LOG_LEVEL=debug (now info)",
        "sidecar: image busybox",
    ]


def test_no_previous_revision_is_refused_with_the_reason(cluster, actions, we):
    result = actions.previous_revision(WE)
    assert result.status == "refused" and "no rollout history" in result.message


def test_rollback_without_history_is_refused(cluster, actions, we):
    result = actions.rollback(WE)
    assert result.status == "refused" and "no rollout history" in result.message


@pytest.mark.parametrize("kind", ["StatefulSet", "DaemonSet"])
def test_rollback_uses_the_previous_controller_revision(cluster, actions, kind):
    sts = deployment("store")
    sts["kind"] = kind
    if kind == "DaemonSet":
        sts["spec"].pop("replicas")
    sts = cluster.call(cluster.store.create, kind.lower() + "s", sts)

    def revisions():
        for rev, image in ((1, "old"), (2, "new")):
            template = copy.deepcopy(sts["spec"]["template"])
            template["spec"]["containers"][0]["image"] = f"img:{image}"
            template["$patch"] = "replace"
            cluster.store.create(
                "controllerrevisions",
                {
                    "apiVersion": "apps/v1",
                    "kind": "ControllerRevision",
                    "revision": rev,
                    "metadata": {
                        "name": f"store-{rev}",
                        "namespace": "default",
                        "ownerReferences": [
                            {
                                "apiVersion": "apps/v1",
                                "kind": kind,
                                "name": "store",
                                "uid": sts["metadata"]["uid"],
                                "controller": True,
                            }
                        ],
                    },
                    "data": {"spec": {"template": template}},
                },
            )

    cluster.call(revisions)
    result = actions.rollback((kind, "default", "store"))
    assert result.ok, result.message
    found, _ = containers(cluster, kind.lower(), "store")
    assert found["controller"]["image"] == "img:old"


def test_propagate_now_touches_each_pod_of_the_workload(cluster, actions, we):
    def pods():
        for i in range(2):
            cluster.store.create(
                "pods",
                {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {
                        "name": f"we-{i}",
                        "namespace": "default",
                        "labels": {"app": "workflowexecution"},
                    },
                    "spec": {"containers": [{"name": "c", "image": "x"}]},
                },
            )
        cluster.store.create(
            "pods",
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "other", "namespace": "default", "labels": {"app": "o"}},
                "spec": {"containers": [{"name": "c", "image": "x"}]},
            },
        )

    cluster.call(pods)
    result = actions.propagate_now(WE)
    assert result.ok and sorted(result.details["pods"]) == ["we-0", "we-1"]
    annotated = kubectl_stdout(cluster, "get", "pods", "-o", "jsonpath={.items[*].metadata.annotations}")
    assert annotated.count("kubeknobs.io/propagate-at") == 2


def test_read_only_user_cannot_restart(cluster, viewer, we, tmp_path):
    actions = Actions(viewer, AccessReview(viewer), backups=Backups("ro", tmp_path))
    result = actions.rollout_restart(WE)
    assert result.status == "forbidden" and result.denied == "patch deployments in namespace default"


def test_profile_says_cooldown_must_be_a_positive_duration(cluster, admin, tmp_path):
    from tui.model.profiles import ProfileSet

    legacy = deployment()
    legacy["spec"]["template"]["spec"]["containers"][0]["image"] = (
        "quay.io/kubernaut-ai/workflowexecution:legacy"
    )
    cluster.call(cluster.store.create, "deployments", legacy)
    actions = Actions(
        admin, AccessReview(admin), backups=Backups("t", tmp_path), profiles=ProfileSet.builtin()
    )
    for bad in ("-1s", "0s", "5"):
        result = actions.edit_container_value(WE, "controller", "flag", "--cooldown-period", bad)
        assert result.status == "invalid", bad
    assert actions.edit_container_value(WE, "controller", "flag", "--cooldown-period", "90s").ok


def _template_setting(source: Source, name: str, value: str | None, **kw) -> Setting:
    return Setting(
        namespace="default",
        workload="Deployment/workflowexecution",
        container="controller",
        source=source,
        name=name,
        value=value,
        layer=Layer.RESTART,
        auto_restart=None,
        managed_by=None,
        evidence=(),
        plan=(),
        **kw,
    )


@pytest.mark.parametrize(
    ("source", "name", "current", "new"),
    [
        (Source.FLAG, "cooldown-period", "5m", "10m"),  # `--name value` in args
        (Source.FLAG, "execution-namespace", "wf", "wf2"),  # `--name=value` in args
        (Source.FLAG, "metrics-port", None, "9090"),  # not set: appended to args
        (Source.ENV, "LOG_LEVEL", "info", "debug"),  # a literal value replaced
        (Source.ENV, "TRACE", None, "1"),  # a new variable
    ],
)
def test_the_wizards_preview_is_what_the_apply_writes(cluster, actions, we, source, name, current, new):
    setting = _template_setting(source, name, current)
    base = base_from_workload(actions.read_object(*WE), "controller")
    draft = make_draft(setting, Route.TEMPLATE, base, new)
    result = actions.edit_container_value(
        WE, "controller", str(source), name, new, resource_version=base.resource_version
    )
    assert result.ok, result.message
    written = base_from_workload(actions.read_object(*WE), "controller")
    assert written.text == draft.new_text
    assert written.text != base.text


def test_profile_choices_are_refused_by_the_apply_as_by_the_wizard(cluster, actions, we):
    setting = _template_setting(Source.ENV, "LOG_LEVEL", "info", choices=("info", "debug"))
    base = base_from_workload(actions.read_object(*WE), "controller")
    with pytest.raises(EditError) as refused:
        make_draft(setting, Route.TEMPLATE, base, "verbose")
    result = actions.edit_container_value(
        WE, "controller", "env", "LOG_LEVEL", "verbose", choices=("info", "debug")
    )
    assert result.status == "invalid" and str(refused.value) in result.message
    found, _ = containers(cluster)
    assert found["controller"]["env"] == [{"name": "LOG_LEVEL", "value": "info"}]


def test_an_env_value_from_a_source_is_refused_by_preview_and_apply_alike(cluster, actions):
    obj = deployment()
    obj["spec"]["template"]["spec"]["containers"][0]["env"].append(
        {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "t", "key": "k"}}}
    )
    cluster.call(cluster.store.create, "deployments", obj)
    base = base_from_workload(actions.read_object(*WE), "controller")
    with pytest.raises(EditError) as refused:
        make_draft(_template_setting(Source.ENV, "TOKEN", None), Route.TEMPLATE, base, "x")
    result = actions.edit_container_value(WE, "controller", "env", "TOKEN", "x")
    assert result.status == "refused" and result.message == str(refused.value)
