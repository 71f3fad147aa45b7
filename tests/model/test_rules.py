"""Each layer rule of DESIGN §1, one small workload per row."""

import pytest

from tui.model.classify import classify, layer_summary
from tui.model.layers import Layer, Source
from tui.model.objects import ClusterObjects
from tui.model.profiles import ProfileSet, parse_profile

from .builders import cm_volume, configmap, container, deployment, secret

WATCHER = parse_profile(
    {
        "name": "test-watcher",
        "match": {"images": ["example.com/watcher"]},
        "flags": {"config": {"type": "path", "config_file": True}},
        "files": [
            {
                "flag": "config",
                "format": "yaml",
                "watched": True,
                "live": ["logging.level"],
                "restart": ["server.*"],
            },
            {"key": "static.txt", "watched": False},
        ],
    },
    "test",
)
PROFILES = ProfileSet([WATCHER])
CONFIG = configmap(
    "cfg",
    {"app.yaml": "server:\n  port: 80\nlogging:\n  level: info\nother: 1\n", "static.txt": "x", "KEY": "v"},
)


def settings_for(obj, *extra, profiles=PROFILES):
    return {s.name: s for s in classify(obj, ClusterObjects([CONFIG, *extra]), profiles)}


def one(obj, name, *extra, profiles=PROFILES):
    return settings_for(obj, *extra, profiles=profiles)[name]


ROWS = [
    # (story, workload, setting name, layer, words in evidence)
    ("flag", deployment([container(args=["--level=3"])]), "--level", Layer.RESTART, "command-line flag"),
    (
        "literal env",
        deployment([container(env=[{"name": "A", "value": "1"}])]),
        "A",
        Layer.RESTART,
        "literal env value",
    ),
    (
        "env from ConfigMap key",
        deployment(
            [container(env=[{"name": "K", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "KEY"}}}])]
        ),
        "K",
        Layer.RESTART,
        "ConfigMap cfg key KEY via env valueFrom",
    ),
    (
        "envFrom with prefix",
        deployment([container(env_from=[{"configMapRef": {"name": "cfg"}, "prefix": "P_"}])]),
        "P_KEY",
        Layer.RESTART,
        "via envFrom (prefix P_)",
    ),
    (
        "subPath",
        deployment(
            [container(mounts=[{"name": "c", "mountPath": "/etc/app.yaml", "subPath": "app.yaml"}])],
            [cm_volume("c", "cfg")],
        ),
        "cfg/app.yaml",
        Layer.RESTART,
        "subPath",
    ),
    (
        "volume, nothing declared",
        deployment([container(mounts=[{"name": "c", "mountPath": "/etc/c"}])], [cm_volume("c", "cfg")]),
        "cfg/app.yaml",
        Layer.FILE_PROPAGATES,
        "inferred from mount semantics",
    ),
    (
        "volume, profile says watched",
        deployment(
            [
                container(
                    image="example.com/watcher:1",
                    args=["--config=/etc/c/app.yaml"],
                    mounts=[{"name": "c", "mountPath": "/etc/c"}],
                )
            ],
            [cm_volume("c", "cfg")],
        ),
        "cfg/app.yaml",
        Layer.HOT_RELOAD,
        "declared by profile test-watcher: the app watches app.yaml",
    ),
    (
        "volume, profile says not watched",
        deployment(
            [container(image="example.com/watcher:1", mounts=[{"name": "c", "mountPath": "/etc/c"}])],
            [cm_volume("c", "cfg")],
        ),
        "cfg/static.txt",
        Layer.RESTART,
        "reads static.txt only at start",
    ),
    (
        "volume, annotation says watched",
        deployment(
            [container(mounts=[{"name": "c", "mountPath": "/etc/c"}])],
            [cm_volume("c", "cfg")],
            annotations={"kubeknobs.io/watched-files": "/etc/c/*.txt"},
        ),
        "cfg/static.txt",
        Layer.HOT_RELOAD,
        "annotation kubeknobs.io/watched-files",
    ),
    (
        "volume, annotation says not watched",
        deployment(
            [container(mounts=[{"name": "c", "mountPath": "/etc/c"}])],
            [cm_volume("c", "cfg")],
            annotations={"kubeknobs.io/unwatched-files": "app.yaml"},
        ),
        "cfg/app.yaml",
        Layer.RESTART,
        "annotation kubeknobs.io/unwatched-files",
    ),
    (
        "restart-only key in a watched file",
        deployment(
            [
                container(
                    image="example.com/watcher:1",
                    args=["--config=/etc/c/app.yaml"],
                    mounts=[{"name": "c", "mountPath": "/etc/c"}],
                )
            ],
            [cm_volume("c", "cfg")],
        ),
        "cfg/app.yaml#server.port",
        Layer.RESTART,
        "declared by profile test-watcher: the app watches app.yaml but reads server.port only at start",
    ),
    (
        "live key in a watched file",
        deployment(
            [
                container(
                    image="example.com/watcher:1",
                    args=["--config=/etc/c/app.yaml"],
                    mounts=[{"name": "c", "mountPath": "/etc/c"}],
                )
            ],
            [cm_volume("c", "cfg")],
        ),
        "cfg/app.yaml#logging.level",
        Layer.HOT_RELOAD,
        "applies logging.level live",
    ),
    (
        "unlisted key in a watched file",
        deployment(
            [
                container(
                    image="example.com/watcher:1",
                    args=["--config=/etc/c/app.yaml"],
                    mounts=[{"name": "c", "mountPath": "/etc/c"}],
                )
            ],
            [cm_volume("c", "cfg")],
        ),
        "cfg/app.yaml#other",
        Layer.RESTART,
        "(not declared live)",
    ),
    (
        "init container volume",
        deployment(
            [container()],
            [cm_volume("c", "cfg")],
            init_containers=[container("init", mounts=[{"name": "c", "mountPath": "/c"}])],
        ),
        "cfg/KEY",
        Layer.RESTART,
        "init container",
    ),
]


