"""Every change to victims' reports: submission from the public portal, what the victim
adds later, what officers share back, and victim support's work. Each is audited."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from hanoinet.core.identifiers import Identifier, IdentifierKind, normalise
from hanoinet.core.reporting import (
    MAX_IDENTIFIERS,
    Category,
    Contact,
    Payment,
    Problem,
    ReportProblem,
    Update,
    check_report,
    new_reference,
    new_secret,
    parse_amount,
    secret_digest,
    secrets_match,
    sniff_media_type,
)
from hanoinet.node.accounts.models import User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.actor import Actor
from hanoinet.node.audit.record import Outcome, record
from hanoinet.node.evidence.actions import ItemError, do_ingest_item
from hanoinet.node.victims.models import (
    ReportedIdentifier,
    ReportFile,
    StatusUpdate,
    SupportNote,
    VictimAddition,
    VictimReport,
)

SNIFF_BYTES = 512
_IBAN_START = re.compile(r"^[A-Za-z]{2}[0-9]{2}[A-Za-z0-9]{10,}$")
MAX_FILES = 5
SUPPORT_ROLES = frozenset({Role.VICTIM_SUPPORT})
SHARING_ROLES = frozenset({Role.VICTIM_SUPPORT, Role.ANALYST, Role.INVESTIGATOR})


class ReportError(ValueError):
    """The report cannot be taken as it is; ``problems`` name each field."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(", ".join(f"{p.field}: {p.code}" for p in problems))
        self.problems = problems


class FloodError(ValueError):
    """Too many reports from one address in the last hour."""


class UploadError(ValueError):
    """A file was refused; the message says why (size, type, count)."""


@dataclass(frozen=True, slots=True)
class Upload:
    name: str
    stream: BinaryIO
    size: int


@dataclass(frozen=True, slots=True)
class ReportInput:
    category: str
    what_happened: str
    language: str
    happened_on: date | None = None
    amount: str = ""
    currency: str = ""
    payment: str = Payment.NONE
    transaction_hash: str = ""
    contact: str = Contact.NONE
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    consent: bool = False
    identifiers: list[tuple[str, str]] = field(default_factory=list)
    files: list[Upload] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Submitted:
    report: VictimReport
    secret: str  # shown once to the victim; the node keeps only its keyed hash


def _pepper() -> bytes:
    return hashlib.sha256(b"hanoinet-victim-secret:" + settings.SECRET_KEY.encode()).digest()


