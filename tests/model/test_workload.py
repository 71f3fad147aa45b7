"""Workloads read from API JSON, and the clear errors for ones that cannot be read."""

import pytest

from tui.model.objects import ClusterObjects
from tui.model.workload import Workload, WorkloadError, split_image

from .builders import container, deployment, secret


def test_deployment_is_read_with_its_containers_and_init_containers():
    obj = deployment(
        [container("main")],
        init_containers=[container("setup")],
        replicas=3,
        template_annotations={"checksum/config": "x"},
    )
    workload = Workload.from_api(obj)
    assert workload.ref == "Deployment/app"
    assert workload.key == ("Deployment", "default", "app")
    assert [c.name for c in workload.all_containers] == ["setup", "main"]
    assert workload.init_containers[0].init
    assert workload.replicas == 3
    assert workload.template_annotations == {"checksum/config": "x"}
    assert workload.pods_phrase() == "3 pods"


def test_daemonset_has_no_replica_count():
    workload = Workload.from_api(deployment([container()], kind="DaemonSet"))
    assert workload.replicas is None
    assert workload.pods_phrase() == "one pod per node"


def test_namespace_defaults_to_default():
    obj = deployment([container()])
    del obj["metadata"]["namespace"]
    assert Workload.from_api(obj).namespace == "default"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda o: o["spec"]["template"]["spec"].pop("containers"),
            "Deployment/app: spec.template.spec.containers is missing",
        ),
        (lambda o: o["spec"]["template"]["spec"].update(containers=[]), "containers is missing"),
        (lambda o: o["spec"].pop("template"), "Deployment/app: spec.template is missing"),
        (lambda o: o.pop("spec"), "Deployment/app: spec is missing"),
        (lambda o: o["metadata"].pop("name"), "Deployment: metadata.name is missing"),
        (
            lambda o: o["spec"]["template"]["spec"]["containers"][0].pop("image"),
            "container app: image is missing",
        ),
        (lambda o: o["spec"]["template"]["spec"]["containers"][0].update(args="--x"), "args is not a list"),
        (lambda o: o["spec"]["template"]["spec"].update(containers="nope"), "containers is not a list"),
    ],
)
def test_unreadable_workloads_get_a_clear_message(mutate, message):
    obj = deployment([container()])
    mutate(obj)
    with pytest.raises(WorkloadError, match=message):
        Workload.from_api(obj)


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("quay.io/kubernaut-ai/workflowexecution:v1", ("quay.io/kubernaut-ai/workflowexecution", "v1")),
        ("localhost:5000/app", ("localhost:5000/app", None)),
        ("localhost:5000/app:2@sha256:abc", ("localhost:5000/app", "2")),
        ("nginx", ("nginx", None)),
    ],
)
def test_image_split(image, expected):
    assert split_image(image) == expected


def test_secret_values_never_enter_the_objects():
    objects = ClusterObjects([secret("creds", {"password": "aHVudGVyMg=="})])
    stored = objects.secret("default", "creds")
    assert stored["keys"] == ["password"]
    assert "aHVudGVyMg==" not in repr(stored)
    assert "data" not in stored


def test_copies_of_secret_data_in_metadata_are_dropped_too():
    applied = '{"kind":"Secret","stringData":{"password":"hunter2"}}'
    obj = secret("creds", {"password": "aHVudGVyMg=="})
    obj["metadata"]["annotations"] = {
        "kubectl.kubernetes.io/last-applied-configuration": applied,
        "team": "a",
    }
    obj["metadata"]["managedFields"] = [{"fieldsV1": {"f:data": {"f:password": {}}}}]
    stored = ClusterObjects([obj]).secret("default", "creds")
    assert "hunter2" not in repr(stored)
    assert "managedFields" not in stored["metadata"]
    assert stored["metadata"]["annotations"] == {"team": "a"}
