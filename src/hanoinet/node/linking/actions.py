"""Every change to clusters: a report linked on arrival, analysts' merges and splits,
vetting a flagged identifier, promoting a cluster to a case, drafting a request from it,
and the batch rebuild. The decisions themselves are made in ``hanoinet.core.linking``."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from hanoinet.core.linking.batch import cluster_batch
from hanoinet.core.linking.errors import LinkingError
from hanoinet.core.linking.incremental import KeyStat, LinkAction, plan_link
from hanoinet.core.linking.policy import DEFAULT_WARNING_LIST, WarningList
from hanoinet.node.accounts.models import User
from hanoinet.node.audit.actor import Actor
from hanoinet.node.audit.record import record
from hanoinet.node.cases.actions import do_open_case
from hanoinet.node.cases.models import Case
from hanoinet.node.linking.access import ANALYST_ROLES
from hanoinet.node.linking.models import (
    Cluster,
    Decision,
    FlaggedIdentifier,
    LinkLock,
    ManualLink,
    Membership,
    WarningEntry,
)
from hanoinet.node.victims.models import ReportedIdentifier, VictimReport

MAX_REASON = 500


class LinkingActionError(ValueError):
    """An analyst's decision that cannot be carried out; the message says why."""


def warning_list() -> WarningList:
    """The built-in list and this node's own entries."""
    own = WarningList(WarningEntry.objects.values_list("pattern", flat=True))
    return DEFAULT_WARNING_LIST | own


def _lock() -> None:
    LinkLock.objects.get_or_create(name="linking")
    LinkLock.objects.select_for_update().get(name="linking")


def _key_stats(keys: set[str], exclude_report: int, *, cap: int | None) -> dict[str, KeyStat]:
    """What ``plan_link`` needs to know of each key.

    A key that is not vetted is read only as far as ``cap + 1`` holders: past the cap it
    links nothing, so its ``reports`` may stop at ``cap + 1`` and its ``clusters`` be
    partial without changing the plan. A platform or a campaign's main wallet held by
    thousands of reports then costs no more than a rare identifier: the index on
    ``(link_key, report)`` gives the holders in order, and the scan stops there."""
    vetted = set(
        FlaggedIdentifier.objects.filter(link_key__in=keys, vetted_at__isnull=False).values_list(
            "link_key", flat=True
        )
    )
    holders: dict[str, list[int]] = {}
    for key in keys:
        rows = (
            ReportedIdentifier.objects.filter(link_key=key)
            .exclude(report_id=exclude_report)
            .order_by("report_id")
            .values_list("report_id", flat=True)
            .distinct()
        )
        holders[key] = list(rows if cap is None or key in vetted else rows[: cap + 1])
    report_ids = sorted({report_id for ids in holders.values() for report_id in ids})
    cluster_of: dict[int, int] = {}
    for start in range(0, len(report_ids), 10_000):  # within SQLite's parameter limit
        cluster_of.update(
            Membership.objects.filter(report_id__in=report_ids[start : start + 10_000]).values_list(
                "report_id", "cluster_id"
            )
        )
    return {
        key: KeyStat(
            reports=len(ids),
            clusters=frozenset(cluster_of[r] for r in ids if r in cluster_of),
            vetted=key in vetted,
        )
        for key, ids in holders.items()
    }


def _fold(survivor: Cluster, others: list[Cluster]) -> None:
    """Move every report of ``others`` into ``survivor``; the others point to it."""
    if not others:
        return
    ids = [cluster.pk for cluster in others]
    Membership.objects.filter(cluster_id__in=ids).update(cluster=survivor)
    Cluster.objects.filter(pk__in=ids).update(merged_into=survivor, size=0)
    # A case opened from an absorbed cluster stays reachable from the survivor.
    if survivor.case_id is None:
        survivor.case_id = next((c.case_id for c in others if c.case_id is not None), None)


