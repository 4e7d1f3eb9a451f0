"""Identifiers of the emulator's data set: 24-hex ObjectId-like ids and location UUIDs.

An id is ``<8 hex: creation time in seconds><16 hex: mix64(salt + index)>``, where ``index`` is the
entity's row in its table and ``salt`` depends on the seed and the entity kind. ``mix64`` is the
SplitMix64 finaliser, a bijection on 64-bit integers, so an id maps back to its row in O(1)
(:func:`index_from_id`) with no lookup table, and ids look as random as Mongo's.
"""

from __future__ import annotations

import uuid

import numpy as np
import numpy.typing as npt

MASK64 = (1 << 64) - 1
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB
_M1_INV = pow(_M1, -1, 1 << 64)
_M2_INV = pow(_M2, -1, 1 << 64)

# entity kinds, mixed into the salt so two tables never share ids
KIND_REVIEW = 1
KIND_CONSUMER = 2
KIND_BUSINESS_UNIT = 3
KIND_BUSINESS_USER = 4
KIND_PRODUCT_REVIEW = 5
KIND_TEXT = 6
KIND_MISC = 7


def mix64(x: int) -> int:
    """SplitMix64 finaliser: a bijective 64-bit hash."""
    x &= MASK64
    x ^= x >> 30
    x = (x * _M1) & MASK64
    x ^= x >> 27
    x = (x * _M2) & MASK64
    return x ^ (x >> 31)


def _unshift(x: int, s: int) -> int:
    y = x
    for _ in range(64 // s + 1):
        y = x ^ (y >> s)
    return y


def unmix64(x: int) -> int:
    """The inverse of :func:`mix64`."""
    x = _unshift(x & MASK64, 31)
    x = (x * _M2_INV) & MASK64
    x = _unshift(x, 27)
    x = (x * _M1_INV) & MASK64
    return _unshift(x, 30)


def mix64_array(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """Vectorised :func:`mix64` (uint64 arithmetic wraps modulo 2**64)."""
    x = x.astype(np.uint64, copy=True)
    x ^= x >> np.uint64(30)
    x *= np.uint64(_M1)
    x ^= x >> np.uint64(27)
    x *= np.uint64(_M2)
    x ^= x >> np.uint64(31)
    return x


def salt_for(seed: int, kind: int) -> int:
    """The per-seed, per-kind salt added to row indexes before mixing."""
    return mix64(mix64(seed) ^ (kind * 0x9E3779B97F4A7C15))


def object_id(created_s: int, index: int, salt: int) -> str:
    """The 24-hex id of row ``index`` created at ``created_s`` (epoch seconds)."""
    return f"{created_s & 0xFFFFFFFF:08x}{mix64(salt + index):016x}"


def id_tails(indexes: npt.NDArray[np.int64], salt: int) -> npt.NDArray[np.uint64]:
    """The 64-bit tails of the ids of ``indexes`` (for tie-breaking sorts by id)."""
    base = (indexes.astype(np.uint64) + np.uint64(salt & MASK64)).astype(np.uint64)
    return mix64_array(base)


def index_from_id(value: str, salt: int, size: int) -> int | None:
    """The row index encoded in ``value``, or None when it is not a valid id of this table."""
    if len(value) != 24:
        return None
    try:
        tail = int(value[8:], 16)
        int(value[:8], 16)
    except ValueError:
        return None
    if value != value.lower():
        return None
    index = (unmix64(tail) - salt) & MASK64
    return index if index < size else None


def uuid_from(seed: int, kind: int, index: int) -> str:
    """A deterministic version-4 UUID string."""
    hi = mix64(salt_for(seed, kind) + 2 * index)
    lo = mix64(salt_for(seed, kind) + 2 * index + 1)
    return str(uuid.UUID(int=(hi << 64) | lo, version=4))
