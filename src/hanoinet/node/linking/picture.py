"""The picture of a cluster: reports on an inner ring, the identifiers they share on an
outer ring, a line for each report holding an identifier. Plain SVG drawn on the
server, so it needs no script and prints with the page."""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_REPORTS = 60
MAX_KEYS = 40
SIZE = 480
CENTRE = SIZE / 2


@dataclass(frozen=True, slots=True)
class Node:
    x: float
    y: float
    label: str
    kind: str  # "report" or the identifier kind


@dataclass(frozen=True, slots=True)
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True, slots=True)
class Picture:
    reports: list[Node]
    keys: list[Node]
    edges: list[Edge]
    size: int
    truncated: bool


def _ring(count: int, radius: float, turn: float = 0.0) -> list[tuple[float, float]]:
    if count == 1 and radius < CENTRE / 2:
        return [(CENTRE, CENTRE)]
    return [
        (
            round(CENTRE + radius * math.cos(2 * math.pi * (i + turn) / count - math.pi / 2), 1),
            round(CENTRE + radius * math.sin(2 * math.pi * (i + turn) / count - math.pi / 2), 1),
        )
        for i in range(count)
    ]


def draw(reports: list[str], holdings: list[tuple[str, str]]) -> Picture:
    """``reports``: report references; ``holdings``: (reference, link key) pairs.

    >>> p = draw(["R1", "R2"], [("R1", "phone:+84912345678"), ("R2", "phone:+84912345678")])
    >>> len(p.reports), len(p.keys), len(p.edges)
    (2, 1, 2)
    """
    shared: dict[str, int] = {}
    for _report, key in holdings:
        shared[key] = shared.get(key, 0) + 1
    keys = sorted(shared, key=lambda k: (-shared[k], k))[:MAX_KEYS]
    shown = reports[:MAX_REPORTS]
    report_at = dict(zip(shown, _ring(len(shown), SIZE * 0.22), strict=True))
    key_at = dict(zip(keys, _ring(len(keys), SIZE * 0.42, 0.5), strict=True))
    edges = [
        Edge(*report_at[report], *key_at[key])
        for report, key in holdings
        if report in report_at and key in key_at
    ]
    return Picture(
        reports=[Node(x, y, ref, "report") for ref, (x, y) in report_at.items()],
        keys=[Node(x, y, key, key.split(":", 1)[0]) for key, (x, y) in key_at.items()],
        edges=edges,
        size=SIZE,
        truncated=len(reports) > MAX_REPORTS or len(shared) > MAX_KEYS,
    )
