"""Table rows for the workloads, their layer summaries, and the classified settings of the recently asked."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from tui.cluster.cache import ClusterCache
from tui.cluster.feed import configmaps_of, workload_crash, workload_row
from tui.cluster.port import WorkloadKey, WorkloadRow

if TYPE_CHECKING:
    from tui.model.profiles import ProfileSet

SETTINGS_KEPT = 500  # workload versions whose classified settings stay cached; rows keep only their summary


class SummaryEntry(NamedTuple):
    version: tuple  # what the summary was computed from (see `RowBuilder.version`)
    summary: str  # e.g. "2 hot · 6 restart"
    auto_restart: str | None


class _Asked:
    """A workload at one version: hashed by both, carrying the object to classify until it is."""

    __slots__ = ("key", "version", "obj")

    def __init__(self, key: tuple, version: tuple, obj: dict | None) -> None:
        self.key, self.version, self.obj = key, version, obj

    def __hash__(self) -> int:
        return hash((self.key, self.version))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Asked) and (self.key, self.version) == (other.key, other.version)


class RowBuilder:
    def __init__(self, cache: ClusterCache, profiles: Callable[[], ProfileSet]) -> None:
        self._cache = cache
        self._profiles = profiles
        self.rows: dict[WorkloadKey, WorkloadRow] = {}
        self._summaries: dict[WorkloadKey, SummaryEntry] = {}
        self._classified = lru_cache(maxsize=SETTINGS_KEPT)(self._classify)
        self._watched: dict[WorkloadKey, tuple[str, tuple[str, ...]]] = {}  # resourceVersion, names

    def row(self, key: tuple, obj: dict, *, cheap: bool = False) -> WorkloadRow | None:
        """The row with its layer summary; with `cheap`, None unless the summary is already known."""
        from tui.model.layers import layer_summary
        from tui.model.ownership import managed_by

        key = WorkloadKey(*key)
        version = self.version(key, obj)
        known = self._summaries.get(key)
        if known is None or known.version != version:
            if cheap:
                return None
            settings = self.settings_for(key, obj)
            auto = next((s.auto_restart for s in settings if s.auto_restart), None)
            known = SummaryEntry(version, layer_summary(settings) if settings else "", auto)
            self._summaries[key] = known
        return workload_row(
            key.kind,
            obj,
            summary=known.summary,
            auto_restart=known.auto_restart,
            managed_by=managed_by(obj),
            crash=workload_crash(self._cache.pods_of(key)),
            watched=self.watched(key, obj),
        )

    def put(self, key: tuple, row: WorkloadRow) -> None:
        key = WorkloadKey(*key)
        self._cache.row_changed(key, self.rows.get(key), row)
        self.rows[key] = row

    def forget(self, key: tuple) -> None:
        key = WorkloadKey(*key)
        self._cache.row_changed(key, self.rows.pop(key, None), None)
        self._summaries.pop(key, None)
        self._watched.pop(key, None)

    def watched(self, key: WorkloadKey, obj: dict) -> tuple[str, ...]:
        """ConfigMaps of the workload's namespace its app reads through the API; worked out once per version."""
        from tui.model.apiwatch import watched_through_api
        from tui.model.workload import Workload, WorkloadError

        version = str(obj["metadata"].get("resourceVersion"))
        known = self._watched.get(key)
        if known is None or known[0] != version:
            try:
                found = watched_through_api(Workload.from_api(obj), self._cache.objects, self._profiles())
            except WorkloadError:
                found = []
            names = tuple(
                dict.fromkeys(w.name for w in found if w.kind == "ConfigMap" and w.namespace == key.namespace)
            )
            known = self._watched[key] = (version, names)
        return known[1]

    def version(self, key: tuple, obj: dict) -> tuple:
        """What a workload's settings depend on: its own version and those of the ConfigMaps it reads."""
        namespace = WorkloadKey(*key).namespace
        return (
            str(obj["metadata"].get("resourceVersion")),
            tuple(
                str(
                    ((self._cache.objects.configmap(namespace, n) or {}).get("metadata") or {}).get(
                        "resourceVersion"
                    )
                )
                for n in dict.fromkeys((*configmaps_of(obj), *self.watched(WorkloadKey(*key), obj)))
            ),
        )

    def settings_for(self, key: tuple, obj: dict) -> list:
        """Classified anew when the workload or its ConfigMaps changed; only the recently asked are kept."""
        return self._classified(_Asked(WorkloadKey(*key), self.version(key, obj), obj))

    @property
    def settings_kept(self) -> int:
        return self._classified.cache_info().currsize

    def _classify(self, asked: _Asked) -> list:
        from tui.model.classify import classify

        obj, asked.obj = asked.obj, None  # the cache keeps the answer, not the object it came from
        assert obj is not None  # each request is classified once, while it still holds its object
        try:
            return classify(obj, self._cache.objects, self._profiles())
        except Exception:  # noqa: BLE001 - a workload the model cannot read still gets a row
            return []
