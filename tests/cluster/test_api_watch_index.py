"""A ConfigMap the app reads through the API is linked to its workload: listed in its row and followed on edit."""

from __future__ import annotations

import copy

from tests.cluster.conftest import configmap
from tests.cluster.test_session import Sink
from tests.waiting import eventually
from tui.cluster.connect import load_connection
from tui.cluster.session import ClusterSession
from tui.model.layers import Source

KEY = ("Deployment", "default", "edge-controller")


def seed(cluster):
    def run():
        store = cluster.store
        store.create("configmaps", configmap("edge-controller", {"proxy-body-size": "16m"}))
        store.create(
            "deployments",
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "edge-controller", "namespace": "default"},
                "spec": {
                    "replicas": 1,
                    "selector": {"matchLabels": {"app": "edge"}},
                    "template": {
                        "metadata": {"labels": {"app": "edge"}},
                        "spec": {
                            "containers": [
                                {
                                    "name": "controller",
                                    "image": "registry.k8s.io/ingress-nginx/controller:v1.12.0",
                                    "args": [
                                        "/nginx-ingress-controller",
                                        "--configmap=default/edge-controller",
                                    ],
                                }
                            ]
                        },
                    },
                },
            },
        )

    cluster.call(run)


def test_an_api_watched_configmap_is_in_the_row_and_its_edit_reclassifies(cluster):
    seed(cluster)
    sink = Sink()
    session = ClusterSession(load_connection(cluster.kubeconfig), namespaces=["default"], sync_delay=0.5)
    session.start(sink)
    try:
        assert eventually(lambda: sink.synced_calls == 1)
        assert eventually(lambda: KEY in sink.rows and "edge-controller" in sink.rows[KEY].configmaps)

        def body() -> str | None:
            found = [s for s in session.settings(KEY) if s.source == Source.API_KEY]
            return found[0].value if found else None

        assert eventually(lambda: body() == "16m")

        def edit():
            obj = copy.deepcopy(cluster.store.get("configmaps", "default", "edge-controller"))
            obj["data"]["proxy-body-size"] = "64m"
            cluster.store.update("configmaps", obj)

        cluster.call(edit)
        assert eventually(lambda: body() == "64m", timeout=20)
    finally:
        session.stop()