@pytest.mark.parametrize(("story", "obj", "name", "layer", "words"), ROWS, ids=[r[0] for r in ROWS])
def test_layer_rules(story, obj, name, layer, words):
    setting = one(obj, name)
    assert setting.layer == layer, setting.evidence
    assert any(words in line for line in setting.evidence), setting.evidence


def test_immutable_configmap_wins_over_every_consumption():
    frozen = configmap("frozen", {"KEY": "v", "app.yaml": "a: 1"}, immutable=True)
    obj = deployment(
        [
            container(
                image="example.com/watcher:1",
                args=["--config=/etc/f/app.yaml"],
                env=[{"name": "K", "valueFrom": {"configMapKeyRef": {"name": "frozen", "key": "KEY"}}}],
                mounts=[{"name": "f", "mountPath": "/etc/f"}],
            )
        ],
        [cm_volume("f", "frozen")],
    )
    found = settings_for(obj, frozen)
    for name in ("K", "frozen/KEY", "frozen/app.yaml"):
        assert found[name].layer == Layer.IMMUTABLE
        assert found[name].plan[0] == "Create a new ConfigMap from frozen with the change"
        assert found[name].plan[1] == "Repoint Deployment/app to the new ConfigMap"


def test_restart_only_key_plan_and_evidence_for_workflowexecution():
    cm = configmap(
        "workflowexecution-config",
        {"workflowexecution.yaml": "execution:\n  cooldownPeriod: 5m\nlogging:\n  level: INFO\n"},
        namespace="kubernaut-system",
    )
    obj = deployment(
        [
            container(
                "workflowexecution-controller",
                "quay.io/kubernaut-ai/workflowexecution:v1.2",
                args=["--config=/etc/config/workflowexecution.yaml"],
                mounts=[{"name": "config", "mountPath": "/etc/config"}],
            )
        ],
        [cm_volume("config", "workflowexecution-config")],
        name="workflowexecution-controller",
        namespace="kubernaut-system",
    )
    found = {s.name: s for s in classify(obj, ClusterObjects([cm]), ProfileSet.builtin())}
    key = found["workflowexecution-config/workflowexecution.yaml#execution.cooldownPeriod"]
    assert key.layer == Layer.RESTART
    assert key.source == Source.FILE_KEY
    assert key.key_path == "execution.cooldownPeriod"
    assert key.value == "5m"
    assert key.plan == (
        "Edit ConfigMap workflowexecution-config",
        "Restart Deployment/workflowexecution-controller (2 pods)",
    )
    assert (
        "declared by profile kubernaut-workflowexecution: the app watches workflowexecution.yaml but reads "
        "execution.cooldownPeriod only at start"
    ) in key.evidence
    assert found["workflowexecution-config/workflowexecution.yaml#logging.level"].layer == Layer.HOT_RELOAD
    assert found["workflowexecution-config/workflowexecution.yaml"].layer == Layer.HOT_RELOAD
    flag = found["--config"]
    assert flag.linked_file == "workflowexecution-config/workflowexecution.yaml"
    assert layer_summary(found.values()) == "1 hot · 2 restart"  # the file counts through its keys


