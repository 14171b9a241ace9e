"""The chain of custody as a picture: one mark per event down a line, coloured by what
happened, the time and the actor beside it. Plain SVG from the server: no script, and it
prints with the page for a court file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

ROW = 44
WIDTH = 560
# Hand-overs stand out: they are where a chain of custody is most often challenged.
COLOURS = {
    "acquired": "#1d6b32",
    "hashed": "#4a5560",
    "sealed": "#4a5560",
    "opened": "#b35c00",
    "exported": "#0a5fa8",
    "transferred": "#0a5fa8",
    "received": "#0a5fa8",
    "verified": "#1d6b32",
    "disposed": "#a1121b",
}


@dataclass(frozen=True, slots=True)
class Mark:
    y: int
    kind: str
    colour: str
    when: str
    actor: str
    index: int
    handover: bool


@dataclass(frozen=True, slots=True)
class Timeline:
    marks: list[Mark]
    height: int
    width: int


def draw(events: list[tuple[int, str, datetime, str]]) -> Timeline:
    """``events``: (ledger index, kind, time, actor), oldest first.

    >>> from datetime import UTC
    >>> t = draw([(0, "acquired", datetime(2026, 1, 1, tzinfo=UTC), "linh")])
    >>> (t.height, t.marks[0].colour, t.marks[0].when)
    (64, '#1d6b32', '2026-01-01 00:00 UTC')
    """
    marks = [
        Mark(
            y=20 + ROW * row,
            kind=kind,
            colour=COLOURS.get(kind, "#4a5560"),
            when=f"{at:%Y-%m-%d %H:%M} UTC",
            actor=actor[:60],
            index=index,
            handover=kind in ("exported", "transferred", "received"),
        )
        for row, (index, kind, at, actor) in enumerate(events)
    ]
    return Timeline(marks=marks, height=ROW * max(len(marks) - 1, 0) + 44, width=WIDTH)
