"""Whatever a pod template holds, classification returns settings or a WorkloadError, never a crash."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.model.classify import classify
from tui.model.objects import ClusterObjects
from tui.model.profiles import ProfileSet
from tui.model.workload import WorkloadError

from .builders import cm_volume, configmap, container, deployment

words = st.text(max_size=10) | st.sampled_from(["--config", "/etc/c/app.yaml", "$(A)", "sh", "-c", "exec"])
env_entries = st.lists(
    st.fixed_dictionaries({"name": st.sampled_from(["A", "B", ""]), "value": words})
    | st.fixed_dictionaries(
        {
            "name": st.just("K"),
            "valueFrom": st.fixed_dictionaries(
                {
                    "configMapKeyRef": st.fixed_dictionaries(
                        {"name": st.sampled_from(["cfg", "gone"]), "key": words}
                    )
                }
            ),
        }
    ),
    max_size=4,
)
mounts = st.lists(
    st.fixed_dictionaries({"name": st.sampled_from(["c", "missing"]), "mountPath": words})
    | st.fixed_dictionaries({"name": st.just("c"), "mountPath": words, "subPath": words}),
    max_size=3,
)
PROFILES = ProfileSet.builtin()
OBJECTS = ClusterObjects([configmap("cfg", {"app.yaml": "a:\n  b: 1\n", "k": "v"}, immutable=None)])


@settings(max_examples=150, deadline=None)
@given(
    command=st.lists(words, max_size=4),
    args=st.lists(words, max_size=6),
    env=env_entries,
    mounts=mounts,
    image=st.sampled_from(["quay.io/kubernaut-ai/workflowexecution:v1", "coredns/coredns:1", "x", ""]),
)
def test_classify_never_crashes(command, args, env, mounts, image):
    obj = deployment(
        [container(image=image, command=command, args=args, env=env, mounts=mounts)], [cm_volume("c", "cfg")]
    )
    try:
        found = classify(obj, OBJECTS, PROFILES)
    except WorkloadError as error:
        assert str(error)
        return
    names = [(s.container, s.source, s.name) for s in found]
    assert len(names) == len(set(names))
