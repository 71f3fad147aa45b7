"""Creating and deleting a controller's pods, as the controllers' PodControl does."""

from __future__ import annotations

import random

from tui.localcluster.controllers.events import record
from tui.localcluster.controllers.hashing import random_suffix
from tui.localcluster.controllers.objects import owner_reference


def pod_from_template(
    template: dict,
    owner: dict,
    kind: str,
    name: str,
    *,
    generate_name: str | None = None,
    extra_labels: dict | None = None,
) -> dict:
    """A pod as GetPodFromTemplate builds it: template metadata, owner reference, template spec."""
    meta_in = template.get("metadata") or {}
    metadata = {"name": name, "namespace": owner["metadata"].get("namespace")}
    if generate_name:
        metadata["generateName"] = generate_name
    labels = {**(meta_in.get("labels") or {}), **(extra_labels or {})}
    if labels:
        metadata["labels"] = labels
    if meta_in.get("annotations"):
        metadata["annotations"] = dict(meta_in["annotations"])
    if meta_in.get("finalizers"):
        metadata["finalizers"] = list(meta_in["finalizers"])
    metadata["ownerReferences"] = [owner_reference(owner, kind)]
    spec = dict(template.get("spec") or {})  # the store copies what it stores; top-level keys are ours
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": metadata,
        "spec": spec,
        "status": {"phase": "Pending"},
    }


class PodControl:
    """Creates and deletes a controller's pods and records the events, as kube's PodControl does."""

    def __init__(self, cluster, component: str) -> None:
        self.cluster = cluster
        self.component = component
        self._drawn: dict[tuple[str, str, str], int] = {}

    @property
    def store(self):
        return self.cluster.store

    def _suffix(self, owner: dict, kind: str) -> str:
        """Seeded: the n-th name an owner draws depends on nothing else running; unseeded: random."""
        seed = getattr(self.cluster, "seed", None)
        if seed is None:
            return random_suffix(getattr(self.cluster, "rng", None) or self.store.rng)
        meta = owner["metadata"]
        key = (meta.get("namespace") or "", kind, meta["name"])
        count = self._drawn.get(key, 0)
        self._drawn[key] = count + 1
        return random_suffix(random.Random(f"{seed}/{key[0]}/{kind}/{key[2]}/{count}"))

    def create_generated(
        self, template: dict, owner: dict, kind: str, *, extra_labels: dict | None = None
    ) -> dict:
        """A pod named `<owner>-<5 safe characters>` (the scheduler places it), retried on a name collision."""
        prefix = owner["metadata"]["name"] + "-"
        attempt = 0
        while True:
            attempt += 1
            pod = pod_from_template(
                template,
                owner,
                kind,
                prefix + self._suffix(owner, kind),
                generate_name=prefix,
                extra_labels=extra_labels,
            )
            try:
                created = self.store.create("pods", pod)
            except Exception as exc:
                if getattr(exc, "code", None) == 409 and attempt < 8:
                    continue
                record(
                    self.store,
                    owner,
                    "FailedCreate",
                    f"Error creating: {getattr(exc, 'message', exc)}",
                    "Warning",
                    self.component,
                )
                raise
            record(
                self.store,
                owner,
                "SuccessfulCreate",
                f"Created pod: {created['metadata']['name']}",
                "Normal",
                self.component,
            )
            return created

    def create_named(self, pod: dict, owner: dict, message: str) -> dict:
        try:
            created = self.store.create("pods", pod)
        except Exception as exc:
            record(
                self.store,
                owner,
                "FailedCreate",
                f"{message} failed error: {getattr(exc, 'message', exc)}",
                "Warning",
                self.component,
            )
            raise
        record(self.store, owner, "SuccessfulCreate", f"{message} successful", "Normal", self.component)
        return created

    def delete(self, pod: dict, owner: dict, message: str | None = None) -> None:
        meta = pod["metadata"]
        try:
            self.store.delete("pods", meta.get("namespace"), meta["name"])
        except Exception as exc:
            if getattr(exc, "code", None) == 404:
                return
            raise
        record(
            self.store,
            owner,
            "SuccessfulDelete",
            message or f"Deleted pod: {meta['name']}",
            "Normal",
            self.component,
        )