def _refresh_size(cluster: Cluster) -> None:
    cluster.size = Membership.objects.filter(cluster=cluster).count()
    cluster.updated_at = timezone.now()
    cluster.save(update_fields=["size", "updated_at", "case"])


def do_link_report(actor: Actor, report: VictimReport) -> Cluster:
    """Put a report (new, or with new identifiers) into its cluster, merging clusters it
    bridges. Runs inside the caller's transaction."""
    with transaction.atomic():
        _lock()
        keys = set(report.identifiers.exclude(link_key="").values_list("link_key", flat=True))
        cap = settings.HANOINET_LINK_FAN_OUT_CAP
        stats = _key_stats(keys, report.pk, cap=cap)
        plan = plan_link(keys, stats, warning_list=warning_list(), fan_out_cap=cap)
        for key in plan.newly_flagged:
            FlaggedIdentifier.objects.get_or_create(
                link_key=key, defaults={"report_count": stats[key].reports + 1}
            )
        current = Membership.objects.filter(report=report).select_related("cluster").first()
        wanted = ([plan.cluster] if plan.cluster is not None else []) + list(plan.absorbed)
        if current is not None:
            wanted.append(current.cluster_id)
        clusters = sorted(Cluster.objects.filter(pk__in=set(wanted)), key=lambda c: c.pk)
        survivor = clusters[0] if clusters else Cluster.objects.create()
        _fold(survivor, clusters[1:])
        Membership.objects.update_or_create(report=report, defaults={"cluster": survivor})
        _refresh_size(survivor)
        record(
            actor,
            "cluster.link",
            survivor,
            extra={
                "report": report.reference,
                "action": plan.action.value if current is None else LinkAction.JOIN.value,
                "absorbed": len(clusters) - 1,
                "suppressed": [s.key for s in plan.suppressed],
                "flagged": list(plan.newly_flagged),
            },
        )
    return survivor


def _analyst(actor: Actor) -> User:
    if actor.user is None or not actor.user.has_role(*ANALYST_ROLES):
        raise PermissionDenied
    return actor.user


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise LinkingActionError("give the reason for this decision")
    return reason[:MAX_REASON]


def _decide(actor: Actor, cluster: Cluster, kind: str, reason: str, **details: Any) -> None:
    Decision.objects.create(
        cluster=cluster, kind=kind, reason=reason, details=details, actor=_analyst(actor)
    )
    record(actor, f"cluster.{kind}", cluster, reason=reason, extra=details)


@transaction.atomic
def do_merge_clusters(actor: Actor, cluster: Cluster, other: Cluster, *, reason: str) -> Cluster:
    """An analyst's merge of two clusters that share no identifier, with a reason; kept as
    a manual link so that a rebuild does not undo it."""
    user = _analyst(actor)
    reason = _reason(reason)
    if cluster.pk == other.pk:
        raise LinkingActionError("a cluster cannot be merged with itself")
    if cluster.merged_into_id is not None or other.merged_into_id is not None:
        raise LinkingActionError("this cluster was already merged into another")
    _lock()
    survivor, absorbed = sorted([cluster, other], key=lambda c: c.pk)
    first = Membership.objects.filter(cluster=survivor).order_by("report_id").first()
    second = Membership.objects.filter(cluster=absorbed).order_by("report_id").first()
    if first is None or second is None:
        raise LinkingActionError("an empty cluster cannot be merged")
    ManualLink.objects.create(
        report_a_id=first.report_id,
        report_b_id=second.report_id,
        reason=reason,
        added_by=user,
    )
    _fold(survivor, [absorbed])
    _refresh_size(survivor)
    _decide(actor, survivor, "merge", reason, absorbed=str(absorbed.code))
    return survivor