def test_items_mapping_and_projected_volume_paths():
    obj = deployment(
        [container(args=["--props=/etc/p/conf/a.props"], mounts=[{"name": "p", "mountPath": "/etc/p"}])],
        [
            {
                "name": "p",
                "projected": {
                    "sources": [
                        {
                            "configMap": {
                                "name": "cfg",
                                "items": [{"key": "static.txt", "path": "conf/a.props"}],
                            }
                        },
                        {"secret": {"name": "creds"}},
                    ]
                },
            }
        ],
    )
    found = settings_for(obj, secret("creds", {"token": "c2VjcmV0"}))
    assert set(found) == {"--props", "cfg/static.txt", "creds/token"}
    assert found["cfg/static.txt"].mount_path == "/etc/p/conf/a.props"
    assert found["cfg/static.txt"].consumed == "projected"
    assert found["--props"].linked_file == "cfg/static.txt"
    assert found["creds/token"].secret and found["creds/token"].value is None
    assert found["creds/token"].plan[0] == "Edit Secret creds"


def test_secret_values_never_reach_settings():
    obj = deployment(
        [
            container(
                env=[{"name": "T", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "token"}}}],
                env_from=[{"secretRef": {"name": "creds"}, "prefix": "S_"}],
            )
        ]
    )
    found = settings_for(obj, secret("creds", {"token": "c2VjcmV0"}))
    for name in ("T", "S_token"):
        assert found[name].secret
        assert found[name].value is None
        assert found[name].to_json()["value"] is None


def test_env_var_from_configmap_resolves_in_flags():
    obj = deployment(
        [
            container(
                args=["--key=$(K)", "--missing=$(NOPE)", "--escaped=$$(K)"],
                env=[{"name": "K", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "KEY"}}}],
            )
        ]
    )
    found = settings_for(obj)
    assert found["--key"].value == "v"
    assert found["--missing"].value == "$(NOPE)"
    assert found["--escaped"].value == "$(K)"


def test_env_overrides_envfrom_and_says_so():
    obj = deployment(
        [container(env_from=[{"configMapRef": {"name": "cfg"}}], env=[{"name": "KEY", "value": "mine"}])]
    )
    found = settings_for(obj)
    assert found["KEY"].value == "mine"
    assert found["KEY"].consumed == "literal"
    assert "overrides the value from envFrom ConfigMap cfg" in found["KEY"].evidence


def test_unknown_configmap_key_is_inferred_from_the_flag_that_names_it():
    obj = deployment(
        [container(args=["--config=/etc/x/app.yaml"], mounts=[{"name": "x", "mountPath": "/etc/x"}])],
        [cm_volume("x", "elsewhere")],
    )
    found = settings_for(obj)
    assert found["--config"].linked_file == "elsewhere/app.yaml"
    assert any("inferred from /etc/x/app.yaml" in e for e in found["elsewhere/app.yaml"].evidence)


