"""Parsing seen to go wrong on real manifests, each on a small manifest in the shape of the upstream one."""

from tests.explain.test_explain_cli import FIXTURES, settings_of
from tui.model.content import key_paths


def test_a_bare_equals_sign_is_the_string_it_is_for_kubectl():
    found = settings_of("-f", str(FIXTURES / "crd-enum.yaml"))
    assert ("Deployment/silencer", "silencer", "--rules") in found
    assert key_paths("yaml", "matchers:\n  - {name: severity, op: =}\n").leaves == (
        ("matchers", '[{"name":"severity","op":"="}]'),
    )
