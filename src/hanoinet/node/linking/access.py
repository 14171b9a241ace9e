"""The only ways to reach clusters: analysts and investigators read them, each read is
audited; victims learn only how many other reports theirs is linked to."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404

from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.actor import Actor
from hanoinet.node.audit.record import Outcome, record
from hanoinet.node.linking.models import Cluster, FlaggedIdentifier, Membership
from hanoinet.node.victims.models import VictimReport

ANALYST_ROLES = frozenset({Role.ANALYST, Role.INVESTIGATOR})


def may_analyse(actor: Actor) -> bool:
    return actor.user is not None and actor.user.has_role(*ANALYST_ROLES)


def cluster_of_report(report: VictimReport) -> Cluster | None:
    membership = Membership.objects.filter(report=report).select_related("cluster").first()
    return membership.cluster if membership is not None else None


def linked_report_count(report: VictimReport) -> int:
    """How many other reports share the victim's cluster: a number, nothing about them."""
    cluster = cluster_of_report(report)
    return max(cluster.size - 1, 0) if cluster is not None else 0


def clusters_for_user(actor: Actor, *, min_size: int = 2) -> QuerySet[Cluster]:
    if not may_analyse(actor):
        return Cluster.objects.none()
    clusters = Cluster.objects.filter(merged_into__isnull=True, size__gte=min_size)
    record(actor, "cluster.list", object_type="linking.cluster", extra={"min_size": min_size})
    return clusters


def get_cluster_for_user(actor: Actor, code: uuid.UUID | str) -> Cluster:
    try:
        if not may_analyse(actor):
            raise Cluster.DoesNotExist
        cluster = Cluster.objects.get(code=code)
    except (Cluster.DoesNotExist, ValueError):
        record(
            actor,
            "cluster.read",
            outcome=Outcome.DENIED,
            object_type="linking.cluster",
            object_id=str(code)[:64],
            reason="missing or not accessible",
        )
        raise Http404("no such cluster") from None
    # A merged cluster's old address leads to where its reports went.
    while cluster.merged_into_id is not None:
        cluster = Cluster.objects.get(pk=cluster.merged_into_id)
    record(actor, "cluster.read", cluster)
    return cluster


def flagged_for_user(actor: Actor) -> QuerySet[FlaggedIdentifier]:
    if not may_analyse(actor):
        return FlaggedIdentifier.objects.none()
    record(actor, "cluster.flagged", object_type="linking.flagged")
    return FlaggedIdentifier.objects.all()
