"""Which ConfigMaps and Secrets a pod template consumes, and how: one walk for every caller."""

from __future__ import annotations

from tui.cluster.feed import configmaps_of
from tui.model.mounts import TemplateUse, consumed_configmaps

TEMPLATE = {
    "spec": {
        "volumes": [
            {"name": "config", "configMap": {"name": "app", "items": [{"key": "a.yaml", "path": "a.yaml"}]}},
            {"name": "tls", "secret": {"secretName": "tls", "optional": True}},
            {
                "name": "bundle",
                "projected": {"sources": [{"secret": {"name": "token"}}, {"configMap": {"name": "ca"}}]},
            },
        ],
        "initContainers": [
            {
                "name": "migrate",
                "envFrom": [{"configMapRef": {"name": "schema"}, "prefix": "DB_"}],
                "volumeMounts": [{"name": "bundle", "mountPath": "/ca"}],
            }
        ],
        "containers": [
            {
                "name": "app",
                "env": [
                    {"name": "X", "value": "1"},
                    {"name": "LEVEL", "valueFrom": {"configMapKeyRef": {"name": "app", "key": "level"}}},
                    {
                        "name": "PASS",
                        "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw", "optional": True}},
                    },
                ],
                "volumeMounts": [
                    {"name": "config", "mountPath": "/etc/app"},
                    {"name": "tls", "mountPath": "/tls/cert.pem", "subPath": "cert.pem"},
                ],
            }
        ],
    }
}


def test_every_configmap_and_secret_is_found_with_how_it_is_consumed():
    assert consumed_configmaps(TEMPLATE) == (
        TemplateUse(
            "ConfigMap", "app", "volume", "/volumes/0/configMap/name", ("app",), items=(("a.yaml", "a.yaml"),)
        ),
        TemplateUse(
            "Secret", "tls", "volume", "/volumes/1/secret/secretName", ("app",), sub_path=True, optional=True
        ),
        TemplateUse(
            "Secret", "token", "projected", "/volumes/2/projected/sources/0/secret/name", ("migrate",), True
        ),
        TemplateUse(
            "ConfigMap",
            "ca",
            "projected",
            "/volumes/2/projected/sources/1/configMap/name",
            ("migrate",),
            True,
        ),
        TemplateUse(
            "ConfigMap",
            "schema",
            "envFrom",
            "/initContainers/0/envFrom/0/configMapRef/name",
            ("migrate",),
            True,
            prefix="DB_",
        ),
        TemplateUse(
            "ConfigMap",
            "app",
            "env",
            "/containers/0/env/1/valueFrom/configMapKeyRef/name",
            ("app",),
            key="level",
        ),
        TemplateUse(
            "Secret",
            "db",
            "env",
            "/containers/0/env/2/valueFrom/secretKeyRef/name",
            ("app",),
            key="pw",
            optional=True,
        ),
    )


def test_the_dashboard_lists_configmap_names_once_volumes_then_containers_then_init_containers():
    assert configmaps_of({"spec": {"template": TEMPLATE}}) == ("app", "ca", "schema")


def test_a_malformed_template_consumes_nothing_rather_than_failing():
    assert consumed_configmaps(None) == ()
    assert (
        consumed_configmaps({"spec": {"volumes": [None, {"name": "x"}], "containers": [{"env": [None]}]}})
        == ()
    )
