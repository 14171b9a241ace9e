"""Requests drafted from a cluster or a cross-border hit, pre-filled with what the
reports say: the facts in numbers, the offence, and the identifiers to act on."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction

from hanoinet.node.audit.actor import Actor
from hanoinet.node.linking.actions import warning_list
from hanoinet.node.linking.models import Cluster, Decision
from hanoinet.node.requests.actions import do_draft_request
from hanoinet.node.requests.models import CooperationRequest
from hanoinet.node.victims.models import ReportedIdentifier, VictimReport

DRAFT_KINDS = frozenset({"police_cooperation", "preservation"})
MAX_IDENTIFIERS = 30
# Kinds of the reporting portal -> kinds of identifier in a request (Convention model).
_REQUEST_KIND = {
    "phone": "phone",
    "email": "email",
    "url": "domain",
    "domain": "domain",
    "iban": "bank_account",
    "bank_account": "bank_account",
    "wallet": "wallet",
    "social": "account",
    "tx_hash": "other",
}


def identifiers_for_request(
    reports: list[int], only: set[str] | None = None
) -> list[dict[str, str]]:
    """The reports' valid identifiers in the request's shape, warning-listed ones left out."""
    listed = warning_list()
    rows = (
        ReportedIdentifier.objects.filter(report_id__in=reports, valid=True)
        .exclude(link_key="")
        .values_list("kind", "value", "link_key")
        .distinct()
        .order_by("link_key")
    )
    found: list[dict[str, str]] = []
    seen: set[str] = set()
    for kind, value, key in rows:
        if key in seen or listed.matches(key) or (only is not None and key not in only):
            continue
        if kind not in _REQUEST_KIND:
            continue  # an IP address needs its moment of use: the officer adds it by hand
        seen.add(key)
        found.append({"kind": _REQUEST_KIND[kind], "value": value})
    return found[:MAX_IDENTIFIERS]


def facts_of(reports: list[VictimReport]) -> str:
    """The reports in numbers: how many, when, how much. No victim is named."""
    losses: dict[str, Decimal] = defaultdict(Decimal)
    for report in reports:
        if report.amount is not None and report.currency:
            losses[report.currency] += report.amount
    dates = sorted(report.submitted_at for report in reports)
    lost = ", ".join(f"{amount:,.2f} {currency}" for currency, amount in sorted(losses.items()))
    text = (
        f"{len(reports)} victim report(s) received"
        f" between {dates[0]:%Y-%m-%d} and {dates[-1]:%Y-%m-%d}"
    )
    return f"{text}; reported losses: {lost}." if lost else f"{text}."


@transaction.atomic
def do_draft_from_reports(
    actor: Actor,
    *,
    kind: str,
    counterpart: str,
    report_ids: list[int],
    cluster: Cluster | None = None,
    only_keys: set[str] | None = None,
    note: str = "",
) -> CooperationRequest:
    if kind not in DRAFT_KINDS:
        raise ValueError(
            f"a request drafted from reports is one of {', '.join(sorted(DRAFT_KINDS))}"
        )
    reports = list(VictimReport.objects.filter(pk__in=report_ids).order_by("submitted_at"))
    if not reports:
        raise ValueError("no reports to draft from")
    offences = sorted({report.offence for report in reports})
    fields: dict[str, Any] = {
        "facts": facts_of(reports) + (f"\n{note}" if note else ""),
        "offences": [{"code": code, "provision": ""} for code in offences],
        "identifiers": identifiers_for_request(report_ids, only_keys),
    }
    request = do_draft_request(actor, kind=kind, counterpart=counterpart, fields=fields)
    if cluster is not None and cluster.case_id is not None:
        request.case_id = cluster.case_id
        request.save(update_fields=["case"])
    if cluster is not None and actor.user is not None:
        Decision.objects.create(
            cluster=cluster,
            kind="draft",
            reason=f"{kind} to {counterpart}",
            details={"request": str(request.code)},
            actor=actor.user,
        )
    return request
