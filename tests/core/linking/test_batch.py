"""Batch rebuild: components of the report-key graph, bounded, deterministic."""

from __future__ import annotations

import numpy as np
import pytest

from hanoinet.core.linking import (
    BatchClusters,
    LinkingError,
    Suppression,
    SuppressReason,
    WarningList,
    cluster_batch,
    cluster_reports,
    link_in_order,
)

NONE = WarningList()


def labels(reports: list[int], keys: list[int], **options: object) -> list[int]:
    options.setdefault("warning_list", NONE)
    result = cluster_batch(reports, keys, **options)  # type: ignore[arg-type]
    return [int(label) for label in result.labels]


@pytest.mark.parametrize(
    ("reports", "keys", "n_reports", "expected"),
    [
        ([], [], None, []),
        ([], [], 3, [0, 1, 2]),
        ([0], [0], None, [0]),
        ([0, 1], [0, 0], None, [0, 0]),
        ([0, 1], [0, 1], None, [0, 1]),
        ([3, 1, 2, 0], [5, 5, 6, 6], None, [0, 1, 0, 1]),
        ([4, 3, 3, 2, 2, 1], [0, 0, 1, 1, 2, 2], 6, [0, 1, 1, 1, 1, 5]),
        ([0, 0, 0], [7, 7, 7], 2, [0, 1]),
    ],
)
def test_reports_sharing_a_key_share_the_label_of_the_oldest(
    reports: list[int], keys: list[int], n_reports: int | None, expected: list[int]
) -> None:
    assert labels(reports, keys, n_reports=n_reports) == expected


def test_the_result_counts_clusters_and_is_deterministic() -> None:
    first = cluster_batch([0, 1, 3], [0, 0, 1], n_reports=5, warning_list=NONE)
    again = cluster_batch([3, 1, 0], [1, 0, 0], n_reports=5, warning_list=NONE)
    assert first.n_clusters == 4
    assert first.labels.tolist() == again.labels.tolist() == [0, 0, 2, 3, 4]
    assert first.labels.dtype == np.int64
    assert first.kept_apart == 0


def test_warning_listed_keys_do_not_link_and_are_reported() -> None:
    names = ["domain:facebook.com", "phone:+84912345678", "domain:m.facebook.com", "domain:zalo.me"]
    result = cluster_batch(
        [0, 1, 2, 2, 3, 0, 3, 4, 4], [0, 0, 1, 2, 2, 2, 1, 3, 3], n_reports=5, key_names=names
    )
    assert result.labels.tolist() == [0, 1, 2, 2, 4]
    assert result.warned.tolist() == [0, 2]  # zalo.me is listed but kept no link
    assert result.warned_reports.tolist() == [2, 3]
    assert result.suppressions(names) == [
        Suppression("domain:facebook.com", SuppressReason.WARNING_LIST, 2),
        Suppression("domain:m.facebook.com", SuppressReason.WARNING_LIST, 3),
    ]


def test_a_key_over_the_cap_does_not_link_and_is_reported() -> None:
    # key 0 is held by four reports (report 0 twice), key 1 by reports 3 and 4.
    result = cluster_batch(
        [0, 0, 1, 2, 3, 3, 4], [0, 0, 0, 0, 0, 1, 1], fan_out_cap=3, warning_list=NONE
    )
    assert result.labels.tolist() == [0, 1, 2, 3, 3]
    assert result.over_cap.tolist() == [0]
    assert result.over_cap_reports.tolist() == [4]
    assert result.suppressions(["a", "b"]) == [Suppression("a", SuppressReason.FAN_OUT, 4)]


def test_duplicate_links_do_not_count_twice_toward_the_cap() -> None:
    result = cluster_batch([0, 0, 0, 1, 1], [0, 0, 0, 0, 0], fan_out_cap=2, warning_list=NONE)
    assert result.labels.tolist() == [0, 0]
    assert result.over_cap.size == 0


def test_vetted_keys_link_beyond_the_cap() -> None:
    assert labels([0, 1, 2], [0, 0, 0], fan_out_cap=2) == [0, 1, 2]
    assert labels([0, 1, 2], [0, 0, 0], fan_out_cap=2, vetted=[0]) == [0, 0, 0]


def test_no_cap_links_everything_not_warned() -> None:
    names = ["domain:t.me", "x:y"]
    result = cluster_batch([0, 1, 2, 3], [0, 0, 1, 1], fan_out_cap=None, key_names=names)
    assert result.labels.tolist() == [0, 1, 2, 2]
    assert result.over_cap.size == 0
    assert result.warned.tolist() == [0]


def test_the_warning_list_wins_over_vetting() -> None:
    names = ["domain:t.me"]
    result = cluster_batch([0, 1], [0, 0], key_names=names, fan_out_cap=1, vetted=[0])
    assert result.labels.tolist() == [0, 1]
    assert result.warned.tolist() == [0]
    assert result.over_cap.size == 0


def test_must_link_joins_reports_without_a_shared_key() -> None:
    assert labels([0, 1, 2], [0, 1, 1], must_link=[[3, 0]], n_reports=5) == [0, 1, 1, 0, 4]


