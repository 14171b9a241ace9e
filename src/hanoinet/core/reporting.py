"""Victim reports: what a victim can tell the public portal, in plain language, and how
it maps onto the Convention (Art. 7-17 offences, Art. 34 protection of victims).

The portal asks "what happened?" in words a victim uses; the node files the answer under
the offence code of the Convention that an officer would use. References given to
victims are random (no sequence to enumerate) and come with a secret that only the
victim holds; the node keeps only the secret's hash.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from hanoinet.core.convention.offences import OffenceCode
from hanoinet.core.convention.text import N_

# Crockford's base32 without the easily confused letters: read aloud over a phone line.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_REFERENCE = re.compile(
    r"^VR-([0-9A-HJKMNP-TV-Z]{4})-([0-9A-HJKMNP-TV-Z]{4})-([0-9A-HJKMNP-TV-Z]{4})$"
)
MAX_TEXT = 10_000
MAX_IDENTIFIERS = 40
MAX_AMOUNT = Decimal("1000000000000")


class Category(StrEnum):
    """What happened, as a victim would say it."""

    INVESTMENT_SCAM = "investment_scam"
    SHOPPING_SCAM = "shopping_scam"
    ROMANCE_SCAM = "romance_scam"
    IMPERSONATION_SCAM = "impersonation_scam"
    ACCOUNT_HACKED = "account_hacked"
    RANSOMWARE = "ransomware"
    INTIMATE_IMAGES = "intimate_images"
    CHILD_ABUSE = "child_abuse"
    IDENTITY_THEFT = "identity_theft"
    OTHER = "other"

    @property
    def offence(self) -> OffenceCode:
        return _OFFENCE_OF[self]


_OFFENCE_OF: dict[Category, OffenceCode] = {
    Category.INVESTMENT_SCAM: OffenceCode.THEFT_OR_FRAUD,
    Category.SHOPPING_SCAM: OffenceCode.THEFT_OR_FRAUD,
    Category.ROMANCE_SCAM: OffenceCode.THEFT_OR_FRAUD,
    Category.IMPERSONATION_SCAM: OffenceCode.THEFT_OR_FRAUD,
    Category.ACCOUNT_HACKED: OffenceCode.ILLEGAL_ACCESS,
    Category.RANSOMWARE: OffenceCode.SYSTEM_INTERFERENCE,
    Category.INTIMATE_IMAGES: OffenceCode.INTIMATE_IMAGES,
    Category.CHILD_ABUSE: OffenceCode.CHILD_SEXUAL_ABUSE_MATERIAL,
    Category.IDENTITY_THEFT: OffenceCode.FORGERY,
    Category.OTHER: OffenceCode.OTHER,
}

CATEGORY_LABELS: dict[Category, str] = {
    Category.INVESTMENT_SCAM: N_("Someone persuaded me to invest money and I cannot get it back"),
    Category.SHOPPING_SCAM: N_("I paid for something online that never came"),
    Category.ROMANCE_SCAM: N_("Someone I met online asked me for money"),
    Category.IMPERSONATION_SCAM: N_("Someone pretended to be a bank, the police or an official"),
    Category.ACCOUNT_HACKED: N_("Someone got into my account, phone or computer"),
    Category.RANSOMWARE: N_("My files or computer were locked and someone asked for payment"),
    Category.INTIMATE_IMAGES: N_(
        "Intimate pictures of me were shared or someone threatens to share them"
    ),
    Category.CHILD_ABUSE: N_("A child was contacted or abused online"),
    Category.IDENTITY_THEFT: N_("Someone used my identity or forged documents"),
    Category.OTHER: N_("Something else"),
}


class Payment(StrEnum):
    NONE = "none"
    BANK_TRANSFER = "bank_transfer"
    CARD = "card"
    CRYPTO = "crypto"
    MOBILE_MONEY = "mobile_money"
    GIFT_CARD = "gift_card"
    CASH = "cash"
    OTHER = "other"


PAYMENT_LABELS: dict[Payment, str] = {
    Payment.NONE: N_("I did not pay anything"),
    Payment.BANK_TRANSFER: N_("Bank transfer"),
    Payment.CARD: N_("Bank card"),
    Payment.CRYPTO: N_("Cryptocurrency"),
    Payment.MOBILE_MONEY: N_("Mobile money or e-wallet"),
    Payment.GIFT_CARD: N_("Gift cards or vouchers"),
    Payment.CASH: N_("Cash"),
    Payment.OTHER: N_("Another way"),
}


class Contact(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    NONE = "none"


class Update(StrEnum):
    """What an officer may tell victims about their case, in plain language.

    Free text is never copied from a case to a victim: an officer picks one of these,
    optionally naming a State, so that no other victim's data can slip through.
    """

    RECEIVED = "received"
    LINKED = "linked"
    INVESTIGATING = "investigating"
    REQUEST_SENT = "request_sent"
    DATA_PRESERVED = "data_preserved"
    FUNDS_FROZEN = "funds_frozen"
    FUNDS_RETURNED = "funds_returned"
    REFERRED = "referred"
    CLOSED = "closed"

    @property
    def names_state(self) -> bool:
        return self in {Update.REQUEST_SENT, Update.DATA_PRESERVED, Update.FUNDS_FROZEN}


UPDATE_LABELS: dict[Update, str] = {
    Update.RECEIVED: N_("Your report was received and read by an officer."),
    Update.LINKED: N_("Your report was linked to other reports about the same people."),
    Update.INVESTIGATING: N_("An investigation is under way."),
    Update.REQUEST_SENT: N_("A request for help was sent to another State: %(state)s."),
    Update.DATA_PRESERVED: N_("Data that can serve as evidence was preserved in %(state)s."),
    Update.FUNDS_FROZEN: N_("Funds were frozen in %(state)s."),
    Update.FUNDS_RETURNED: N_("Funds were returned to victims."),
    Update.REFERRED: N_("You were referred to a victim support service."),
    Update.CLOSED: N_("The work on your report is finished."),
}


class ReportProblem(StrEnum):
    MISSING = "missing"
    TOO_LONG = "too_long"
    BAD_AMOUNT = "bad_amount"
    BAD_CURRENCY = "bad_currency"
    IN_FUTURE = "in_future"
    NO_CONSENT = "no_consent"
    NO_CONTACT = "no_contact"
    TOO_MANY = "too_many"


@dataclass(frozen=True, slots=True)
class Problem:
    field: str
    code: ReportProblem


def parse_amount(raw: str) -> Decimal | None:
    """A loss as the victim typed it: spaces and thousands separators are forgiven.

    >>> parse_amount("12 500,50"), parse_amount("1,000,000"), parse_amount("")
    (Decimal('12500.50'), Decimal('1000000'), None)
    """
    text = raw.strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    # "12.500,50" and "12,500.50": the last separator followed by 1-2 digits is decimal.
    match = re.fullmatch(r"([0-9.,]*?)(?:[.,]([0-9]{1,2}))?", text)
    if match is None:
        raise ValueError("not an amount")
    whole = match.group(1).replace(",", "").replace(".", "")
    fraction = match.group(2)
    if not whole.isdigit():
        raise ValueError("not an amount")
    try:
        amount = Decimal(f"{whole}.{fraction}" if fraction else whole)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise ValueError("not an amount") from None
    if amount > MAX_AMOUNT:
        raise ValueError("amount too large")
    return amount


def check_report(
    *,
    category: str,
    what_happened: str,
    amount: str,
    currency: str,
    consent: bool,
    contact: str,
    contact_email: str,
    contact_phone: str,
    identifier_count: int,
) -> list[Problem]:
    """Everything wrong with a report, each problem naming its field.

    >>> check_report(category="shopping_scam", what_happened="", amount="x", currency="",
    ...     consent=False, contact="email", contact_email="", contact_phone="",
    ...     identifier_count=0)  # doctest: +NORMALIZE_WHITESPACE
    [Problem(field='what_happened', code=<ReportProblem.MISSING: 'missing'>),
     Problem(field='amount', code=<ReportProblem.BAD_AMOUNT: 'bad_amount'>),
     Problem(field='contact_email', code=<ReportProblem.MISSING: 'missing'>),
     Problem(field='consent', code=<ReportProblem.NO_CONSENT: 'no_consent'>)]
    """
    problems: list[Problem] = []
    if category not in Category.__members__.values():
        problems.append(Problem("category", ReportProblem.MISSING))
    if not what_happened.strip():
        problems.append(Problem("what_happened", ReportProblem.MISSING))
    elif len(what_happened) > MAX_TEXT:
        problems.append(Problem("what_happened", ReportProblem.TOO_LONG))
    try:
        parsed = parse_amount(amount)
    except ValueError:
        problems.append(Problem("amount", ReportProblem.BAD_AMOUNT))
    else:
        if parsed is not None and not re.fullmatch(r"[A-Z]{3}", currency.strip().upper()):
            problems.append(Problem("currency", ReportProblem.BAD_CURRENCY))
    if contact == Contact.EMAIL and not contact_email.strip():
        problems.append(Problem("contact_email", ReportProblem.MISSING))
    if contact == Contact.PHONE and not contact_phone.strip():
        problems.append(Problem("contact_phone", ReportProblem.MISSING))
    if identifier_count > MAX_IDENTIFIERS:
        problems.append(Problem("identifiers", ReportProblem.TOO_MANY))
    if not consent:
        problems.append(Problem("consent", ReportProblem.NO_CONSENT))
    return problems


def new_reference() -> str:
    """A random reference: 60 bits, so guessing one is hopeless and there is no sequence.

    >>> bool(_REFERENCE.match(new_reference()))
    True
    """
    chars = [secrets.choice(_ALPHABET) for _ in range(12)]
    return f"VR-{''.join(chars[:4])}-{''.join(chars[4:8])}-{''.join(chars[8:])}"


def clean_reference(raw: str) -> str | None:
    """A reference as a victim may type it back (lower case, spaces, O for 0, I/L for 1).

    >>> clean_reference(" vr-abcd-efgh-jkmo "), clean_reference("nonsense")
    ('VR-ABCD-EFGH-JKM0', None)
    """
    text = raw.strip().upper().replace(" ", "")
    text = text.replace("O", "0").replace("I", "1").replace("L", "1")
    return text if _REFERENCE.match(text) else None


def new_secret() -> str:
    """The victim's secret to come back: 128 bits, in groups easy to copy.

    >>> len(new_secret().replace("-", ""))
    26
    """
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(26))
    return "-".join(raw[i : i + 6] for i in range(0, 26, 6))


def secret_digest(secret: str, *, pepper: bytes) -> str:
    """What the node keeps of a secret: a keyed hash (a leaked table is not a key list).

    >>> secret_digest("ab-cd", pepper=b"k") == secret_digest(" AB CD ", pepper=b"k")
    True
    """
    normal = secret.strip().upper().replace("-", "").replace(" ", "")
    return hmac.new(pepper, normal.encode("ascii", "replace"), hashlib.sha256).hexdigest()


def secrets_match(secret: str, digest: str, *, pepper: bytes) -> bool:
    """Constant-time comparison of a typed secret with the stored digest.

    >>> d = secret_digest("AAAA", pepper=b"k")
    >>> secrets_match("aaaa", d, pepper=b"k"), secrets_match("aaab", d, pepper=b"k")
    (True, False)
    """
    return hmac.compare_digest(secret_digest(secret, pepper=pepper), digest)


# What victims may upload: pictures, PDFs and plain text, recognised by their first
# bytes (a file's name and declared type are the sender's word, not evidence).
_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"WEBP", 8, "image/webp"),
    (b"%PDF-", 0, "application/pdf"),
)


def sniff_media_type(head: bytes) -> str | None:
    """The media type of an upload from its first bytes, or None if it is not accepted.

    >>> sniff_media_type(b"%PDF-1.7 ..."), sniff_media_type(b"MZ\\x90\\x00")
    ('application/pdf', None)
    >>> sniff_media_type("Tin nhắn lừa đảo".encode())
    'text/plain'
    """
    for magic, offset, media_type in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic and (
            media_type != "image/webp" or head[:4] == b"RIFF"
        ):
            return media_type
    if not head or b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(head) - 3:
            return None
    return "text/plain"
