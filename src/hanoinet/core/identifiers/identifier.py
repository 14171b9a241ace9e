"""A reported identifier: the text as given, its normalised value, or what is wrong."""

from __future__ import annotations

from dataclasses import dataclass

from hanoinet.core.errors import CoreError
from hanoinet.core.identifiers.kinds import UNLINKABLE, Flag, IdentifierKind
from hanoinet.core.identifiers.problems import Problem

# A URL and a bare domain name the same website: both link under "domain:".
_LINK_FAMILY = {IdentifierKind.URL: "domain"}
# The chain is implied by a wallet address, but spelled out in its key
# ("wallet:bitcoin:bc1q...") so that linking and matching can filter by chain
# without parsing addresses again.
_SCOPED_KEYS = frozenset({IdentifierKind.WALLET})


@dataclass(frozen=True, slots=True)
class Parsed:
    """What a kind's parser found in valid input: the value and facts about it."""

    value: str
    scope: str | None = None
    flags: frozenset[Flag] = frozenset()


@dataclass(frozen=True, slots=True)
class Options:
    """What the reporting form knows besides the text itself."""

    default_region: str | None = None  # ISO 3166 alpha-2, upper case
    platform: str | None = None  # of a social handle typed without one
    bank: str | None = None  # of a bank account number typed without one


@dataclass(frozen=True, slots=True)
class Identifier:
    """One identifier as reported: never dropped, even when it does not validate.

    ``raw`` is exactly what was given. ``value`` is the normalised form, or None when
    ``problem`` says why there is none. ``scope`` is the namespace the value lives in
    (the chain of a wallet, the platform of a handle, the country of a phone, IBAN or
    bank account) and ``flags`` are facts worth showing, such as a private IP range.
    """

    kind: IdentifierKind
    raw: str
    value: str | None
    problem: Problem | None = None
    scope: str | None = None
    flags: frozenset[Flag] = frozenset()

    def __post_init__(self) -> None:
        if (self.value is None) == (self.problem is None):
            raise CoreError("an identifier has either a value or a problem, never both or neither")

    @property
    def valid(self) -> bool:
        return self.problem is None

    @property
    def link_key(self) -> str | None:
        """The string two reports must share to be linked, or None if this one links nothing.

        >>> Identifier(IdentifierKind.URL, "https://Example.com/x", "example.com").link_key
        'domain:example.com'
        >>> Identifier(IdentifierKind.WALLET, "bc1q...", "bc1q...", scope="bitcoin").link_key
        'wallet:bitcoin:bc1q...'
        >>> Identifier(IdentifierKind.IP_ADDRESS, "10.0.0.1", "10.0.0.1",
        ...            flags=frozenset({Flag.NOT_GLOBAL})).link_key is None
        True
        """
        if self.value is None or self.flags & UNLINKABLE:
            return None
        family = _LINK_FAMILY.get(self.kind, self.kind.value)
        if self.kind in _SCOPED_KEYS:
            return f"{family}:{self.scope}:{self.value}"
        return f"{family}:{self.value}"

    def as_dict(self) -> dict[str, object]:
        """The identifier as JSON-ready data (flags sorted, so the output is stable).

        >>> phone = Identifier(IdentifierKind.PHONE, "+84 912 345 678", "+84912345678")
        >>> phone.as_dict()["link_key"]
        'phone:+84912345678'
        """
        return {
            "kind": str(self.kind),
            "raw": self.raw,
            "value": self.value,
            "valid": self.valid,
            "problem": None if self.problem is None else self.problem.as_dict(),
            "scope": self.scope,
            "flags": sorted(str(flag) for flag in self.flags),
            "link_key": self.link_key,
        }