def test_one_key_mounted_twice_takes_the_stricter_layer():
    obj = deployment(
        [
            container(
                mounts=[
                    {"name": "c", "mountPath": "/etc/c"},
                    {"name": "c", "mountPath": "/opt/KEY", "subPath": "KEY"},
                ]
            )
        ],
        [cm_volume("c", "cfg")],
    )
    setting = settings_for(obj)["cfg/KEY"]
    assert setting.layer == Layer.RESTART
    assert any(e.startswith("also mounted at /etc/c/KEY") for e in setting.evidence)


@pytest.mark.parametrize(
    ("annotations", "target_annotations", "expected"),
    [
        ({"reloader.stakater.com/auto": "true"}, {}, "reloader"),
        ({"configmap.reloader.stakater.com/auto": "true"}, {}, "reloader"),
        ({"configmap.reloader.stakater.com/reload": "other, cfg"}, {}, "reloader"),
        ({"configmap.reloader.stakater.com/reload": "other"}, {}, None),
        ({"reloader.stakater.com/search": "true"}, {"reloader.stakater.com/match": "true"}, "reloader"),
        ({"reloader.stakater.com/search": "true"}, {}, None),
        ({"reloader.stakater.com/auto": "true"}, {"reloader.stakater.com/ignore": "true"}, None),
        ({"secret.reloader.stakater.com/auto": "true"}, {}, None),
        ({}, {}, None),
    ],
)
def test_reloader_forms(annotations, target_annotations, expected):
    cm = configmap("cfg", {"KEY": "v"}, annotations=target_annotations)
    obj = deployment(
        [container(env=[{"name": "K", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "KEY"}}}])],
        annotations=annotations,
    )
    setting = {s.name: s for s in classify(obj, ClusterObjects([cm]), PROFILES)}["K"]
    assert setting.auto_restart == expected
    if expected == "reloader":
        assert setting.plan[-1] == "Wait for Reloader to restart Deployment/app (2 pods)"


def test_helm_checksum_only_for_configmap_settings():
    obj = deployment(
        [container(args=["--a=1"], env_from=[{"configMapRef": {"name": "cfg"}}])],
        template_annotations={"checksum/config": "abc"},
        labels={"helm.sh/chart": "app-1.0.0"},
    )
    found = settings_for(obj)
    assert found["KEY"].auto_restart == "helm-checksum"
    assert found["--a"].auto_restart is None


@pytest.mark.parametrize(
    ("labels", "annotations", "expected"),
    [
        ({"app.kubernetes.io/managed-by": "Helm"}, {}, "helm"),
        ({}, {"meta.helm.sh/release-name": "r"}, "helm"),
        ({"helm.sh/chart": "web-1.4.0"}, {}, "helm"),
        (
            {"app.kubernetes.io/managed-by": "Helm"},
            {"argocd.argoproj.io/tracking-id": "a:/ConfigMap:x/y"},
            "argocd",
        ),
        ({"kustomize.toolkit.fluxcd.io/name": "apps"}, {}, "flux"),
        ({"helm.toolkit.fluxcd.io/name": "r"}, {}, "flux"),
        ({}, {}, None),
    ],
)
def test_managed_by_is_of_the_object_you_would_edit(labels, annotations, expected):
    cm = configmap("cfg", {"KEY": "v"}, labels=labels, annotations=annotations)
    obj = deployment(
        [container(args=["--a=1"], env_from=[{"configMapRef": {"name": "cfg"}}])],
        labels=labels,
        annotations=annotations,
    )
    found = {s.name: s for s in classify(obj, ClusterObjects([cm]), PROFILES)}
    assert found["KEY"].managed_by == expected
    assert found["--a"].managed_by == expected
    if expected:
        assert found["KEY"].plan[-1].startswith("Make the same change in")


