"""Bearer tokens for two users, and what each may do (also answered by SelfSubjectAccessReviews)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from tui.localcluster.api import errors
from tui.localcluster.api.resources import GROUPS, RESOURCES, Resource

ADMIN_USER = "kubeknobs-demo-admin"
READONLY_USER = "kubeknobs-demo-readonly"
READ_VERBS = frozenset({"get", "list", "watch"})
REVIEWS = frozenset({"selfsubjectaccessreviews", "selfsubjectrulesreviews", "selfsubjectreviews"})
PUBLIC_PATHS = frozenset({"/version", "/healthz", "/livez", "/readyz"})
# What the `view` role leaves out: running commands in pods and reaching their ports.
UNVIEWABLE_SUBRESOURCES = frozenset({"exec", "proxy"})


@dataclass(frozen=True)
class User:
    name: str
    admin: bool


class Access:
    def __init__(self) -> None:
        self.token = secrets.token_hex(24)
        self.readonly_token = secrets.token_hex(24)
        self._users = {self.token: User(ADMIN_USER, True), self.readonly_token: User(READONLY_USER, False)}

    def authenticate(self, header: str | None) -> User:
        if header and header.startswith("Bearer "):
            user = self._users.get(header[len("Bearer ") :].strip())
            if user is not None:
                return user
        raise errors.unauthorized()

    @staticmethod
    def allows(user: User, verb: str, resource: str, subresource: str = "") -> bool:
        """The admin may do anything; the read-only user has the `view` role (which excludes Secrets)."""
        if user.admin:
            return True
        if resource in REVIEWS and verb == "create":
            return True
        if resource == "secrets" or subresource in UNVIEWABLE_SUBRESOURCES:
            return False
        return verb in READ_VERBS

    def check(
        self,
        user: User,
        verb: str,
        res: Resource,
        namespace: str | None,
        name: str | None,
        subresource: str = "",
    ) -> None:
        if self.allows(user, verb, res.plural, subresource):
            return
        resource = f"{res.plural}/{subresource}" if subresource else res.plural
        details = {"name": name, "kind": res.plural} if name else {"kind": res.plural}
        if res.group:
            details["group"] = res.group
        raise errors.forbidden(res.qualified, name, user.name, verb, resource, res.group, namespace, details)

    def review(self, user: User, review: dict) -> dict:
        spec = review.get("spec") or {}
        attrs = spec.get("resourceAttributes")
        if isinstance(attrs, dict):
            plural = attrs.get("resource", "")
            verb = attrs.get("verb", "")
            known = plural in RESOURCES or plural == "*"
            allowed = known and (
                user.admin or (verb != "*" and self.allows(user, verb, plural, attrs.get("subresource", "")))
            )
        else:
            verb = ((spec.get("nonResourceAttributes") or {}).get("verb") or "").lower()
            allowed = user.admin or verb == "get"
        status: dict[str, bool | str] = {"allowed": bool(allowed)}
        if allowed:
            status["reason"] = f'allowed for user "{user.name}"'
        out = {
            "kind": "SelfSubjectAccessReview",
            "apiVersion": "authorization.k8s.io/v1",
            "metadata": {"creationTimestamp": None},
            "spec": spec,
            "status": status,
        }
        return out

    def answer(self, user: User, plural: str, body: dict) -> dict:
        """The answer to a POSTed review: access, rules, or who am I."""
        if plural == "selfsubjectaccessreviews":
            return self.review(user, body)
        if plural == "selfsubjectrulesreviews":
            return self.rules(user, body)
        groups = ["system:masters", "system:authenticated"] if user.admin else ["system:authenticated"]
        return {
            "kind": "SelfSubjectReview",
            "apiVersion": "authentication.k8s.io/v1",
            "metadata": {"creationTimestamp": None},
            "status": {"userInfo": {"username": user.name, "groups": groups}},
        }

    def rules(self, user: User, body: dict) -> dict:
        if user.admin:
            rules = [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}]
        else:
            rules = [
                {
                    "verbs": ["create"],
                    "apiGroups": ["authorization.k8s.io"],
                    "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
                },
                {
                    "verbs": ["create"],
                    "apiGroups": ["authentication.k8s.io"],
                    "resources": ["selfsubjectreviews"],
                },
            ]
            for group, plurals in GROUPS.items():
                readable = [p for p in plurals if p != "secrets" and "get" in RESOURCES[p].verbs]
                readable += [
                    f"{p}/{sub}"
                    for p in readable
                    for sub in RESOURCES[p].subresources
                    if sub not in UNVIEWABLE_SUBRESOURCES
                ]
                if readable:
                    rules.append({"verbs": sorted(READ_VERBS), "apiGroups": [group], "resources": readable})
        return {
            "kind": "SelfSubjectRulesReview",
            "apiVersion": "authorization.k8s.io/v1",
            "metadata": {"creationTimestamp": None},
            "spec": (body or {}).get("spec") or {},
            "status": {
                "resourceRules": rules,
                "nonResourceRules": [{"verbs": ["get"], "nonResourceURLs": ["*"]}],
                "incomplete": False,
            },
        }