def source_digest(client_ip: str | None) -> str:
    key = hashlib.sha256(b"hanoinet-portal-source:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, (client_ip or "unknown").encode(), hashlib.sha256).hexdigest()


def check_secret(report: VictimReport, secret: str) -> bool:
    return secrets_match(secret, report.secret_digest, pepper=_pepper())


def _flooding(digest: str) -> bool:
    since = timezone.now() - timedelta(hours=1)
    recent = VictimReport.objects.filter(source_digest=digest, submitted_at__gte=since).count()
    return recent >= settings.HANOINET_PORTAL_REPORTS_PER_HOUR


def default_region() -> str | None:
    """The alpha-2 code of this node's State: national phone numbers are read as its."""
    import pycountry

    country = pycountry.countries.get(alpha_3=settings.HANOINET_STATE)
    return country.alpha_2 if country is not None else None


def _normalise_line(kind: str, text: str, region: str | None) -> Identifier:
    """One line of a portal box. Victims type a bank account as "bank, account" and a
    handle as "platform @handle"; an IBAN can arrive in the bank box too."""
    first, _space, rest = text.partition(" ")
    if kind == IdentifierKind.BANK_ACCOUNT:
        if _IBAN_START.match(text.replace(" ", "")):
            return normalise(IdentifierKind.IBAN, text)
        if rest.strip():
            return normalise(kind, rest.strip(), default_region=region, bank=first.strip(",:"))
    if kind == IdentifierKind.SOCIAL and rest.strip() and not re.search(r"[./]", first):
        return normalise(kind, rest.strip(), platform=first.strip(",:").lower())
    return normalise(kind, text, default_region=region)


def _identifier_rows(report: VictimReport, pairs: list[tuple[str, str]]) -> None:
    region = default_region()
    seen: set[tuple[str, str]] = set()
    rows = []
    for kind, raw in pairs:
        text = raw.strip()
        if not text or (kind, text) in seen:
            continue
        seen.add((kind, text))
        found = _normalise_line(kind, text, region)
        rows.append(
            ReportedIdentifier(
                report=report,
                kind=kind,
                raw=text[:512],
                value=(found.value or "")[:512],
                valid=found.valid,
                problem=found.problem.code.value if found.problem else "",
                link_key=(found.link_key or "")[:600],
            )
        )
    ReportedIdentifier.objects.bulk_create(rows)


def _check_uploads(files: list[Upload]) -> list[str]:
    """The accepted media type of each file, or UploadError naming the file at fault."""
    if len(files) > MAX_FILES:
        raise UploadError(f"at most {MAX_FILES} files")
    types = []
    for upload in files:
        if upload.size > settings.HANOINET_PORTAL_MAX_FILE_BYTES:
            raise UploadError(f"{upload.name}: larger than the limit")
        head = upload.stream.read(SNIFF_BYTES)
        upload.stream.seek(0)
        media_type = sniff_media_type(head)
        if media_type is None:
            raise UploadError(f"{upload.name}: not a picture, PDF or text file")
        types.append(media_type)
    return types


def _store_files(actor: Actor, report: VictimReport, files: list[Upload]) -> None:
    types = _check_uploads(files)
    for upload, media_type in zip(files, types, strict=True):
        try:
            item = do_ingest_item(
                actor,
                upload.stream,
                filename=upload.name[:255] or "upload",
                description=f"Victim's upload to report {report.reference}",
                source_kind="victim_upload",
                acquired_by=f"victim portal, report {report.reference}",
                method="uploaded by the victim through the public portal",
                tool="hanoinet victim portal",
                media_type=media_type,
            )
        except ItemError as exc:
            raise UploadError(f"{upload.name}: {exc}") from None
        ReportFile.objects.create(report=report, item=item)


def do_submit_report(actor: Actor, data: ReportInput) -> Submitted:
    """Take a victim's report: checked, normalised, stored with its files, linked."""
    from hanoinet.node.linking.actions import do_link_report

    problems = check_report(
        category=data.category,
        what_happened=data.what_happened,
        amount=data.amount,
        currency=data.currency,
        consent=data.consent,
        contact=data.contact,
        contact_email=data.contact_email,
        contact_phone=data.contact_phone,
        identifier_count=len(data.identifiers),
    )
    known_kinds = {kind.value for kind in IdentifierKind}
    if any(kind not in known_kinds for kind, _raw in data.identifiers):
        problems.append(Problem("identifiers", ReportProblem.MISSING))
    if problems:
        raise ReportError(problems)
    digest = source_digest(actor.client_ip)
    if _flooding(digest):
        record(
            actor,
            "victim.report",
            outcome=Outcome.DENIED,
            object_type="victims.report",
            reason="too many reports from this address",
        )
        raise FloodError("too many reports from this address; please try again later")
    _check_uploads(data.files)
    secret = new_secret()
    category = Category(data.category)
    with transaction.atomic():
        report = VictimReport.objects.create(
            reference=new_reference(),
            secret_digest=secret_digest(secret, pepper=_pepper()),
            language=data.language[:10],
            category=category,
            offence=category.offence.value,
            what_happened=data.what_happened.strip(),
            happened_on=data.happened_on,
            amount=parse_amount(data.amount),
            currency=data.currency.strip().upper()[:3] if data.amount.strip() else "",
            payment=data.payment if data.payment in Payment.__members__.values() else "other",
            transaction_hash=data.transaction_hash.strip()[:200],
            contact=data.contact,
            contact_name=data.contact_name.strip()[:200],
            contact_email=data.contact_email.strip()[:254],
            contact_phone=data.contact_phone.strip()[:50],
            consent_at=timezone.now(),
            source_digest=digest,
        )
        _identifier_rows(report, data.identifiers)
        _store_files(actor, report, data.files)
        record(actor, "victim.report", report, extra={"category": category.value})
        do_link_report(actor, report)
    return Submitted(report=report, secret=secret)


def do_add_information(
    actor: Actor,
    report: VictimReport,
    *,
    text: str,
    identifiers: list[tuple[str, str]],
    files: list[Upload],
) -> VictimAddition | None:
    """The victim comes back with more: text, identifiers, files. New identifiers link."""
    from hanoinet.node.linking.actions import do_link_report

    text = text.strip()
    if len(text) > 10000:
        raise ReportError([Problem("text", ReportProblem.TOO_LONG)])
    if not text and not identifiers and not files:
        raise ReportError([Problem("text", ReportProblem.MISSING)])
    if report.identifiers.count() + len(identifiers) > MAX_IDENTIFIERS:
        raise ReportError([Problem("identifiers", ReportProblem.TOO_MANY)])
    _check_uploads(files)
    with transaction.atomic():
        addition = VictimAddition.objects.create(report=report, text=text) if text else None
        _identifier_rows(report, identifiers)
        _store_files(actor, report, files)
        report.updated_at = timezone.now()
        report.save(update_fields=["updated_at"])
        record(
            actor,
            "victim.add",
            report,
            extra={"identifiers": len(identifiers), "files": len(files)},
        )
        if identifiers:
            do_link_report(actor, report)
    return addition


def _require(actor: Actor, roles: frozenset[str]) -> User:
    if actor.user is None or not actor.user.has_role(*roles):
        raise PermissionDenied
    return actor.user


def do_share_update(
    actor: Actor, reports: list[VictimReport], kind: str, *, state: str = ""
) -> int:
    """Tell victims something in plain language; the number of reports that got it new."""
    _require(actor, SHARING_ROLES)
    update = Update(kind)
    state = state.strip().upper()[:3]
    if update.names_state and not state:
        raise ValueError(f"the update {update.value!r} names a State")
    if not update.names_state:
        state = ""
    added = 0
    with transaction.atomic():
        for report in reports:
            try:
                with transaction.atomic():
                    StatusUpdate.objects.create(
                        report=report, kind=update, state=state, shared_by=actor.user
                    )
            except IntegrityError:
                continue  # already told
            added += 1
            record(actor, "victim.share", report, extra={"kind": update.value, "state": state})
    return added


def do_add_note(actor: Actor, report: VictimReport, *, kind: str, text: str) -> SupportNote:
    author = _require(actor, SUPPORT_ROLES)
    if kind not in SupportNote.Kind.values:
        raise ValueError(f"kind must be one of {', '.join(SupportNote.Kind.values)}")
    if not text.strip():
        raise ValueError("the note is empty")
    with transaction.atomic():
        note = SupportNote.objects.create(
            report=report, kind=kind, text=text.strip()[:10000], author=author
        )
        if report.triage == VictimReport.Triage.NEW:
            report.triage = VictimReport.Triage.IN_REVIEW
            report.save(update_fields=["triage"])
        record(actor, "victim.note", report, extra={"kind": kind})
    return note


def do_set_triage(actor: Actor, report: VictimReport, triage: str) -> VictimReport:
    _require(actor, SUPPORT_ROLES)
    if triage not in VictimReport.Triage.values:
        raise ValueError(f"triage must be one of {', '.join(VictimReport.Triage.values)}")
    with transaction.atomic():
        before = report.triage
        report.triage = triage
        report.save(update_fields=["triage"])
        record(actor, "victim.triage", report, extra={"from": before, "to": triage})
    return report
