"""The entry points: ``normalise`` one value of a known kind, or ``guess`` the kind.

Bad input never raises: the value is kept as given, flagged with a problem, and shown
to the officer; only a programming error (an unknown kind or default region) raises.
"""

from __future__ import annotations

from collections.abc import Callable

from hanoinet.core.convention.text import N_
from hanoinet.core.identifiers.banks import parse_bank_account, parse_iban
from hanoinet.core.identifiers.emails import parse_email
from hanoinet.core.identifiers.identifier import Identifier, Options, Parsed
from hanoinet.core.identifiers.ip import parse_ip
from hanoinet.core.identifiers.kinds import IdentifierKind
from hanoinet.core.identifiers.phones import parse_phone
from hanoinet.core.identifiers.problems import (
    Problem,
    ProblemCode,
    UnknownKindError,
    UnknownRegionError,
)
from hanoinet.core.identifiers.regions import country
from hanoinet.core.identifiers.social import parse_social
from hanoinet.core.identifiers.wallets import parse_tx_hash, parse_wallet
from hanoinet.core.identifiers.web import parse_website

# The public portal takes text from anyone: nothing a victim can name is this long, and
# the limit keeps the parsers' work bounded.
MAX_LENGTH = 512

Parser = Callable[[str, Options], Parsed | Problem]
PARSERS: dict[IdentifierKind, Parser] = {
    IdentifierKind.PHONE: parse_phone,
    IdentifierKind.EMAIL: parse_email,
    IdentifierKind.URL: parse_website,
    IdentifierKind.DOMAIN: parse_website,
    IdentifierKind.IBAN: parse_iban,
    IdentifierKind.BANK_ACCOUNT: parse_bank_account,
    IdentifierKind.WALLET: parse_wallet,
    IdentifierKind.TX_HASH: parse_tx_hash,
    IdentifierKind.SOCIAL: parse_social,
    IdentifierKind.IP_ADDRESS: parse_ip,
}

EMPTY = Problem(ProblemCode.EMPTY, N_("Nothing was entered."))
TOO_LONG = Problem(ProblemCode.TOO_LONG, N_("This is too long to be an identifier."))

# The order in which ``guess`` tries kinds: the most distinctive formats first, so that
# an IBAN is not read as a phone number nor a profile link as a mere website.
GUESS_ORDER = (
    IdentifierKind.IP_ADDRESS,
    IdentifierKind.WALLET,
    IdentifierKind.TX_HASH,
    IdentifierKind.IBAN,
    IdentifierKind.EMAIL,
    IdentifierKind.SOCIAL,
    IdentifierKind.PHONE,
    IdentifierKind.URL,
)


def _options(default_region: str | None, platform: str | None, bank: str | None) -> Options:
    region = None
    if default_region is not None:
        region = country(default_region)
        if region is None:
            raise UnknownRegionError(default_region)
    return Options(default_region=region, platform=platform, bank=bank)


def _normalise(kind: IdentifierKind, raw: str, options: Options) -> Identifier:
    if len(raw) > MAX_LENGTH:
        return Identifier(kind, raw, None, TOO_LONG)
    text = raw.strip()
    if not text:
        return Identifier(kind, raw, None, EMPTY)
    result = PARSERS[kind](text, options)
    if isinstance(result, Problem):
        return Identifier(kind, raw, None, result)
    return Identifier(kind, raw, result.value, scope=result.scope, flags=result.flags)


def normalise(
    kind: IdentifierKind | str,
    raw: str,
    *,
    default_region: str | None = None,
    platform: str | None = None,
    bank: str | None = None,
) -> Identifier:
    """Normalise and validate ``raw`` as an identifier of ``kind``.

    ``default_region`` (ISO 3166 alpha-2) is the country of numbers written nationally:
    phone numbers without ``+``, bank accounts without a country. ``platform`` and
    ``bank`` come from reporting forms that ask for them beside the text.

    >>> normalise("phone", "0912 345 678", default_region="VN").link_key
    'phone:+84912345678'
    >>> bad = normalise("iban", "GB82 WEST 1234 5698 7654 33")
    >>> bad.valid, bad.value, bad.problem.code.value, bad.raw
    (False, None, 'iban_checksum', 'GB82 WEST 1234 5698 7654 33')
    """
    try:
        known = IdentifierKind(kind)
    except ValueError:
        raise UnknownKindError(kind) from None
    return _normalise(known, raw, _options(default_region, platform, bank))


def guess(raw: str, *, default_region: str | None = None) -> Identifier | None:
    """The first kind under which free text is a valid identifier, or None.

    Bank accounts are never guessed (any number could be one), nor domains without a
    scheme or path apart from URLs; "telegram:handle" and profile links are social.

    >>> guess("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4").scope
    'bitcoin'
    >>> guess("https://t.me/scam_desk").link_key
    'social:telegram:scam_desk'
    >>> guess("not an identifier") is None
    True
    """
    options = _options(default_region, None, None)
    for kind in GUESS_ORDER:
        identifier = _normalise(kind, raw, options)
        if identifier.valid:
            return identifier
    return None
