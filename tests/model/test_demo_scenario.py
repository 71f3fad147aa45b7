"""The demo's Kubernaut scenario, classified: the built-in profiles fit the workloads the demo runs."""

import pytest

from tui.localcluster.scenarios.kubernaut import manifest_objects, workloads
from tui.model.classify import classify
from tui.model.layers import Layer
from tui.model.objects import ClusterObjects
from tui.model.profiles import ProfileSet


def demo_settings():
    objects = ClusterObjects(manifest_objects())
    profiles = ProfileSet.builtin()
    return {
        (s.workload, s.name): s for obj in workloads("checksum") for s in classify(obj, objects, profiles)
    }


def test_every_demo_workload_is_classified_with_the_expected_layers():
    found = demo_settings()
    expected = {
        (
            "Deployment/workflowexecution-controller",
            "workflowexecution-config/workflowexecution.yaml#logging.level",
        ): Layer.HOT_RELOAD,
        (
            "Deployment/workflowexecution-controller",
            "workflowexecution-config/workflowexecution.yaml#execution.cooldownPeriod",
        ): Layer.RESTART,
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


WE_FILE = "workflowexecution-config/workflowexecution.yaml"


@pytest.mark.parametrize(
    ("workload", "name", "value_type", "positive", "choices"),
    [
        (
            "Deployment/workflowexecution-controller",
            f"{WE_FILE}#logging.level",
            "string",
            False,
            ("DEBUG", "INFO", "WARN", "ERROR"),
        ),
        (
            "Deployment/workflowexecution-controller",
            f"{WE_FILE}#execution.cooldownPeriod",
            "duration",
            True,
            (),
        ),
        ("Deployment/workflowexecution-controller", f"{WE_FILE}#execution.namespace", "string", False, ()),
        ("Deployment/workflowexecution-legacy", "--cooldown-period", "duration", True, ()),
        (
            "Deployment/gateway",
            "gateway-config/config.yaml#logging.level",
            "string",
            False,
            ("DEBUG", "INFO", "WARN", "ERROR"),
        ),
    ],
)
def test_profiles_declare_what_values_a_setting_accepts(workload, name, value_type, positive, choices):
    setting = demo_settings()[(workload, name)]
    assert (setting.value_type, setting.positive, setting.choices) == (value_type, positive, choices)
    assert setting.any_case == bool(choices)  # the Kubernaut services upper-case the level they read


def test_declared_constraints_stay_out_of_the_explain_json():
    setting = demo_settings()[("Deployment/workflowexecution-controller", f"{WE_FILE}#logging.level")]
    assert set(setting.to_json()) == {
        "namespace",
        "workload",
        "container",
        "source",
        "name",
        "value",
        "layer",
        "auto_restart",
        "managed_by",
        "evidence",
        "plan",
        "mechanism",
        "takes_effect_s",
        "trigger",
        "via",
        "configmap",
        "key",
    }