def test_layer_summary_counts_in_fixed_order():
    obj = deployment(
        [
            container(
                image="example.com/watcher:1",
                args=["--config=/etc/c/app.yaml"],
                mounts=[{"name": "c", "mountPath": "/etc/c"}],
            )
        ],
        [cm_volume("c", "cfg")],
    )
    assert layer_summary(classify(obj, ClusterObjects([CONFIG]), PROFILES)) == "1 hot · 1 file · 4 restart"
    assert layer_summary([]) == ""


def test_a_file_described_by_its_keys_is_counted_once_in_the_layer_summary():
    obj = deployment(
        [
            container(
                image="example.com/watcher:1",
                args=["--config=/etc/c/app.yaml"],
                mounts=[{"name": "c", "mountPath": "/etc/c"}],
            )
        ],
        [cm_volume("c", "cfg")],
    )
    settings = classify(obj, ClusterObjects([CONFIG]), PROFILES)
    keys = [s for s in settings if s.source == Source.FILE_KEY]
    assert keys and all(s.name.startswith("cfg/app.yaml#") for s in keys)
    counted = [s for s in settings if s.name != "cfg/app.yaml"]  # the file is counted through its keys
    assert layer_summary(settings) == layer_summary(counted)


def test_profile_annotation_can_turn_profiles_off():
    obj = deployment(
        [
            container(
                image="example.com/watcher:1",
                args=["--config=/etc/c/app.yaml"],
                mounts=[{"name": "c", "mountPath": "/etc/c"}],
            )
        ],
        [cm_volume("c", "cfg")],
        annotations={"kubeknobs.io/profile": "none"},
    )
    assert settings_for(obj)["cfg/app.yaml"].layer == Layer.FILE_PROPAGATES


def test_parsing_a_configmap_is_cached_by_content():
    from tui.model.content import key_paths

    obj = deployment(
        [
            container(
                image="example.com/watcher:1",
                args=["--config=/etc/c/app.yaml"],
                mounts=[{"name": "c", "mountPath": "/etc/c"}],
            )
        ],
        [cm_volume("c", "cfg")],
    )
    objects = ClusterObjects([CONFIG])
    classify(obj, objects, PROFILES)
    before = key_paths.cache_info()
    for _ in range(20):
        classify(obj, objects, PROFILES)
    after = key_paths.cache_info()
    assert after.misses == before.misses
    assert after.hits == before.hits + 20


def test_broken_structured_file_is_reported_in_evidence():
    broken = configmap("cfg", {"app.yaml": "server: [unclosed"})
    obj = deployment(
        [
            container(
                image="example.com/watcher:1",
                args=["--config=/etc/c/app.yaml"],
                mounts=[{"name": "c", "mountPath": "/etc/c"}],
            )
        ],
        [cm_volume("c", "cfg")],
    )
    found = {s.name: s for s in classify(obj, ClusterObjects([broken]), PROFILES)}
    assert not any("#" in name for name in found)
    assert any("not valid YAML" in e for e in found["cfg/app.yaml"].evidence)


def test_an_observed_reload_upgrades_an_undeclared_file_to_hot_reload():
    obj = deployment([container(mounts=[{"name": "c", "mountPath": "/etc/c"}])], [cm_volume("c", "cfg")])
    seen = "pod app-1 logged a reload of /etc/c/KEY"
    found = {s.name: s for s in classify(obj, ClusterObjects([CONFIG]), PROFILES, observed={"cfg/KEY": seen})}
    assert found["cfg/KEY"].layer == Layer.HOT_RELOAD
    assert found["cfg/KEY"].evidence[0] == f"observed: {seen}"
    assert found["cfg/static.txt"].layer == Layer.FILE_PROPAGATES


def test_an_observed_reload_never_overrides_a_subpath_copy():
    obj = deployment(
        [container(mounts=[{"name": "c", "mountPath": "/opt/KEY", "subPath": "KEY"}])],
        [cm_volume("c", "cfg")],
    )
    found = {
        s.name: s for s in classify(obj, ClusterObjects([CONFIG]), PROFILES, observed={"cfg/KEY": "seen"})
    }
    assert found["cfg/KEY"].layer == Layer.RESTART
    assert "observed: seen" in found["cfg/KEY"].evidence


