"""Laws of linking, checked on random small report-key graphs."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from hanoinet.core.linking import (
    KeyStat,
    LinkAction,
    LinkPlan,
    WarningList,
    cluster_batch,
    plan_link,
)

# Key names: plain ones, and two that the warning list below catches.
KEYS = [f"phone:+8490000000{n}" for n in range(6)] + ["domain:t.me", "domain:m.facebook.com"]
LISTED = WarningList(["domain:t.me", "domain:*.facebook.com"])
NONE = WarningList()

reports_st = st.lists(st.lists(st.integers(0, len(KEYS) - 1), max_size=4), max_size=14)
splits_st = st.lists(st.tuples(st.integers(0, 13), st.integers(0, 13)), max_size=3)


def edges(reports: Sequence[Sequence[int]]) -> tuple[list[int], list[int]]:
    pairs = [(report, key) for report, keys in enumerate(reports) for key in keys]
    return [r for r, _ in pairs], [k for _, k in pairs]


def batch(
    reports: Sequence[Sequence[int]],
    *,
    warning_list: WarningList = NONE,
    fan_out_cap: int | None = None,
    cannot_link: Sequence[tuple[int, int]] = (),
) -> list[int]:
    rs, ks = edges(reports)
    result = cluster_batch(
        rs,
        ks,
        n_reports=len(reports),
        key_names=KEYS,
        warning_list=warning_list,
        fan_out_cap=fan_out_cap,
        cannot_link=list(cannot_link),
    )
    return [int(label) for label in result.labels]


def union_find(reports: Sequence[Sequence[int]], dropped: Collection[int] = ()) -> list[int]:
    """The naive reference: join every two reports that share a key not dropped."""
    parent = list(range(len(reports)))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    first_holder: dict[int, int] = {}
    for report, keys in enumerate(reports):
        for key in keys:
            if key in dropped:
                continue
            other = first_holder.setdefault(key, report)
            a, b = find(report), find(other)
            parent[max(a, b)] = min(a, b)
    return [find(report) for report in range(len(reports))]


def replay(
    reports: Sequence[Sequence[int]],
    *,
    warning_list: WarningList = NONE,
    fan_out_cap: int | None = None,
    cannot_link: Sequence[tuple[int, int]] = (),
    plans: list[LinkPlan] | None = None,
) -> list[int]:
    """Feed the reports one by one to plan_link, as the node would, naming each cluster
    by its oldest report."""
    cluster_of: list[int] = []
    holders: dict[str, set[int]] = {}
    for report, codes in enumerate(reports):
        keys = {KEYS[code] for code in codes}
        stats = {
            key: KeyStat(len(holders[key]), frozenset(cluster_of[h] for h in holders[key]))
            for key in keys
            if key in holders
        }
        earlier = [(a, b) for a, b in cannot_link if a != b and max(a, b) < report]
        mine = [b if a == report else a for a, b in cannot_link if report in (a, b) and a != b]
        plan = plan_link(
            keys,
            stats,
            warning_list=warning_list,
            fan_out_cap=fan_out_cap,
            apart=[(cluster_of[a], cluster_of[b]) for a, b in earlier],
            apart_from_new=[cluster_of[other] for other in mine if other < report],
        )
        assert (plan.cluster is None) is (plan.action is LinkAction.NEW)
        if plans is not None:
            plans.append(plan)
        cluster = report if plan.cluster is None else plan.cluster
        absorbed = set(plan.absorbed)
        cluster_of = [cluster if c in absorbed else c for c in cluster_of]
        cluster_of.append(cluster)
        for key in keys:
            holders.setdefault(key, set()).add(report)
    return cluster_of


def valid(splits: Sequence[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    return [(a, b) for a, b in splits if a < size and b < size and a != b]


@settings(max_examples=300, deadline=None)
@given(reports_st)
def test_batch_equals_naive_union_find(reports: list[list[int]]) -> None:
    assert batch(reports) == union_find(reports)


@settings(max_examples=300, deadline=None)
@given(reports_st)
def test_incremental_replay_equals_batch(reports: list[list[int]]) -> None:
    assert replay(reports) == batch(reports)


@settings(max_examples=300, deadline=None)
@given(reports_st)
def test_incremental_replay_equals_batch_with_the_warning_list(reports: list[list[int]]) -> None:
    assert replay(reports, warning_list=LISTED) == batch(reports, warning_list=LISTED)


@settings(max_examples=300, deadline=None)
@given(reports_st, splits_st)
def test_incremental_replay_equals_batch_with_split_decisions(
    reports: list[list[int]], splits: list[tuple[int, int]]
) -> None:
    splits = valid(splits, len(reports))
    expected = batch(reports, warning_list=LISTED, cannot_link=splits)
    assert replay(reports, warning_list=LISTED, cannot_link=splits) == expected
    for a, b in splits:
        assert expected[a] != expected[b]


@settings(max_examples=300, deadline=None)
@given(reports_st)
def test_a_warning_listed_key_never_links(reports: list[list[int]]) -> None:
    listed = {code for code, key in enumerate(KEYS) if LISTED.matches(key)}
    assert batch(reports, warning_list=LISTED) == union_find(reports, listed)


@settings(max_examples=300, deadline=None)
@given(reports_st, st.integers(1, 4))
def test_a_key_over_the_cap_never_links(reports: list[list[int]], cap: int) -> None:
    holders: dict[int, set[int]] = {}
    for report, codes in enumerate(reports):
        for code in codes:
            holders.setdefault(code, set()).add(report)
    over = {key for key, who in holders.items() if len(who) > cap}
    assert batch(reports, fan_out_cap=cap) == union_find(reports, over)
    # Incrementally, a key links while under the cap and is flagged by the report that
    # takes it over, once.
    plans: list[LinkPlan] = []
    replay(reports, fan_out_cap=cap, plans=plans)
    seen: dict[str, int] = {}
    for codes, plan in zip(reports, plans, strict=True):
        for name in sorted({KEYS[code] for code in codes}):
            before = seen.get(name, 0)
            assert (name in plan.linking) is (before < cap)
            assert (name in plan.newly_flagged) is (before == cap)
            seen[name] = before + 1


@settings(max_examples=200, deadline=None)
@given(reports_st, splits_st)
def test_labels_do_not_depend_on_the_order_of_links(
    reports: list[list[int]], splits: list[tuple[int, int]]
) -> None:
    splits = valid(splits, len(reports))
    rs, ks = edges(reports)
    forward = cluster_batch(rs, ks, n_reports=len(reports), warning_list=NONE, cannot_link=splits)
    backward = cluster_batch(
        rs[::-1], ks[::-1], n_reports=len(reports), warning_list=NONE, cannot_link=splits
    )
    assert forward.labels.tolist() == backward.labels.tolist()
    assert all(label <= report for report, label in enumerate(forward.labels.tolist()))
