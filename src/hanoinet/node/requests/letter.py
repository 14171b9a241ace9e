"""The formal letter of a request: every element the article requires, the references of
both sides and a signature block, in a language the requested State accepts."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hanoinet.core.convention import KINDS
from hanoinet.core.convention.elements import Element, ValueType
from hanoinet.core.convention.offences import OFFENCE_LABELS, OffenceCode
from hanoinet.core.convention.validate import is_none_available
from hanoinet.core.jsonio import canonical
from hanoinet.core.letter import Item, Letter, render_pdf
from hanoinet.node.audit.actor import Actor
from hanoinet.node.audit.record import record
from hanoinet.node.convention.text import translate
from hanoinet.node.register.countries import state_name
from hanoinet.node.register.models import RegisterState
from hanoinet.node.requests.models import CooperationRequest

# Register language tags mapped onto the node's own languages.
ALIASES = {"zh": "zh-hans", "zh-cn": "zh-hans", "zh-hans-cn": "zh-hans", "in": "id"}


def our_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def letter_language(request: CooperationRequest) -> tuple[str, list[str]]:
    """The first language the requested State accepts that we can write, else English;
    and the languages it accepts, to show the officer."""
    requested = (
        request.counterpart
        if request.direction == CooperationRequest.Direction.OUTGOING
        else settings.HANOINET_STATE
    )
    accepted = list(
        RegisterState.objects.filter(code=requested).values_list("languages", flat=True).first()
        or []
    )
    ours = our_languages()
    for tag in accepted:
        code = ALIASES.get(str(tag).lower(), str(tag).lower())
        if code in ours:
            return code, accepted
    return "en", accepted


def _text(element: Element, value: Any) -> str:
    if is_none_available(value):
        note = value.get("note")
        text = _("None available") + (f": {note}" if note else "")
    elif element.value_type is ValueType.OFFENCES and isinstance(value, list):
        text = "\n".join(_offence(item) for item in value)
    elif isinstance(value, bool):
        text = _("Yes") if value else _("No")
    elif isinstance(value, dict):
        text = "; ".join(f"{key}: {_flat(item)}" for key, item in value.items())
    elif isinstance(value, list):
        text = "\n".join(f"• {_flat(item)}" for item in value)
    else:
        text = "—" if value is None else str(value)
    return text


def _flat(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_flat(item)}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(_flat(item) for item in value)
    return str(value)


def _offence(item: Any) -> str:
    if not isinstance(item, dict):
        return f"• {_flat(item)}"
    code = str(item.get("code", ""))
    label = (
        translate(OFFENCE_LABELS[OffenceCode(code)]) if code in set(OffenceCode) else code or "—"
    )
    details = [str(item[key]) for key in ("provision",) if item.get(key)]
    if item.get("max_penalty_years") is not None:
        details.append(_("up to %(years)s years") % {"years": item["max_penalty_years"]})
    return f"• {label}" + (f" ({'; '.join(details)})" if details else "")


def build_letter(request: CooperationRequest, language: str) -> Letter:
    kind = KINDS[request.kind]
    outgoing = request.direction == CooperationRequest.Direction.OUTGOING
    requesting, requested = (
        (settings.HANOINET_STATE, request.counterpart)
        if outgoing
        else (request.counterpart, settings.HANOINET_STATE)
    )
    digest = hashlib.sha256(canonical(request.fields)).hexdigest()
    approved = request.events.filter(event="approve").order_by("-at").first()
    drafted = request.events.filter(event="draft").order_by("at").first()
    with translation.override(language):
        article = _("Art. %(number)s") % {"number": kind.article}
        elements = tuple(
            Item(
                translate(element.label),
                _text(element, request.fields.get(element.name)),
                _("Art. %(number)s") % {"number": element.article} if element.article else "",
            )
            for element in kind.elements
        )
        sent = request.events.filter(event__in=("send", "approve", "received")).first()
        ours, theirs = (
            (request.reference, request.their_reference)
            if outgoing
            else (request.their_reference, request.reference)
        )
        return Letter(
            language=language,
            title=translate(kind.title),
            subtitle=_(
                "Request under %(article)s of the United Nations Convention against Cybercrime"
            )
            % {"article": article},
            parties=(
                Item(_("From"), f"{state_name(requesting, language)} ({requesting})"),
                Item(_("To"), f"{state_name(requested, language)} ({requested})"),
                Item(
                    _("Date"),
                    (sent.at if sent else timezone.now()).strftime("%Y-%m-%d %H:%M UTC"),
                ),
                Item(_("Reference of the requesting State"), ours or "—"),
                Item(_("Reference of the requested State"), theirs or "—"),
                Item(_("Urgency"), request.urgency),
            ),
            sections=((_("Content"), elements),),
            signature=(
                Item(
                    _("Requesting authority"),
                    str(request.fields.get("requesting_authority", "")) or "—",
                ),
                Item(_("Drafted by"), drafted.actor_label if drafted else "—"),
                Item(_("Approved by"), approved.actor_label if approved else "—"),
                Item(_("Signature and seal"), "\n\n______________________________"),
                Item(
                    _("Electronic record"),
                    _("Request %(code)s on thread %(thread)s; SHA-256 of its content: %(digest)s")
                    % {"code": request.code, "thread": request.thread_id, "digest": digest},
                ),
            ),
            footer=f"hanoinet · {request.code} · {kind.code} · {requesting}-{requested}",
            metadata={
                "title": translate(kind.title),
                "subject": str(request.code),
                "creator": "hanoinet",
            },
        )


def letter_pdf(actor: Actor, request: CooperationRequest, language: str | None = None) -> bytes:
    """The PDF, audited: a letter carries case data out of the system."""
    chosen = language if language in our_languages() else letter_language(request)[0]
    pdf = render_pdf(build_letter(request, chosen))
    record(actor, "request.letter", request, extra={"language": chosen, "bytes": len(pdf)})
    return pdf
