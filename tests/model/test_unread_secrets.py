"""A Secret the session did not read is described by why it was not read, never as unknown."""

import pytest

from tui.model.classify import classify
from tui.model.objects import ClusterObjects, SecretsRead
from tui.model.profiles import ProfileSet

from .builders import container, deployment

WORKLOAD = deployment(
    [
        container(
            env=[{"name": "API_KEY", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "api-key"}}}],
            env_from=[{"secretRef": {"name": "bulk"}}],
            mounts=[
                {"name": "tls", "mountPath": "/etc/tls"},
                {"name": "one", "mountPath": "/etc/one/token", "subPath": "token"},
            ],
        )
    ],
    [{"name": "tls", "secret": {"secretName": "tls"}}, {"name": "one", "secret": {"secretName": "one"}}],
)


def _secret_evidence(objects: ClusterObjects) -> list[str]:
    settings = classify(WORKLOAD, objects, ProfileSet([]))
    lines = [line for s in settings if s.secret for line in s.evidence]
    assert {s.configmap for s in settings if s.configmap} == {"creds", "bulk", "tls", "one"}
    return lines


@pytest.mark.parametrize(
    ("how", "words"),
    [
        (SecretsRead.FORBIDDEN, "is not readable here: RBAC forbids listing Secrets in default"),
        (SecretsRead.NOT_LISTED, "was not listed: kubeknobs does not read Secrets"),
    ],
)
def test_a_secret_not_read_says_why(how, words):
    objects = ClusterObjects()
    objects.set_secrets_read(how)
    lines = _secret_evidence(objects)
    assert not [line for line in lines if "not known here" in line]
    for name in ("creds", "bulk", "tls", "one"):
        assert any(f"Secret {name} {words}" in line for line in lines), (name, lines)


def test_the_reading_is_per_namespace():
    objects = ClusterObjects()
    objects.set_secrets_read(SecretsRead.NOT_LISTED)
    objects.set_secrets_read(SecretsRead.FORBIDDEN, "default")
    assert objects.secrets_read("default") == SecretsRead.FORBIDDEN
    assert objects.secrets_read("other") == SecretsRead.NOT_LISTED


def test_objects_given_in_full_say_a_missing_secret_is_not_known():
    """`explain -f`: the files hold every Secret there is to know; one not among them is not known."""
    lines = _secret_evidence(ClusterObjects())
    assert any("Secret creds is not known here" in line for line in lines)


def test_a_profile_that_decides_by_content_says_a_secrets_content_is_never_read():
    from tui.model.profiles import parse_profile

    profile = parse_profile(
        {
            "name": "by-content",
            "match": {"images": ["example.com/app"]},
            "files": [{"key": "token", "watched_when": "^reload"}],
        },
        "test",
    )
    objects = ClusterObjects()
    objects.set_secrets_read(SecretsRead.NOT_LISTED)
    workload = deployment(
        [container(mounts=[{"name": "keys", "mountPath": "/etc/keys"}])],
        [{"name": "keys", "secret": {"secretName": "keys", "items": [{"key": "token", "path": "token"}]}}],
    )
    settings = classify(workload, objects, ProfileSet([profile]))
    token = next(s for s in settings if s.name == "keys/token")
    assert "decides by the content of token, which kubeknobs never reads (a Secret's)" in token.evidence[0]
    assert not [line for s in settings for line in s.evidence if "not known here" in line]
