"""The kinds this API serves: names, groups, scope and verbs, as discovery reports them."""

from __future__ import annotations

from dataclasses import dataclass, field

CRUD = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")


@dataclass(frozen=True)
class Resource:
    plural: str
    kind: str
    group: str
    version: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    verbs: tuple[str, ...] = CRUD
    subresources: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    list_kind: str = field(default="")

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def singular(self) -> str:
        return self.kind.lower()

    @property
    def qualified(self) -> str:
        """How error messages name the resource: `configmaps`, `deployments.apps`."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def stored(self) -> bool:
        return "get" in self.verbs


def _r(plural, kind, group, namespaced, short=(), subresources=(), categories=(), verbs=CRUD) -> Resource:
    return Resource(
        plural,
        kind,
        group,
        "v1",
        namespaced,
        tuple(short),
        tuple(verbs),
        tuple(subresources),
        tuple(categories),
        kind + "List",
    )


RESOURCES: dict[str, Resource] = {
    r.plural: r
    for r in (
        _r(
            "namespaces",
            "Namespace",
            "",
            False,
            ("ns",),
            ("status",),
            verbs=("create", "delete", "get", "list", "patch", "update", "watch"),
        ),
        _r("nodes", "Node", "", False, ("no",), ("status",)),
        _r("pods", "Pod", "", True, ("po",), ("status", "log", "exec", "proxy"), ("all",)),
        _r("configmaps", "ConfigMap", "", True, ("cm",)),
        _r("secrets", "Secret", "", True),
        _r("events", "Event", "", True, ("ev",)),
        _r("serviceaccounts", "ServiceAccount", "", True, ("sa",)),
        _r("services", "Service", "", True, ("svc",), ("status",), ("all",)),
        _r("deployments", "Deployment", "apps", True, ("deploy",), ("status", "scale"), ("all",)),
        _r("replicasets", "ReplicaSet", "apps", True, ("rs",), ("status", "scale"), ("all",)),
        _r("statefulsets", "StatefulSet", "apps", True, ("sts",), ("status", "scale"), ("all",)),
        _r("daemonsets", "DaemonSet", "apps", True, ("ds",), ("status",), ("all",)),
        _r("controllerrevisions", "ControllerRevision", "apps", True),
        # Stored as written, without controllers, so that whole application manifests apply.
        _r("persistentvolumeclaims", "PersistentVolumeClaim", "", True, ("pvc",), ("status",)),
        _r("jobs", "Job", "batch", True, (), ("status",), ("all",)),
        _r("cronjobs", "CronJob", "batch", True, ("cj",), ("status",), ("all",)),
        _r("ingresses", "Ingress", "networking.k8s.io", True, ("ing",), ("status",)),
        _r("networkpolicies", "NetworkPolicy", "networking.k8s.io", True, ("netpol",)),
        _r("poddisruptionbudgets", "PodDisruptionBudget", "policy", True, ("pdb",), ("status",)),
        _r("roles", "Role", "rbac.authorization.k8s.io", True),
        _r("rolebindings", "RoleBinding", "rbac.authorization.k8s.io", True),
        _r("clusterroles", "ClusterRole", "rbac.authorization.k8s.io", False),
        _r("clusterrolebindings", "ClusterRoleBinding", "rbac.authorization.k8s.io", False),
        _r(
            "selfsubjectaccessreviews",
            "SelfSubjectAccessReview",
            "authorization.k8s.io",
            False,
            verbs=("create",),
        ),
        _r(
            "selfsubjectrulesreviews",
            "SelfSubjectRulesReview",
            "authorization.k8s.io",
            False,
            verbs=("create",),
        ),
        _r("selfsubjectreviews", "SelfSubjectReview", "authentication.k8s.io", False, verbs=("create",)),
    )
}

GROUPS: dict[str, tuple[str, ...]] = {}
for _res in RESOURCES.values():
    GROUPS.setdefault(_res.group, ())
    GROUPS[_res.group] += (_res.plural,)


def resource_for(group: str, plural: str) -> Resource | None:
    res = RESOURCES.get(plural)
    if res is None or res.group != group:
        return None
    return res


def resource_of_kind(kind: str) -> Resource | None:
    for res in RESOURCES.values():
        if res.kind == kind:
            return res
    return None