@pytest.mark.parametrize(
    ("kind", "spec", "step"),
    [
        (
            "StatefulSet",
            {"updateStrategy": {"type": "OnDelete"}},
            "Delete the pods of StatefulSet/app to apply it (updateStrategy OnDelete)",
        ),
        (
            "DaemonSet",
            {"updateStrategy": {"type": "OnDelete"}},
            "Delete the pods of DaemonSet/app to apply it (updateStrategy OnDelete)",
        ),
        ("Deployment", {"paused": True}, "Resume the rollout of Deployment/app (it is paused)"),
        ("StatefulSet", {}, "Wait for the rollout of StatefulSet/app (2 pods)"),
    ],
)
def test_pod_template_plans_follow_the_update_strategy(kind, spec, step):
    obj = deployment([container(args=["--a=1"])], kind=kind)
    obj["spec"].update(spec)
    assert one(obj, "--a").plan == ("Edit " + f"{kind}/app", step)


def test_a_missing_configmap_key_is_called_out():
    obj = deployment(
        [
            container(
                env=[
                    {"name": "A", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "NOPE"}}},
                    {
                        "name": "B",
                        "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "NOPE", "optional": True}},
                    },
                ]
            )
        ]
    )
    found = settings_for(obj)
    assert (
        "ConfigMap cfg has no key NOPE; if it is missing in the cluster too, the container cannot start"
        in found["A"].evidence
    )
    assert "ConfigMap cfg has no key NOPE; optional: the variable is unset without it" in found["B"].evidence


def test_a_config_file_flag_outside_any_configmap_says_where_it_comes_from():
    obj = deployment([container(image="example.com/watcher:1", args=["--config=/baked/app.yaml"])])
    assert any("no ConfigMap mount provides /baked/app.yaml" in e for e in one(obj, "--config").evidence)


def test_a_flag_whose_value_comes_from_a_configmap_is_changed_in_the_configmap():
    obj = deployment(
        [
            container(
                args=["--level=$(K)", "--name=x-$(A)"],
                env=[
                    {"name": "K", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "KEY"}}},
                    {"name": "A", "value": "1"},
                ],
            )
        ]
    )
    found = settings_for(obj)
    level = found["--level"]
    assert level.value == "v"
    assert "takes $(K) from ConfigMap cfg key KEY" in level.evidence
    assert level.plan == ("Edit ConfigMap cfg", "Restart Deployment/app (2 pods)")
    assert (level.configmap, level.key) == ("cfg", "KEY")
    name = found["--name"]
    assert name.value == "x-1"
    assert "takes $(A) from env A in the pod template" in name.evidence
    assert name.plan[0] == "Edit Deployment/app"


def test_a_flag_after_an_argument_says_go_flag_parsing_may_stop_there():
    evidence = one(deployment([container(args=["serve", "--port=80"])]), "--port").evidence
    assert any("comes after the argument 'serve'" in e for e in evidence)


def test_a_content_rule_without_known_content_falls_back_to_mount_semantics():
    obj = deployment(
        [
            container(
                image="coredns/coredns:1.11.1",
                args=["-conf", "/etc/coredns/Corefile"],
                mounts=[{"name": "c", "mountPath": "/etc/coredns"}],
            )
        ],
        [cm_volume("c", "absent")],
    )
    setting = one(obj, "absent/Corefile", profiles=ProfileSet.builtin())
    assert setting.layer == Layer.FILE_PROPAGATES
    assert (
        "profile coredns decides by the content of Corefile, which is not known here" in setting.evidence[0]
    )


def test_declaring_live_keys_implies_the_file_is_watched():
    profile = parse_profile(
        {
            "name": "p",
            "match": {"images": ["x"]},
            "files": [{"key": "a.yaml", "format": "yaml", "live": ["a"]}],
        },
        "test",
    )
    assert profile.files[0].watched is True
