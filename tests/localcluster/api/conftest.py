"""The API alone (no controllers, no kubelet), so these tests see exactly what they write."""

from __future__ import annotations

import pytest


@pytest.fixture
def api_cluster(make_cluster):
    return make_cluster(components=False, seed=7)
