"""The text edits behind the actions: formats, key paths, flags."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.cluster.conftest import configmap
from tui.change.edits import EditError, replace_flag, set_key_path, validate_format
from tui.cluster.access import AccessReview
from tui.cluster.actions import Actions
from tui.cluster.backups import Backups


def test_formats_are_checked_by_the_keys_extension():
    assert validate_format("a.json", '{"x": 1}') is None
    assert "not valid JSON" in validate_format("a.json", "{x: 1}")
    assert "not valid TOML" in validate_format("a.toml", "x = ")
    assert "line 2" in validate_format("a.yml", "a: 1\n b: [")
    assert validate_format("Corefile", ".:53 {\n  reload\n}") is None


def test_yaml_key_path_into_a_list_keeps_the_rest():
    text = "routes:\n  - name: a   # first\n    to: x\n  - name: b\n    to: y\n"
    out = set_key_path(text, "routes[1].to", "z")
    assert out == text.replace("to: y", "to: z")


def test_yaml_value_keeps_its_type_and_refuses_mappings():
    out = set_key_path("retries: 3\ntimeout: 5s\n", "retries", "5")
    assert out == "retries: 5\ntimeout: 5s\n"
    with pytest.raises(EditError):
        set_key_path("a:\n  b: 1\n", "a", "2")
    with pytest.raises(EditError):
        set_key_path("a: 1\n", "a", "{x: 1}")


def test_json_key_path_keeps_order_and_indent():
    text = json.dumps({"z": 1, "llm": {"model": "a", "temperature": 0.2}}, indent=2) + "\n"
    out = set_key_path(text, "llm.temperature", "0.5", fmt="json")
    assert out == text.replace("0.2", "0.5")


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        (["--cooldown-period=5m"], ["--cooldown-period=10m"]),
        (["--cooldown-period", "5m", "--x"], ["--cooldown-period", "10m", "--x"]),
        (["-cooldown-period", "5m"], ["-cooldown-period", "10m"]),
        (["--leader-elect", "--cooldown-period"], ["--leader-elect", "--cooldown-period=10m"]),
    ],
)
def test_flag_keeps_its_form(tokens, expected):
    assert replace_flag(tokens, "--cooldown-period", "10m") == (expected, True)


def test_missing_flag_is_reported_not_invented():
    assert replace_flag(["--a=1"], "b", "2") == (["--a=1"], False)


@pytest.fixture
def actions(admin, tmp_path):
    return Actions(admin, AccessReview(admin), backups=Backups("t", tmp_path))


def test_value_past_one_mebibyte_is_refused_before_the_server(cluster, actions):
    cluster.call(cluster.store.create, "configmaps", configmap("big", {"k": "v"}))
    result = actions.edit_configmap_key("default", "big", "k", "x" * (1024 * 1024 + 1))
    assert result.status == "invalid" and "1 MiB" in result.message
    assert cluster.call(cluster.store.get, "configmaps", "default", "big")["data"]["k"] == "v"


def test_binary_key_is_not_edited_as_text(cluster, actions):
    cluster.call(cluster.store.create, "configmaps", configmap("bin", {}, binaryData={"blob": "AAEC"}))
    result = actions.edit_configmap_key("default", "bin", "blob", "text")
    assert result.status == "refused" and "binary" in result.message


KEYS = st.from_regex(r"[a-z][a-zA-Z0-9]{0,8}", fullmatch=True)
SCALARS = st.one_of(
    st.integers(-1000, 1000), st.booleans(), st.from_regex(r"[a-z][a-z0-9 ]{0,10}", fullmatch=True)
)
DOCS = st.recursive(
    SCALARS, lambda inner: st.dictionaries(KEYS, inner, min_size=1, max_size=4), max_leaves=12
)


def _leaves(doc, prefix=""):
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _leaves(v, f"{prefix}.{k}" if prefix else k)
    else:
        yield prefix, doc


@settings(max_examples=60, deadline=None)
@given(doc=DOCS.filter(lambda d: isinstance(d, dict)), data=st.data())
def test_setting_one_key_path_changes_only_that_value(doc, data):
    import yaml

    text = yaml.safe_dump(doc, sort_keys=False)
    leaves = dict(_leaves(doc))
    path = data.draw(st.sampled_from(sorted(leaves)))
    new_value = data.draw(st.integers(-5, 5))
    out = set_key_path(text, path, str(new_value))
    after = dict(_leaves(yaml.safe_load(out)))
    assert after.pop(path) == new_value
    leaves.pop(path)
    assert after == leaves
