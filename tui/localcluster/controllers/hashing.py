"""Names the way kube-controller-manager derives them: fnv hashes in the safe alphabet."""

from __future__ import annotations

import json
import random

# k8s.io/apimachinery/pkg/util/rand: no vowels, no ambiguous characters.
SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"

_FNV_OFFSET = 0x811C9DC5
_FNV_PRIME = 0x01000193


def fnv32(data: bytes) -> int:
    h = _FNV_OFFSET
    for byte in data:
        h = (h * _FNV_PRIME) & 0xFFFFFFFF
        h ^= byte
    return h


def fnv32a(data: bytes) -> int:
    h = _FNV_OFFSET
    for byte in data:
        h ^= byte
        h = (h * _FNV_PRIME) & 0xFFFFFFFF
    return h


def safe_encode(text: str) -> str:
    """rand.SafeEncodeString: each character mapped into the safe alphabet."""
    return "".join(SAFE_ALPHABET[ord(c) % len(SAFE_ALPHABET)] for c in text)


def semantic(obj):
    """The value as Go's semantic equality sees it: null, {} and [] are the same as absent."""
    if isinstance(obj, dict):
        out = {}
        for key, value in obj.items():
            value = semantic(value)
            if value is not None and value != {} and value != []:
                out[key] = value
        return out
    if isinstance(obj, list):
        return [semantic(v) for v in obj]
    return obj


def canonical_json(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def template_hash(template: dict, collision_count: int | None = None) -> str:
    """controller.ComputeHash: the pod-template-hash of a Deployment or DaemonSet template."""
    data = canonical_json(semantic(template))
    if collision_count is not None:
        data += (collision_count & 0xFFFFFFFF).to_bytes(4, "little") + b"\0\0\0\0"
    return safe_encode(str(fnv32a(data)))


def revision_hash(data: dict, collision_count: int | None = None) -> str:
    """history.HashControllerRevision: the suffix of a StatefulSet's ControllerRevision name."""
    raw = canonical_json(semantic(data))
    if collision_count is not None:
        raw += str(collision_count).encode()
    return safe_encode(str(fnv32(raw)))


def random_suffix(rng: random.Random, length: int = 5) -> str:
    return "".join(rng.choice(SAFE_ALPHABET) for _ in range(length))
