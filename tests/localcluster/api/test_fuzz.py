"""Bad input from any client gets an ApiError (a Status answer), never a crash of the handler."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.localcluster.api.errors import ApiError
from tui.localcluster.api.patch import json_patch, merge_patch, strategic_merge
from tui.localcluster.api.resources import RESOURCES
from tui.localcluster.api.selectors import parse_field_selector, parse_label_selector
from tui.localcluster.api.shape import check_shape

scalars = st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=5)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=12,
)
documents = st.dictionaries(st.sampled_from(["a", "b", "env", "containers", "l"]), json_values, max_size=4)
paths = st.lists(st.sampled_from(["a", "b", "0", "1", "-", "env", "x~1y", "l"]), max_size=3).map(
    lambda parts: "".join("/" + p for p in parts)
)
operations = st.lists(
    st.fixed_dictionaries(
        {
            "op": st.sampled_from(["add", "remove", "replace", "test", "move", "copy", "bogus"]),
            "path": paths | st.text(max_size=4),
            "from": paths,
            "value": json_values,
        }
    ),
    max_size=4,
)


@settings(max_examples=150, deadline=None)
@given(documents, operations)
def test_json_patch_answers_or_refuses(doc, ops):
    try:
        json_patch(doc, ops)
    except ApiError as err:
        assert err.code in (400, 422)


@settings(max_examples=100, deadline=None)
@given(documents, documents)
def test_strategic_merge_never_crashes_and_empty_patch_is_identity(doc, patch):
    strategic_merge(doc, patch)
    assert strategic_merge(doc, {}) == doc


@settings(max_examples=100, deadline=None)
@given(documents)
def test_merge_patch_with_itself_is_identity_when_no_nulls(doc):
    def no_nulls(value):
        if isinstance(value, dict):
            return {k: no_nulls(v) for k, v in value.items() if v is not None}
        return value

    clean = no_nulls(doc)
    assert merge_patch(clean, clean) == clean


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="ab=!,() in notin-._/x", max_size=20))
def test_selectors_parse_or_refuse(text):
    for parse in (parse_label_selector, lambda t: parse_field_selector(t, "pods")):
        try:
            matcher = parse(text)
        except ApiError as err:
            assert err.code == 400
        else:
            if matcher is not None:
                matcher({"metadata": {"name": "a", "labels": {"a": "b"}}, "spec": {}})


def _store():
    import random

    from tui.localcluster.api.store import Store

    store = Store(rng=random.Random(0))
    store.create("namespaces", {"metadata": {"name": "default"}})
    return store


names = st.sampled_from(["ok", "", "Bad_Name", 5, None, ["x"], {"a": 1}])
shapes = st.fixed_dictionaries(
    {
        "metadata": st.one_of(
            json_values,
            st.fixed_dictionaries(
                {"name": names, "labels": json_values, "annotations": json_values, "namespace": names}
            ),
        ),
        "spec": json_values
        | st.fixed_dictionaries(
            {
                "replicas": json_values,
                "selector": json_values,
                "template": json_values
                | st.fixed_dictionaries(
                    {
                        "metadata": json_values,
                        "spec": json_values
                        | st.just(
                            {
                                "containers": [
                                    {
                                        "name": "c",
                                        "image": "i",
                                        "env": [{"name": "A", "valueFrom": {"fieldRef": {}}}],
                                    }
                                ]
                            }
                        ),
                    }
                ),
                "containers": json_values,
                "strategy": json_values,
            }
        ),
        "data": json_values,
        "status": json_values,
    }
)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(
        ["configmaps", "secrets", "deployments", "pods", "statefulsets", "daemonsets", "namespaces"]
    ),
    shapes,
)
def test_store_creates_or_refuses_any_shape(resource, obj):
    store = _store()
    try:
        check_shape(RESOURCES[resource], obj)
        created = store.create(resource, obj)
    except ApiError as err:
        assert err.code in (400, 404, 409, 422)
    else:
        assert created["metadata"]["resourceVersion"]
        try:
            update = {**created, "data": {"k": "v"}, "spec": obj.get("spec")}
            check_shape(RESOURCES[resource], update)
            store.update(resource, update)
        except ApiError as err:
            assert err.code in (400, 404, 409, 422)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(["configmaps", "deployments", "pods"]), shapes, st.sampled_from([None, "status"]))
def test_store_updates_or_refuses_any_shape(resource, obj, subresource):
    store = _store()
    base = {
        "metadata": {"name": "ok"},
        "spec": {
            "containers": [{"name": "c", "image": "i"}],
            "selector": {"matchLabels": {"a": "b"}},
            "template": {
                "metadata": {"labels": {"a": "b"}},
                "spec": {"containers": [{"name": "c", "image": "i"}]},
            },
        },
    }
    store.create(resource, base)
    if isinstance(obj.get("metadata"), dict):
        obj["metadata"]["name"] = "ok"
    try:
        if subresource is None:
            check_shape(RESOURCES[resource], obj)
        store.update(resource, obj, subresource=subresource)
    except ApiError as err:
        assert err.code in (400, 404, 409, 422)
