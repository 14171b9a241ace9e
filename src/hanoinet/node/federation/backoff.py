"""Retry timing: exponential with full jitter, capped; per-peer back-off when down."""

from __future__ import annotations

import random
from datetime import timedelta

BASE_SECONDS = 2.0
CAP_SECONDS = 15 * 60.0
PEER_BASE_SECONDS = 5.0
PEER_CAP_SECONDS = 5 * 60.0


def retry_delay(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Delay before attempt ``attempts + 1`` (exponential with "equal jitter": spreads a thundering
    herd of retries after an outage).

    >>> retry_delay(0, random.Random(1)) <= timedelta(seconds=2)
    True
    >>> retry_delay(30, random.Random(1)) <= timedelta(minutes=15)
    True
    """
    ceiling = min(CAP_SECONDS, BASE_SECONDS * (2 ** min(attempts, 20)))
    return timedelta(seconds=(rng or random).uniform(ceiling / 2, ceiling))


def peer_backoff(consecutive_failures: int) -> timedelta:
    """How long to leave a peer alone after it failed this many times in a row.

    >>> peer_backoff(1), peer_backoff(4)
    (datetime.timedelta(seconds=5), datetime.timedelta(seconds=40))
    """
    if consecutive_failures <= 0:
        return timedelta(0)
    return timedelta(
        seconds=min(PEER_CAP_SECONDS, PEER_BASE_SECONDS * 2 ** (consecutive_failures - 1))
    )