def test_cannot_link_splits_in_arrival_order() -> None:
    # 0 -a- 1 -b- 2 -c- 3; reports 0 and 2 must stay apart: 2 arrives, reaches the cluster
    # of 0 and 1 through b, is refused, starts its own; 3 then joins 2.
    reports, keys = [0, 1, 1, 2, 2, 3], [0, 0, 1, 1, 2, 2]
    result = cluster_batch(reports, keys, cannot_link=[[2, 0]], warning_list=NONE)
    assert result.labels.tolist() == [0, 0, 2, 2]
    assert result.kept_apart == 1


def test_cannot_link_between_separate_clusters_changes_nothing() -> None:
    result = cluster_batch([0, 1, 2, 3], [0, 0, 1, 1], cannot_link=[[0, 3]], warning_list=NONE)
    assert result.labels.tolist() == [0, 0, 2, 2]
    assert result.kept_apart == 0


def test_only_cut_clusters_are_relinked() -> None:
    # Two clusters; the split touches the second only, which must_link also joins.
    reports, keys = [0, 1, 2, 3, 4], [0, 0, 1, 1, 1]
    result = cluster_batch(
        reports,
        keys,
        n_reports=7,
        must_link=[[5, 2], [6, 0]],
        cannot_link=[[4, 2]],
        warning_list=NONE,
    )
    assert result.labels.tolist() == [0, 0, 2, 2, 4, 2, 0]
    assert result.kept_apart == 1


def test_a_merge_decision_cannot_override_a_split() -> None:
    result = cluster_batch(
        [0, 1], [0, 1], must_link=[[0, 1]], cannot_link=[[1, 0]], warning_list=NONE
    )
    assert result.labels.tolist() == [0, 1]


@pytest.mark.parametrize(
    ("reports", "keys", "options", "message"),
    [
        ([0, 1], [0], {}, "one entry per link"),
        ([[0, 1]], [[0, 1]], {}, "one-dimensional"),
        ([0.5], [0], {}, "integer codes"),
        ([-1], [0], {}, "negative"),
        ([0], [-2], {}, "negative"),
        ([3], [0], {"n_reports": 2}, "n_reports=2"),
        ([0], [0], {"warning_list": WarningList(["x:y"])}, "needs key_names"),
        ([0], [1], {"key_names": ["x:y"]}, "key code"),
        ([0], [0], {"vetted": [1]}, "vetted"),
        ([0], [0], {"must_link": [0, 0]}, "shape"),
        ([0], [0], {"must_link": [[0, 0.5]]}, "shape"),
        ([0], [0], {"cannot_link": [[0, 1]]}, "outside"),
        ([0, 1], [0, 0], {"cannot_link": [[-1, 1]]}, "outside"),
        ([0, 1], [0, 0], {"cannot_link": [[1, 1]]}, "itself"),
        ([0], [0], {"fan_out_cap": 0}, "fan_out_cap"),
    ],
)
def test_bad_input_is_refused(
    reports: object, keys: object, options: dict[str, object], message: str
) -> None:
    options.setdefault("warning_list", NONE)
    with pytest.raises(LinkingError, match=message):
        cluster_batch(reports, keys, **options)  # type: ignore[arg-type]


def test_unsigned_and_narrow_codes_are_accepted() -> None:
    result = cluster_batch(
        np.array([0, 1], dtype=np.uint8), np.array([0, 0], dtype=np.int16), warning_list=NONE
    )
    assert isinstance(result, BatchClusters)
    assert result.labels.tolist() == [0, 0]


def test_link_in_order_without_splits_is_union_find() -> None:
    assert link_in_order({2: ["a"], 0: ["b"], 1: ["a", "b"], 3: []}, {}) == {
        0: 0,
        1: 0,
        2: 0,
        3: 3,
    }


def test_link_in_order_keeps_a_group_apart_from_what_its_members_refuse() -> None:
    # 2 joins 0 (via a); 3 reaches both {0, 2} (via b) and 1 (via c); 1 must avoid 2.
    holdings = {0: ["a"], 1: ["c"], 2: ["a", "b"], 3: ["b", "c"]}
    assert link_in_order(holdings, {1: [2], 2: [1]}) == {0: 0, 1: 1, 2: 0, 3: 0}


def test_cluster_reports_names_clusters_by_their_oldest_report() -> None:
    clusters, suppressed = cluster_reports(
        {
            "R-9": ["iban:VN00EXAMPLE"],
            "R-2": ["phone:+84912345678", "iban:VN00EXAMPLE"],
            "R-5": ["phone:+84912345678"],
            "R-7": ["phone:+84912345678", "domain:zalo.me"],
            "R-1": ["domain:zalo.me", "domain:t.me"],
        },
        fan_out_cap=2,
        vetted=["iban:VN00EXAMPLE", "never:seen"],
        cannot_link=[("R-9", "R-5")],
    )
    assert clusters == {"R-9": "R-9", "R-2": "R-9", "R-5": "R-5", "R-7": "R-7", "R-1": "R-1"}
    assert suppressed == [
        Suppression("domain:zalo.me", SuppressReason.WARNING_LIST, 2),
        Suppression("phone:+84912345678", SuppressReason.FAN_OUT, 3),
    ]
