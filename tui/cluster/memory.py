"""The garbage-collector policy for a session's first lists."""

from __future__ import annotations

import gc

FREEZE_FROM = 1_000  # workloads from which the first lists are frozen out of the garbage collector


class FirstListsFreeze:
    """On a big cluster, take the first lists' objects out of the garbage collector's walks.

    They live as long as the session, and a full collection that walks them all again stops
    every thread: 0.4 s at 10,000 workloads. A replaced session's objects were frozen with it:
    they are unfrozen and collected first, so that switching namespaces or contexts leaks nothing.
    """

    def __init__(self) -> None:
        self._frozen = False

    def synced(self, workloads: int) -> None:
        if self._frozen:
            self._frozen = False
            gc.unfreeze()
            gc.collect()
        if workloads >= FREEZE_FROM:
            gc.freeze()
            self._frozen = True
