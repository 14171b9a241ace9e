"""The expensive steps as chunk functions, run in this process or across all cores.

Each function takes one picklable task (a tuple) and returns plain bytes and ints — no
exception crosses a process boundary, so the caller raises the right
:class:`~hanoinet.core.matching.errors.MatchingError` with the global index.

Processes come from the ``forkserver`` start method where there is one (Linux, macOS):
a Django node holds database sockets and threads that a plain ``fork`` would copy into
the workers. The secret scalar goes to the workers through a local pipe; it stays on
the node.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from hanoinet.core.errors import CoreError
from hanoinet.core.matching.group import (
    POINT_SIZE,
    decode_points,
    exponentiate,
    first_non_canonical,
    first_off_curve,
    hash_to_group,
)

#: Below this many items one process is faster than starting a pool (about 0.1 s).
PARALLEL_MIN_ITEMS = 4096
# Several chunks per worker even out a core that another program is using.
_CHUNKS_PER_WORKER = 4
_MIN_CHUNK = 512

_START_METHOD = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"

Task = TypeVar("Task")
Result = TypeVar("Result")

# Why a chunk of received points was refused: (index in chunk, reason), or (-1, "").
Refusal = tuple[int, str]
OK: Refusal = (-1, "")


def hash_and_blind(task: tuple[bytes, int, list[bytes]]) -> bytes:
    """``k·H(x)`` for our own identifiers: no curve check needed, the hash lands on it.

    >>> from hanoinet.core.matching.group import clamp, hash_key
    >>> len(hash_and_blind((hash_key(b"ctx"), clamp(5), [b"a", b"b"])))
    64
    """
    key, scalar, items = task
    return exponentiate(scalar, hash_to_group(key, items))


def check_and_blind(task: tuple[int, bytes, int, bool]) -> tuple[bytes, Refusal]:
    """``k·P`` for points a peer sent, after refusing non-canonical and low-order ones
    and, when ``curve_only``, points on the twist; ``tag_size`` > 0 keeps only that many
    leading bytes of each result.

    >>> from hanoinet.core.matching.group import clamp
    >>> check_and_blind((clamp(5), (2).to_bytes(32, "little"), 0, True))
    (b'', (0, 'point on the twist, not on the curve'))
    >>> len(check_and_blind((clamp(5), (2).to_bytes(32, "little"), 16, False))[0])
    16
    """
    scalar, blob, tag_size, curve_only = task
    us = decode_points(blob)
    bad = first_non_canonical(us)
    if bad >= 0:
        return b"", (bad, "non-canonical or low-order point")
    if curve_only:
        bad = first_off_curve(us)
        if bad >= 0:
            return b"", (bad, "point on the twist, not on the curve")
    out = exponentiate(scalar, us)
    if tag_size:
        out = b"".join(out[i : i + tag_size] for i in range(0, len(out), POINT_SIZE))
    return out, OK


def worker_count(items: int, workers: int | None) -> int:
    """How many processes to use: ``workers`` if given, else all cores for large lists.

    >>> worker_count(10, None), worker_count(10, 3)
    (1, 3)
    """
    if workers is None:
        return (os.cpu_count() or 1) if items >= PARALLEL_MIN_ITEMS else 1
    if workers < 1:
        raise CoreError("workers must be at least 1")
    return workers


def spans(count: int, workers: int) -> list[tuple[int, int]]:
    """Cut ``range(count)`` into contiguous (start, stop) chunks for ``workers`` processes.

    >>> spans(10, 1), spans(0, 2)
    ([(0, 10)], [])
    >>> spans(2000, 2)[:2]
    [(0, 512), (512, 1024)]
    """
    if workers == 1:
        return [(0, count)] if count else []
    size = max(_MIN_CHUNK, -(-count // (workers * _CHUNKS_PER_WORKER)))
    return [(start, min(start + size, count)) for start in range(0, count, size)]


def run(function: Callable[[Task], Result], tasks: Sequence[Task], workers: int) -> list[Result]:
    """``[function(task) for task in tasks]``, across ``workers`` processes if more than one.

    >>> run(abs, [-1, 2], 1)
    [1, 2]
    """
    if workers == 1 or len(tasks) < 2:
        return [function(task) for task in tasks]
    context = multiprocessing.get_context(_START_METHOD)
    if _START_METHOD == "forkserver":  # pragma: no branch - Linux and macOS
        # Workers fork from a server that has already imported this module (and
        # cryptography, PyNaCl): a pool starts in tens of milliseconds.
        context.set_forkserver_preload([__name__])
    with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=context) as pool:
        return list(pool.map(function, tasks))
