"""Incremental linking: one new report, one plan the node can carry out."""

from __future__ import annotations

import pytest

from hanoinet.core.linking import (
    UNSEEN,
    KeyStat,
    LinkAction,
    LinkingError,
    LinkPlan,
    Suppression,
    SuppressReason,
    WarningList,
    plan_link,
)

NONE = WarningList()
PHONE = "phone:+84912345678"
WALLET = "wallet:bitcoin:bc1qexample"
IBAN = "iban:VN00EXAMPLE"


def held(reports: int, *clusters: int, vetted: bool = False) -> KeyStat:
    return KeyStat(reports=reports, clusters=frozenset(clusters), vetted=vetted)


def test_a_report_without_known_keys_starts_a_cluster() -> None:
    assert plan_link([PHONE, PHONE], {}) == LinkPlan(
        LinkAction.NEW, None, linking=frozenset({PHONE})
    )
    assert plan_link([], {}) == LinkPlan(LinkAction.NEW, None)
    assert KeyStat() == UNSEEN


def test_a_report_joins_the_one_cluster_it_reaches() -> None:
    stats = {PHONE: held(2, 5), WALLET: held(1, 5)}
    plan = plan_link([PHONE, WALLET, IBAN], stats)
    assert (plan.action, plan.cluster, plan.absorbed) == (LinkAction.JOIN, 5, ())
    assert plan.linking == {PHONE, WALLET, IBAN}


def test_a_report_reaching_several_clusters_merges_them_into_the_oldest() -> None:
    stats = {PHONE: held(3, 9, 4), WALLET: held(1, 6)}
    plan = plan_link([WALLET, PHONE], stats)
    assert (plan.action, plan.cluster, plan.absorbed) == (LinkAction.MERGE, 4, (6, 9))


def test_warning_listed_keys_never_link() -> None:
    stats = {"domain:t.me": held(40, 1, 2), PHONE: held(1, 3)}
    plan = plan_link(["domain:t.me", PHONE], stats)
    assert (plan.action, plan.cluster) == (LinkAction.JOIN, 3)
    assert plan.suppressed == (Suppression("domain:t.me", SuppressReason.WARNING_LIST, 41),)
    assert plan.newly_flagged == ()
    only_listed = plan_link(["domain:t.me"], stats)
    assert (only_listed.action, only_listed.linking) == (LinkAction.NEW, frozenset())


def test_the_report_that_crosses_the_cap_flags_the_key_once() -> None:
    stats = {PHONE: held(3, 1, 2)}
    below = plan_link([PHONE], stats, fan_out_cap=4)
    assert (below.action, below.cluster, below.absorbed) == (LinkAction.MERGE, 1, (2,))
    crossing = plan_link([PHONE], stats, fan_out_cap=3)
    assert crossing.action is LinkAction.NEW
    assert crossing.suppressed == (Suppression(PHONE, SuppressReason.FAN_OUT, 4),)
    assert crossing.newly_flagged == (PHONE,)
    assert crossing.recheck == (1, 2)
    beyond = plan_link([PHONE], stats, fan_out_cap=2)
    assert beyond.suppressed == (Suppression(PHONE, SuppressReason.FAN_OUT, 4),)
    assert (beyond.newly_flagged, beyond.recheck) == ((), ())


def test_recheck_names_clusters_after_the_merge() -> None:
    stats = {PHONE: held(2, 7, 9), WALLET: held(1, 3), IBAN: held(1, 7)}
    plan = plan_link([PHONE, WALLET, IBAN], stats, fan_out_cap=2)
    assert (plan.action, plan.cluster, plan.absorbed) == (LinkAction.MERGE, 3, (7,))
    assert plan.newly_flagged == (PHONE,)
    assert plan.recheck == (3, 9)


def test_vetted_keys_link_beyond_the_cap_and_no_cap_means_none() -> None:
    assert plan_link([PHONE], {PHONE: held(500, 8, vetted=True)}).cluster == 8
    assert plan_link([PHONE], {PHONE: held(10**6, 8)}, fan_out_cap=None).cluster == 8
    assert plan_link([PHONE], {PHONE: held(500, 8)}).suppressed[0].reason == "fan_out"


def test_the_operator_list_applies() -> None:
    plan = plan_link([PHONE], {PHONE: held(1, 2)}, warning_list=WarningList([PHONE]))
    assert plan.action is LinkAction.NEW
    assert plan_link(["domain:t.me"], {"domain:t.me": held(1, 2)}, warning_list=NONE).cluster == 2


def test_split_decisions_keep_clusters_apart() -> None:
    stats = {PHONE: held(2, 1, 2), WALLET: held(1, 3)}
    # 1 is joined first, so 2 (apart from 1) is left alone; 3 is free to join.
    plan = plan_link([PHONE, WALLET], stats, apart=[(2, 1)])
    assert (plan.action, plan.cluster, plan.absorbed, plan.kept_apart) == (
        LinkAction.MERGE,
        1,
        (3,),
        (2,),
    )
    # The new report itself must stay out of 1: it joins 2 and 3, which may merge.
    plan = plan_link([PHONE, WALLET], stats, apart=[(1, 2)], apart_from_new=[1])
    assert (plan.cluster, plan.absorbed, plan.kept_apart) == (2, (3,), (1,))
    # Apart from every cluster it reaches: a new cluster.
    plan = plan_link([WALLET], stats, apart_from_new=[3])
    assert (plan.action, plan.cluster, plan.kept_apart) == (LinkAction.NEW, None, (3,))


def test_a_bad_cap_is_refused() -> None:
    with pytest.raises(LinkingError):
        plan_link([PHONE], {}, fan_out_cap=0)
