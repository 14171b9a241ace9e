"""Shared pieces: a context between two States, and points of every kind."""

from __future__ import annotations

import pytest

from hanoinet.core.matching import MatchContext, hash_identifiers, match_context
from hanoinet.core.matching.group import FIELD

# u = 2 and u = 3 are on Curve25519's twist (u^3 + A·u^2 + u is not a square mod p).
TWIST = (2).to_bytes(32, "little")
NON_CANONICAL = (FIELD + 9).to_bytes(32, "little")  # 9 again, written as p + 9
LOW_ORDER = (1).to_bytes(32, "little")


@pytest.fixture
def context() -> MatchContext:
    return match_context("VNM", "FRA", "session-1")


def good_points(context: MatchContext, count: int) -> list[bytes]:
    """Valid, distinct points (public hashes: fine as stand-ins for blinded ones)."""
    return sorted(hash_identifiers(context, [f"filler:{i}" for i in range(count)]))
