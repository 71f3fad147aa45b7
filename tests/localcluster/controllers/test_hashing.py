"""Names derived as kube-controller-manager derives them."""

from __future__ import annotations

import random

from tui.localcluster.controllers.hashing import (
    SAFE_ALPHABET,
    fnv32,
    fnv32a,
    random_suffix,
    safe_encode,
    semantic,
    template_hash,
)


def test_fnv_hashes_match_the_reference_vectors():
    assert fnv32a(b"") == 0x811C9DC5
    assert fnv32a(b"a") == 0xE40C292C
    assert fnv32(b"a") == 0x050C5D7E
    assert fnv32a(b"foobar") == 0xBF9CF968


def test_safe_encoding_uses_only_the_safe_alphabet():
    encoded = safe_encode("3847562910")
    assert len(encoded) == 10
    assert set(encoded) <= set(SAFE_ALPHABET)
    assert not set("aeiou013") & set(SAFE_ALPHABET)


def test_template_hash_is_stable_and_changes_with_template_and_collision_count():
    template = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "a", "image": "x"}]}}
    same = {"spec": {"containers": [{"image": "x", "name": "a"}]}, "metadata": {"labels": {"app": "web"}}}
    assert template_hash(template) == template_hash(same)
    assert template_hash(template) != template_hash(
        {**template, "spec": {"containers": [{"name": "a", "image": "y"}]}}
    )
    assert template_hash(template, 1) != template_hash(template)


def test_null_and_empty_fields_compare_as_absent():
    assert semantic({"metadata": {"creationTimestamp": None, "labels": {"a": "b"}}, "x": {}}) == {
        "metadata": {"labels": {"a": "b"}}
    }


def test_pod_suffix_is_five_safe_characters_and_seeded():
    a, b = random_suffix(random.Random(3)), random_suffix(random.Random(3))
    assert a == b and len(a) == 5 and set(a) <= set(SAFE_ALPHABET)