@transaction.atomic
def do_split_on_identifier(actor: Actor, cluster: Cluster, link_key: str, *, reason: str) -> int:
    """An analyst finds that an identifier links reports falsely (a hotline, a platform):
    it goes on this node's warning list and the cluster's reports are linked again
    without it. Returns the number of clusters the reports now form."""
    _analyst(actor)
    reason = _reason(reason)
    report_ids = list(
        Membership.objects.filter(cluster=cluster).values_list("report_id", flat=True)
    )
    if not ReportedIdentifier.objects.filter(report_id__in=report_ids, link_key=link_key).exists():
        raise LinkingActionError("no report of this cluster holds this identifier")
    _lock()
    WarningEntry.objects.get_or_create(
        pattern=link_key, defaults={"reason": reason, "added_by": actor.user}
    )
    parts = _relink(report_ids, keep=cluster)
    _decide(actor, cluster, "split", reason, identifier=link_key, parts=parts)
    return parts


def _relink(report_ids: list[int], *, keep: Cluster | None) -> int:
    """Cluster these reports again among themselves (warning list, cap and manual links
    applied); the part holding the oldest report keeps ``keep``."""
    rows = list(
        ReportedIdentifier.objects.filter(report_id__in=report_ids)
        .exclude(link_key="")
        .values_list("report_id", "link_key")
    )
    manual = [
        (a, b)
        for a, b in ManualLink.objects.filter(
            report_a_id__in=report_ids, report_b_id__in=report_ids
        ).values_list("report_a_id", "report_b_id")
    ]
    vetted = set(
        FlaggedIdentifier.objects.filter(vetted_at__isnull=False).values_list("link_key", flat=True)
    )
    groups = _groups(sorted(report_ids), rows, manual, vetted)
    return _apply_groups(groups, keep=keep)


def _groups(
    report_ids: list[int],
    rows: list[tuple[int, str]],
    manual: list[tuple[int, int]],
    vetted: set[str],
) -> list[list[int]]:
    """The clusters of these reports (ascending ids), through the core's batch linking."""
    position = {report_id: index for index, report_id in enumerate(report_ids)}
    names = sorted({key for _report, key in rows})
    key_code = {key: index for index, key in enumerate(names)}
    pairs = [(position[r], key_code[k]) for r, k in rows if r in position]
    result = cluster_batch(
        np.array([p[0] for p in pairs], dtype=np.int64),
        np.array([p[1] for p in pairs], dtype=np.int64),
        n_reports=len(report_ids),
        key_names=names,
        warning_list=warning_list(),
        fan_out_cap=settings.HANOINET_LINK_FAN_OUT_CAP,
        vetted=np.array([key_code[k] for k in vetted if k in key_code], dtype=np.int64),
        must_link=np.array(
            [(position[a], position[b]) for a, b in manual if a in position and b in position],
            dtype=np.int64,
        ).reshape(-1, 2),
    )
    members: dict[int, list[int]] = defaultdict(list)
    for index, label in enumerate(result.labels.tolist()):
        members[label].append(report_ids[index])
    return list(members.values())


def _apply_groups(groups: list[list[int]], *, keep: Cluster | None) -> int:
    ordered = sorted(groups, key=min)
    for index, members in enumerate(ordered):
        cluster = keep if (index == 0 and keep is not None) else Cluster.objects.create()
        Membership.objects.filter(report_id__in=members).update(cluster=cluster)
        _refresh_size(cluster)
    return len(ordered)


@transaction.atomic
def do_vet_identifier(actor: Actor, flagged: FlaggedIdentifier) -> FlaggedIdentifier:
    """An analyst checked an identifier over the fan-out cap: it may link from now on."""
    _analyst(actor)
    flagged.vetted_by = actor.user
    flagged.vetted_at = timezone.now()
    flagged.save(update_fields=["vetted_by", "vetted_at"])
    record(actor, "cluster.vet", object_type="linking.flagged", object_id=flagged.link_key[:64])
    return flagged


