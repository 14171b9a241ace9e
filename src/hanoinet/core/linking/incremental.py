"""Incremental linking: what one new report does to the clusters, decided without a database.

The node asks the database what it knows about the new report's link keys — for each,
how many reports already hold it and which clusters those reports are in (a
:class:`KeyStat`) — and :func:`plan_link` answers with a :class:`LinkPlan`: start a new
cluster, join one, or merge several into the oldest. The node applies the plan in one
transaction and records it. Clusters are named by integers that grow with age (the
cluster's oldest report code, or the cluster's primary key), so the survivor of a merge
is the smallest.

Applied report by report in arrival order, the plans give exactly the clusters of
:func:`~hanoinet.core.linking.batch.cluster_batch` while no key crosses the fan-out cap.
When a key crosses it, the plan flags the key (``newly_flagged``) and stops linking
through it, but it does not undo the links it made while under the cap: the clusters
holding it are listed in ``recheck`` for the analyst, or for a batch rebuild, which
leaves the key out entirely.

Analysts' split decisions arrive as cluster pairs: ``apart`` holds pairs of clusters that
must not merge (the node maps each "report A is not linked to report B" decision to the
clusters of A and B), ``apart_from_new`` the clusters the new report must stay out of.
An analyst's merge is applied by the node directly (fold the clusters into the smallest)
and recorded as a ``must_link`` pair for rebuilds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from hanoinet.core.linking.policy import (
    DEFAULT_FAN_OUT_CAP,
    DEFAULT_WARNING_LIST,
    Suppression,
    SuppressReason,
    WarningList,
    check_fan_out_cap,
)


@dataclass(frozen=True, slots=True)
class KeyStat:
    """What the node knows about one link key before the new report is added.

    ``reports`` is the number of distinct reports already holding the key, ``clusters``
    the clusters they are in, ``vetted`` whether an analyst cleared it to link beyond the
    fan-out cap.
    """

    reports: int = 0
    clusters: frozenset[int] = field(default_factory=frozenset)
    vetted: bool = False


#: A key no report holds yet.
UNSEEN = KeyStat()


class LinkAction(StrEnum):
    """What the new report does: start a cluster, join one, or merge several."""

    NEW = "new"
    JOIN = "join"
    MERGE = "merge"


@dataclass(frozen=True, slots=True)
class LinkPlan:
    """The decision for one new report; the node carries it out.

    - ``action`` and ``cluster``: the cluster the report goes into (``None`` for
      :attr:`LinkAction.NEW`: the node creates it);
    - ``absorbed``: for :attr:`LinkAction.MERGE`, the clusters folded into ``cluster``;
    - ``kept_apart``: clusters reached through a shared key but left alone because of a
      split decision;
    - ``linking``: the new report's keys that link (all but the suppressed ones);
    - ``suppressed``: the keys that do not, with the reason, by key;
    - ``newly_flagged``: keys this report pushes over the fan-out cap — flag them for
      review;
    - ``recheck``: clusters holding a newly flagged key, whose links through it predate
      the flag (after the merge, so named by their survivor).
    """

    action: LinkAction
    cluster: int | None
    absorbed: tuple[int, ...] = ()
    kept_apart: tuple[int, ...] = ()
    linking: frozenset[str] = frozenset()
    suppressed: tuple[Suppression, ...] = ()
    newly_flagged: tuple[str, ...] = ()
    recheck: tuple[int, ...] = ()


def plan_link(
    new_keys: Iterable[str],
    key_stats: Mapping[str, KeyStat],
    *,
    warning_list: WarningList = DEFAULT_WARNING_LIST,
    fan_out_cap: int | None = DEFAULT_FAN_OUT_CAP,
    apart: Iterable[tuple[int, int]] = (),
    apart_from_new: Iterable[int] = (),
) -> LinkPlan:
    """Decide where a new report holding ``new_keys`` goes.

    ``key_stats`` needs an entry for each of ``new_keys`` that some report already holds
    (a missing key counts as unseen). Keys on the warning list, and keys the report would
    take over ``fan_out_cap`` reports unless vetted, do not link.

    >>> stats = {
    ...     "phone:+84912345678": KeyStat(reports=2, clusters=frozenset({7})),
    ...     "wallet:bitcoin:bc1qexample": KeyStat(reports=1, clusters=frozenset({3})),
    ...     "domain:t.me": KeyStat(reports=90, clusters=frozenset({1, 2, 3, 7})),
    ... }
    >>> plan = plan_link(list(stats), stats)
    >>> plan.action, plan.cluster, plan.absorbed
    (<LinkAction.MERGE: 'merge'>, 3, (7,))
    >>> [(s.key, s.reason.value) for s in plan.suppressed]
    [('domain:t.me', 'warning_list')]
    """
    check_fan_out_cap(fan_out_cap)
    keys = sorted(set(new_keys))
    linking: list[str] = []
    suppressed: list[Suppression] = []
    flagged: list[str] = []
    for key in keys:
        stat = key_stats.get(key, UNSEEN)
        holders = stat.reports + 1
        if warning_list.matches(key):
            suppressed.append(Suppression(key, SuppressReason.WARNING_LIST, holders))
        elif fan_out_cap is not None and not stat.vetted and holders > fan_out_cap:
            suppressed.append(Suppression(key, SuppressReason.FAN_OUT, holders))
            if stat.reports == fan_out_cap:
                flagged.append(key)
        else:
            linking.append(key)

    reached = sorted(
        {cluster for key in linking for cluster in key_stats.get(key, UNSEEN).clusters}
    )
    separated: dict[int, set[int]] = {}
    for a, b in apart:
        separated.setdefault(a, set()).add(b)
        separated.setdefault(b, set()).add(a)
    refused = set(apart_from_new)
    joined: list[int] = []
    kept_apart: list[int] = []
    for cluster in reached:
        if cluster in refused:
            kept_apart.append(cluster)
        else:
            joined.append(cluster)
            refused |= separated.get(cluster, set())

    survivor = joined[0] if joined else None
    if not joined:
        action = LinkAction.NEW
    elif len(joined) == 1:
        action = LinkAction.JOIN
    else:
        action = LinkAction.MERGE
    renamed = dict.fromkeys(joined, survivor) if survivor is not None else {}
    recheck = {
        renamed.get(cluster, cluster) for key in flagged for cluster in key_stats[key].clusters
    }
    return LinkPlan(
        action=action,
        cluster=survivor,
        absorbed=tuple(joined[1:]),
        kept_apart=tuple(kept_apart),
        linking=frozenset(linking),
        suppressed=tuple(suppressed),
        newly_flagged=tuple(flagged),
        recheck=tuple(sorted(recheck)),
    )
