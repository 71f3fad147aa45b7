import base64

import pytest

from tui.localcluster.kubelet.env import ConfigError, container_argv, expand, resolve_env

POD = {
    "metadata": {"name": "wf-0", "namespace": "kubernaut-system", "labels": {"app": "wf"}},
    "spec": {"nodeName": "node-1"},
}
OBJECTS = {
    ("configmap", "cfg"): {"data": {"CONFIG_PATH": "/etc/wf/config.yaml", "LEVEL": "debug", "bad key": "x"}},
    ("secret", "llm"): {"data": {"api-key": base64.b64encode(b"s3cret").decode()}},
}


def lookup(kind, name):
    return OBJECTS.get((kind, name))


def test_env_from_with_prefix_literal_key_refs_field_refs_and_expansion():
    container = {
        "envFrom": [{"configMapRef": {"name": "cfg"}, "prefix": "WF_"}],
        "env": [
            {"name": "CONFIG_PATH", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "CONFIG_PATH"}}},
            {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
            {"name": "NS", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
            {"name": "APP", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['app']"}}},
            {"name": "KEY", "valueFrom": {"secretKeyRef": {"name": "llm", "key": "api-key"}}},
            {"name": "GREETING", "value": "$(POD) in $(NS), $$(NOT) $(MISSING)"},
        ],
        "command": ["/manager", "-config", "$(CONFIG_PATH)"],
        "args": ["--level=$(WF_LEVEL)"],
    }
    env = resolve_env(container, POD, lookup)
    assert env["WF_CONFIG_PATH"] == "/etc/wf/config.yaml"
    assert "WF_bad key" not in env
    assert env["POD"] == "wf-0" and env["NS"] == "kubernaut-system" and env["APP"] == "wf"
    assert env["KEY"] == "s3cret"
    assert env["GREETING"] == "wf-0 in kubernaut-system, $(NOT) $(MISSING)"
    assert container_argv(container, env) == ["-config", "/etc/wf/config.yaml", "--level=debug"]


def test_missing_configmap_or_key_is_a_clear_config_error():
    with pytest.raises(ConfigError, match='configmap "nope" not found'):
        resolve_env({"envFrom": [{"configMapRef": {"name": "nope"}}]}, POD, lookup)
    with pytest.raises(ConfigError, match="couldn't find key X in ConfigMap kubernaut-system/cfg"):
        resolve_env(
            {"env": [{"name": "X", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "X"}}}]},
            POD,
            lookup,
        )


def test_optional_references_are_skipped():
    env = resolve_env(
        {
            "envFrom": [{"configMapRef": {"name": "nope", "optional": True}}],
            "env": [
                {"name": "X", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "X", "optional": True}}}
            ],
        },
        POD,
        lookup,
    )
    assert env == {}


def test_expand_leaves_unclosed_reference_alone():
    assert expand("$(A", {"A": "1"}) == "$(A"