@transaction.atomic
def do_add_warning(actor: Actor, *, pattern: str, reason: str) -> WarningEntry:
    """This node's own addition to the warning list: it links nothing from now on."""
    _analyst(actor)
    reason = _reason(reason)
    pattern = pattern.strip()
    kind, _colon, value = pattern.partition(":")
    if not kind or not value.strip():
        raise LinkingActionError("write the identifier as kind:value, e.g. phone:+84241234567")
    try:
        WarningList([pattern])
    except LinkingError as exc:
        raise LinkingActionError(str(exc)) from None
    entry, created = WarningEntry.objects.get_or_create(
        pattern=pattern, defaults={"reason": reason, "added_by": actor.user}
    )
    if not created:
        raise LinkingActionError("this identifier is already on the warning list")
    record(
        actor,
        "cluster.warning",
        object_type="linking.warning",
        object_id=pattern[:64],
        reason=reason,
    )
    return entry


@transaction.atomic
def do_promote_to_case(actor: Actor, cluster: Cluster, *, reference: str, title: str) -> Case:
    """Open a case for the unit from a cluster; its reports' facts go into the summary."""
    _analyst(actor)
    if cluster.case_id is not None:
        raise LinkingActionError("this cluster already has a case")
    reports = VictimReport.objects.filter(membership__cluster=cluster).order_by("submitted_at")
    total = reports.values("currency").annotate(n=Count("id"))
    summary_lines = [
        f"{report.reference} ({report.submitted_at:%Y-%m-%d}, {report.category}): "
        f"{report.what_happened[:300]}"
        for report in reports[:50]
    ]
    summary = f"Linked victim reports: {cluster.size}.\n" + "\n".join(summary_lines)
    case = do_open_case(actor, reference=reference, title=title, summary=summary[:20000])
    cluster.case = case
    cluster.save(update_fields=["case"])
    _decide(actor, cluster, "promote", f"case {reference}", currencies=list(total))
    return case


def shared_identifiers(cluster: Cluster) -> list[tuple[str, int]]:
    """The identifiers that hold the cluster together, with how many reports hold each."""
    rows = (
        ReportedIdentifier.objects.filter(report__membership__cluster=cluster)
        .exclude(link_key="")
        .values("link_key")
        .annotate(n=Count("report", distinct=True))
        .order_by("-n", "link_key")
    )
    return [(row["link_key"], row["n"]) for row in rows]


def rebuild(actor: Actor) -> tuple[int, int]:
    """Cluster every report again in one batch (after a change of warning list or cap).

    Returns (reports, clusters). Clusters keep their codes where their oldest report
    stays; the rest are new, and emptied clusters point to nothing."""
    with transaction.atomic():
        _lock()
        report_ids = list(VictimReport.objects.order_by("pk").values_list("pk", flat=True))
        for report_id in report_ids:
            Membership.objects.get_or_create(
                report_id=report_id, defaults={"cluster": Cluster.objects.create()}
            )
        rows = list(
            ReportedIdentifier.objects.exclude(link_key="").values_list("report_id", "link_key")
        )
        manual = list(ManualLink.objects.values_list("report_a_id", "report_b_id"))
        vetted = set(
            FlaggedIdentifier.objects.filter(vetted_at__isnull=False).values_list(
                "link_key", flat=True
            )
        )
        groups = _groups(report_ids, rows, manual, vetted)
        current = dict(Membership.objects.values_list("report_id", "cluster_id"))
        used: set[int] = set()
        for members in sorted(groups, key=min):
            keep_id = current[min(members)]
            if keep_id in used:
                cluster = Cluster.objects.create()
            else:
                cluster = Cluster.objects.get(pk=keep_id)
                used.add(keep_id)
            Membership.objects.filter(report_id__in=members).update(cluster=cluster)
            _refresh_size(cluster)
        Cluster.objects.exclude(pk__in=Membership.objects.values("cluster_id")).update(size=0)
        record(
            actor,
            "cluster.rebuild",
            object_type="linking.cluster",
            extra={"reports": len(report_ids), "clusters": len(groups)},
        )
    return len(report_ids), len(groups)
