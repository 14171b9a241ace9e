"""Batch rebuild: cluster millions of reports at once, vectorised, deterministically.

The input is the report-identifier table as two parallel integer arrays (one row per
link: ``reports[i]`` holds key ``keys[i]``), coded densely by the caller — reports
``0 … n_reports - 1`` **in order of arrival** (the oldest first, e.g. ranked by primary
key), keys ``0 … n_keys - 1`` indexing ``key_names``. The clusters are the connected
components of the bipartite report-key graph once suppressed keys
(:mod:`~hanoinet.core.linking.policy`) are taken out, found by
:func:`scipy.sparse.csgraph.connected_components`; every step is a numpy array
operation, never a Python loop per link. Keys in a single link cannot join two reports,
so neither their names are matched against the warning list nor do they enter the graph:
most identifiers are one-offs, and this keeps a rebuild near the cost of the bare
components.

Each report's label is the smallest report code in its cluster — its oldest report — so
two rebuilds of the same data give the same labels, and the incremental linker
(:mod:`~hanoinet.core.linking.incremental`) names clusters the same way.

Analysts' decisions are honoured: ``must_link`` pairs link two reports as if they shared
an identifier no bound applies to; ``cannot_link`` pairs are split decisions. Splits
cannot be expressed as components, so the clusters that contain both ends of a split
(only those) are re-linked report by report in arrival order, exactly as the incremental
linker would have done: a report joins the clusters it reaches, oldest first, skipping any
cluster that holds a report it (or a cluster already joined) must stay apart from.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from hanoinet.core.linking.errors import LinkingError
from hanoinet.core.linking.policy import (
    DEFAULT_FAN_OUT_CAP,
    DEFAULT_WARNING_LIST,
    Suppression,
    SuppressReason,
    WarningList,
    check_fan_out_cap,
)

Codes = NDArray[np.int64]
R = TypeVar("R", bound=Hashable)

_EMPTY: Codes = np.zeros(0, dtype=np.int64)
_EMPTY.flags.writeable = False


@dataclass(frozen=True, slots=True, eq=False)
class BatchClusters:
    """The outcome of :func:`cluster_batch`.

    ``labels[r]`` is the smallest report code in report ``r``'s cluster. ``warned`` and
    ``over_cap`` are the key codes (ascending) that did not link because of the warning
    list or the fan-out cap, with the number of distinct reports holding each in
    ``warned_reports`` and ``over_cap_reports``. Only keys held by two reports or more
    are listed: a listed key in one report kept no link from being made. ``kept_apart``
    counts the split decisions that actually separated reports.
    """

    labels: Codes
    warned: Codes
    warned_reports: Codes
    over_cap: Codes
    over_cap_reports: Codes
    kept_apart: int

    @property
    def n_clusters(self) -> int:
        """How many clusters, singletons included."""
        return int(np.count_nonzero(self.labels == np.arange(self.labels.size)))

    def suppressions(self, key_names: Sequence[str]) -> list[Suppression]:
        """The suppressed keys by name, warning list first, each group by key code."""
        return [
            Suppression(key_names[code], reason, count)
            for codes, counts, reason in (
                (self.warned, self.warned_reports, SuppressReason.WARNING_LIST),
                (self.over_cap, self.over_cap_reports, SuppressReason.FAN_OUT),
            )
            for code, count in zip(codes.tolist(), counts.tolist(), strict=True)
        ]


def _codes(values: ArrayLike, what: str) -> Codes:
    array = np.asarray(values)
    if array.size == 0:
        return _EMPTY
    if array.ndim != 1 or array.dtype.kind not in "iu":
        raise LinkingError(f"{what} must be a one-dimensional array of integer codes")
    if array.min() < 0:
        raise LinkingError(f"{what} holds a negative code")
    return array.astype(np.int64, copy=False)


def _pairs(values: ArrayLike, what: str, n_reports: int) -> tuple[Codes, Codes]:
    array = np.asarray(values)
    if array.size == 0:
        return _EMPTY, _EMPTY
    if array.ndim != 2 or array.shape[1] != 2 or array.dtype.kind not in "iu":
        raise LinkingError(f"{what} must be pairs of report codes, shape (n, 2)")
    if array.min() < 0 or array.max() >= n_reports:
        raise LinkingError(f"{what} names a report code outside 0 … {n_reports - 1}")
    array = array.astype(np.int64, copy=False)
    return array[:, 0], array[:, 1]


def cluster_batch(
    reports: ArrayLike,
    keys: ArrayLike,
    *,
    n_reports: int | None = None,
    key_names: Sequence[str] | None = None,
    warning_list: WarningList = DEFAULT_WARNING_LIST,
    fan_out_cap: int | None = DEFAULT_FAN_OUT_CAP,
    vetted: ArrayLike = (),
    must_link: ArrayLike = (),
    cannot_link: ArrayLike = (),
) -> BatchClusters:
    """Cluster reports that share a key: ``reports[i]`` holds key ``keys[i]``.

    ``n_reports`` defaults to the largest report code plus one (pass it to include
    reports without identifiers). The warning list needs ``key_names`` (one link key per
    key code); clustering bare codes takes ``warning_list=WarningList()``. ``vetted``
    key codes ignore the fan-out cap. ``must_link`` and ``cannot_link`` are ``(n, 2)``
    arrays of report codes: analysts' merge and split decisions.

    Reports 0 and 2 share a phone, 2 and 3 a wallet; everybody mentions ``t.me``:

    >>> names = ["phone:+84912345678", "wallet:bitcoin:bc1qexample", "domain:t.me"]
    >>> result = cluster_batch([0, 2, 2, 3, 0, 1, 4], [0, 0, 1, 1, 2, 2, 2],
    ...                        n_reports=6, key_names=names)
    >>> result.labels.tolist()
    [0, 1, 0, 0, 4, 5]
    >>> [(s.key, s.reason.value, s.reports) for s in result.suppressions(names)]
    [('domain:t.me', 'warning_list', 3)]
    """
    report_codes, key_codes = _codes(reports, "reports"), _codes(keys, "keys")
    if report_codes.size != key_codes.size:
        raise LinkingError("reports and keys must have one entry per link")
    check_fan_out_cap(fan_out_cap)
    highest = int(report_codes.max()) + 1 if report_codes.size else 0
    n_reports = highest if n_reports is None else n_reports
    if highest > n_reports:
        raise LinkingError(f"a report code is not below n_reports={n_reports}")
    if key_names is not None:
        n_keys = len(key_names)
    elif warning_list:
        raise LinkingError("the warning list needs key_names; pass warning_list=WarningList()")
    else:
        n_keys = int(key_codes.max()) + 1 if key_codes.size else 0
    if key_codes.size and key_codes.max() >= n_keys:
        raise LinkingError(f"a key code is not below the {n_keys} key names")
    vetted_codes = _codes(vetted, "vetted")
    if vetted_codes.size and vetted_codes.max() >= n_keys:
        raise LinkingError("a vetted key code names no key")
    merge_a, merge_b = _pairs(must_link, "must_link", n_reports)
    apart_a, apart_b = _pairs(cannot_link, "cannot_link", n_reports)
    if np.any(apart_a == apart_b):
        raise LinkingError("cannot_link pairs a report with itself")

    links_per_key = np.bincount(key_codes, minlength=n_keys)
    shared = links_per_key > 1
    warned = np.zeros(n_keys, dtype=np.bool_)
    if key_names is not None and warning_list:
        # Only a key in two links or more can link anything: match only those names,
        # which spares the string work for the great majority of one-off identifiers.
        codes = np.flatnonzero(shared)
        warned[codes] = warning_list.mask([key_names[code] for code in codes.tolist()])
    warned, over_cap, distinct = _suppressed(
        report_codes,
        key_codes,
        links_per_key=links_per_key,
        n_reports=n_reports,
        warned=warned,
        fan_out_cap=fan_out_cap,
        vetted=vetted_codes,
    )
    # The graph holds only the keys that can join reports (in two links or more, not
    # suppressed), renumbered densely: far smaller than the whole table, and faster.
    linking = shared & ~(warned | over_cap)
    keep = linking[key_codes]
    report_codes, key_codes = report_codes[keep], key_codes[keep]
    labels = _components(
        report_codes,
        key_nodes=(np.cumsum(linking) - 1)[key_codes],
        merge=(merge_a, merge_b),
        n_reports=n_reports,
        n_key_nodes=int(np.count_nonzero(linking)),
    )

    kept_apart = 0
    violated = labels[apart_a] == labels[apart_b]
    if violated.any():
        kept_apart = _relink_in_order(
            labels,
            links=(report_codes, key_codes),
            merge=(merge_a, merge_b),
            apart=(apart_a, apart_b),
            violated=violated,
        )
    warned_codes, over_codes = np.flatnonzero(warned), np.flatnonzero(over_cap)
    return BatchClusters(
        labels=labels,
        warned=warned_codes,
        warned_reports=distinct[warned_codes],
        over_cap=over_codes,
        over_cap_reports=distinct[over_codes],
        kept_apart=kept_apart,
    )


def _suppressed(
    report_codes: Codes,
    key_codes: Codes,
    *,
    links_per_key: Codes,
    n_reports: int,
    warned: NDArray[np.bool_],
    fan_out_cap: int | None,
    vetted: Codes,
) -> tuple[NDArray[np.bool_], NDArray[np.bool_], Codes]:
    """Masks of the warned and over-cap keys held by some report, and distinct holders."""
    n_keys = warned.size
    # Distinct reports per key, computed only where it matters: a key whose raw link count
    # (duplicates included) is within the cap has at most as many distinct reports.
    suspects = warned.copy()
    if fan_out_cap is not None:
        over_raw = links_per_key > fan_out_cap
        over_raw[vetted] = False
        suspects |= over_raw
    distinct = np.zeros(n_keys, dtype=np.int64)
    on_suspect = suspects[key_codes]
    if on_suspect.any():
        stride = max(n_reports, 1)
        pairs = np.unique(key_codes[on_suspect] * stride + report_codes[on_suspect])
        distinct = np.bincount(pairs // stride, minlength=n_keys)
    warned = warned & (distinct > 1)
    over_cap = suspects & ~warned
    if fan_out_cap is not None:
        over_cap &= distinct > fan_out_cap
    return warned, over_cap, distinct


def _components(
    report_codes: Codes,
    *,
    key_nodes: Codes,
    merge: tuple[Codes, Codes],
    n_reports: int,
    n_key_nodes: int,
) -> Codes:
    """Label each report with the smallest report code of its connected component."""
    # Imported here, not at the top: scipy costs a third of a second to import, and every
    # node process (each CLI command, server and worker) imports this module through the
    # linking app while only a clustering ever needs scipy.
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import connected_components

    merge_a, merge_b = merge
    size = n_reports + n_key_nodes
    rows = np.concatenate((report_codes, merge_a))
    cols = np.concatenate((key_nodes + n_reports, merge_b))
    graph = csr_array((np.ones(rows.size), (rows, cols)), shape=(size, size))
    count, component = connected_components(graph, directed=False)
    of_report = np.asarray(component[:n_reports], dtype=np.int64)
    oldest = np.full(int(count), n_reports, dtype=np.int64)
    np.minimum.at(oldest, of_report, np.arange(n_reports, dtype=np.int64))
    return oldest[of_report]


def _relink_in_order(
    labels: Codes,
    *,
    links: tuple[Codes, Codes],
    merge: tuple[Codes, Codes],
    apart: tuple[Codes, Codes],
    violated: NDArray[np.bool_],
) -> int:
    """Redo, in arrival order, the clusters a split decision cuts; ``labels`` is updated.

    Python loops here, but only over the links inside the cut clusters. Returns how many
    split decisions separated reports that the components had joined.
    """
    (report_codes, key_codes), (merge_a, merge_b), (apart_a, apart_b) = links, merge, apart
    cut = np.zeros(labels.size, dtype=np.bool_)
    cut[labels[apart_a[violated]]] = True
    holdings: dict[int, list[int]] = {}
    inside = cut[labels[report_codes]]
    for report, key in zip(report_codes[inside].tolist(), key_codes[inside].tolist(), strict=True):
        holdings.setdefault(report, []).append(key)
    # A merge decision is a key of its own (past every real key code) held by both reports.
    virtual = int(key_codes.max(initial=-1)) + 1
    inside = cut[labels[merge_a]]
    for number, (a, b) in enumerate(
        zip(merge_a[inside].tolist(), merge_b[inside].tolist(), strict=True)
    ):
        holdings.setdefault(a, []).append(virtual + number)
        holdings.setdefault(b, []).append(virtual + number)
    partners: dict[int, set[int]] = {}
    for a, b in zip(apart_a[violated].tolist(), apart_b[violated].tolist(), strict=True):
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    relinked = link_in_order(holdings, partners)
    reports = np.fromiter(relinked, dtype=np.int64, count=len(relinked))
    labels[reports] = np.fromiter(relinked.values(), dtype=np.int64, count=len(relinked))
    return int(np.count_nonzero(labels[apart_a[violated]] != labels[apart_b[violated]]))


def link_in_order(
    holdings: Mapping[int, Iterable[Hashable]], apart: Mapping[int, Iterable[int]]
) -> dict[int, int]:
    """Link reports one by one in code order, honouring split decisions.

    ``holdings`` maps each report code to the keys it links by (suppressed keys already
    left out); ``apart`` maps a report to the reports it must not share a cluster with.
    A report joins every earlier cluster it shares a key with, oldest first, unless that
    cluster holds a report the growing group must stay apart from. Returns each report's
    label, the smallest report code of its cluster. This is the reference semantics of
    incremental linking, applied in bulk.

    >>> link_in_order({0: ["a"], 1: ["b"], 2: ["a", "b"]}, {0: [1], 1: [0]})
    {0: 0, 1: 1, 2: 0}
    """
    parent: dict[int, int] = {}
    members: dict[int, set[int]] = {}
    banned: dict[int, set[int]] = {}
    holders: dict[Hashable, set[int]] = {}

    def find(report: int) -> int:
        root = report
        while parent[root] != root:
            root = parent[root]
        while parent[report] != root:
            parent[report], report = root, parent[report]
        return root

    for report in sorted(holdings):
        keys = list(holdings[report])
        reached = sorted({find(other) for key in keys for other in holders.get(key, ())})
        group, refused = {report}, set(apart.get(report, ()))
        joined = []
        for root in reached:
            if refused.isdisjoint(members[root]):
                joined.append(root)
                group |= members.pop(root)
                refused |= banned.pop(root)
        survivor = joined[0] if joined else report  # roots are each cluster's oldest report
        for root in (*joined, report):
            parent[root] = survivor
        members[survivor], banned[survivor] = group, refused
        for key in keys:
            holders.setdefault(key, set()).add(survivor)
    return {report: find(report) for report in holdings}


def cluster_reports(
    links: Mapping[R, Iterable[str]],
    *,
    warning_list: WarningList = DEFAULT_WARNING_LIST,
    fan_out_cap: int | None = DEFAULT_FAN_OUT_CAP,
    vetted: Iterable[str] = (),
    cannot_link: Iterable[tuple[R, R]] = (),
) -> tuple[dict[R, R], list[Suppression]]:
    """:func:`cluster_batch` for a small mapping of report → link keys, oldest report first.

    Returns each report's cluster, named by its oldest report, and the suppressed keys.

    >>> clusters, suppressed = cluster_reports({
    ...     "R-1": ["phone:+84912345678", "domain:facebook.com"],
    ...     "R-2": ["domain:facebook.com"],
    ...     "R-3": ["wallet:bitcoin:bc1qexample", "phone:+84912345678"],
    ... })
    >>> clusters
    {'R-1': 'R-1', 'R-2': 'R-2', 'R-3': 'R-1'}
    >>> [(s.key, s.reason.value) for s in suppressed]
    [('domain:facebook.com', 'warning_list')]
    """
    order = list(links)
    code = {report: index for index, report in enumerate(order)}
    names: dict[str, int] = {}
    reports: list[int] = []
    keys: list[int] = []
    for report, report_keys in links.items():
        for key in report_keys:
            reports.append(code[report])
            keys.append(names.setdefault(key, len(names)))
    key_names = list(names)
    result = cluster_batch(
        np.asarray(reports, dtype=np.int64),
        np.asarray(keys, dtype=np.int64),
        n_reports=len(order),
        key_names=key_names,
        warning_list=warning_list,
        fan_out_cap=fan_out_cap,
        vetted=np.asarray([names[key] for key in vetted if key in names], dtype=np.int64),
        cannot_link=np.asarray([(code[a], code[b]) for a, b in cannot_link], dtype=np.int64),
    )
    clusters = {
        report: order[label] for report, label in zip(order, result.labels.tolist(), strict=True)
    }
    return clusters, result.suppressions(key_names)
