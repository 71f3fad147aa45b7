"""The demo's Kubernaut scenario, classified: the built-in profiles fit the workloads the demo runs."""

from tui.localcluster.scenarios.kubernaut import manifest_objects, workloads
from tui.model.classify import classify
from tui.model.layers import Layer
from tui.model.objects import ClusterObjects
from tui.model.profiles import ProfileSet


def demo_settings():
    objects = ClusterObjects(manifest_objects())
    profiles = ProfileSet.builtin()
    return {(s.workload, s.name): s for obj in workloads("checksum") for s in classify(obj, objects, profiles)}


def test_every_demo_workload_is_classified_with_the_expected_layers():
    found = demo_settings()
    expected = {
        ("Deployment/workflowexecution-controller", "workflowexecution-config/workflowexecution.yaml#logging.level"):
            Layer.HOT_RELOAD,
        ("Deployment/workflowexecution-controller",
         "workflowexecution-config/workflowexecution.yaml#execution.cooldownPeriod"): Layer.RESTART,
        ("Deployment/signalprocessing-controller", "signalprocessing-config/config.yaml"): Layer.RESTART,
        ("Deployment/signalprocessing-controller", "signalprocessing-policy/policy.rego"): Layer.HOT_RELOAD,
        ("Deployment/aianalysis-controller", "aianalysis-policies/approval.rego"): Layer.HOT_RELOAD,
        ("Deployment/coredns", "coredns/Corefile"): Layer.HOT_RELOAD,
        ("Deployment/workflowexecution-legacy", "--cooldown-period"): Layer.RESTART,
    }
    for address, layer in expected.items():
        assert found[address].layer == layer, (address, found[address].evidence)


def test_only_files_nothing_declares_are_left_as_file_propagates():
    undeclared = {s.workload for s in demo_settings().values() if s.layer == Layer.FILE_PROPAGATES}
    assert all(not ref.endswith("-controller") for ref in undeclared), undeclared
