"""Bounded correlation: which identifiers may link reports, and why the others may not.

MISP's lesson: correlating on everything drowns analysts. Two bounds apply before any
link is made, in batch and incremental linking alike.

- The **warning list**: identifiers that must never link, whatever their count — the big
  platforms' domains (two victims both mentioning ``facebook.com`` are not one case),
  the null wallet, public DNS resolvers, and whatever the operator adds (its banks'
  official hotlines, its own portal's domain). An entry is an exact link key
  (``phone:+84240000000``) or a domain pattern ``<kind>:*.<domain>`` matching the domain and
  every subdomain (``domain:*.facebook.com`` matches ``domain:facebook.com`` and
  ``domain:m.facebook.com``, not ``domain:notfacebook.com``).
- The **fan-out cap** K: an identifier held by more than K reports is flagged for review
  instead of linking (it could be a hotline the warning list misses, a pasted example, a
  mule account shared by thousands). An analyst who checked it marks it *vetted*, and then
  it links again whatever its count.

A suppressed identifier is reported as a :class:`Suppression` with its
:class:`SuppressReason`, so the node can show why two reports were *not* linked.

Link keys arrive already normalised (``hanoinet.core.identifiers`` produces them, e.g.
``phone:+84912345678``, ``wallet:bitcoin:bc1q…``, and ``domain:facebook.com`` for any
URL on ``m.facebook.com``); entries here are compared as given, so they must be in that
same normal form.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from hanoinet.core.linking.errors import LinkingError

#: Above this many reports an identifier stops linking and is flagged for review. A
#: starting point for a national node; the operator tunes it.
DEFAULT_FAN_OUT_CAP = 200

_PLATFORM_DOMAINS = (
    # Social networks and messengers: victims name them, scammers merely use them.
    "facebook.com",
    "fb.com",
    "messenger.com",
    "instagram.com",
    "whatsapp.com",
    "wa.me",
    "t.me",
    "telegram.org",
    "telegram.me",
    "zalo.me",
    "zalo.vn",
    "tiktok.com",
    "x.com",
    "twitter.com",
    "t.co",
    "linkedin.com",
    "youtube.com",
    "youtu.be",
    # Mail and search providers: a shared provider says nothing about the sender.
    "google.com",
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "microsoft.com",
    "apple.com",
    "icloud.com",
    # Shops, exchanges, hosts and shorteners that every other report mentions.
    "amazon.com",
    "shopee.vn",
    "lazada.vn",
    "binance.com",
    "paypal.com",
    "github.com",
    "cloudflare.com",
    "bit.ly",
    "tinyurl.com",
)

#: The shipped warning list, as data: domain patterns for the big platforms, public
#: resolvers, well-known non-addresses. Operators add their own with ``|``.
DEFAULT_WARNING_ENTRIES: tuple[str, ...] = (
    *(f"domain:*.{domain}" for domain in _PLATFORM_DOMAINS),
    # Public DNS resolvers, which show up in headers and screenshots. (Private and
    # loopback addresses never get a link key from hanoinet.core.identifiers.)
    "ip:1.1.1.1",
    "ip:1.0.0.1",
    "ip:8.8.8.8",
    "ip:8.8.4.4",
    "ip:9.9.9.9",
    # The null and burn addresses (EIP-55 spelling, as the identifiers module writes it):
    # "sent to 0x000..." is a victim's mistake or a token contract, not a scammer.
    "wallet:ethereum:0x0000000000000000000000000000000000000000",
    "wallet:ethereum:0x000000000000000000000000000000000000dEaD",
    # Official bank hotlines and national short numbers differ by country: the operator
    # adds them in E.164 form (phone:+84...), see WarningList.from_text.
)

_PATTERN = ":*."


class SuppressReason(StrEnum):
    """Why an identifier did not link: on the warning list, or held by too many reports."""

    WARNING_LIST = "warning_list"
    FAN_OUT = "fan_out"


@dataclass(frozen=True, slots=True)
class Suppression:
    """One identifier that did not link, why, and how many reports hold it."""

    key: str
    reason: SuppressReason
    reports: int


def _parse(entry: str) -> tuple[str, str] | None:
    """``(kind prefix, domain)`` for a pattern, ``None`` for an exact key."""
    kind, colon, value = entry.partition(":")
    if not kind or not colon or not value or entry != entry.strip():
        raise LinkingError(f"warning-list entry {entry!r} is not a 'kind:value' link key")
    if "*" not in entry:
        return None
    prefix, pattern, domain = entry.partition(_PATTERN)
    if not pattern or "*" in prefix or "*" in domain or ":" in prefix or not domain:
        raise LinkingError(
            f"warning-list entry {entry!r}: a pattern is 'kind:*.domain', with one leading '*.'"
        )
    return f"{prefix}:", domain


@dataclass(frozen=True, slots=True)
class WarningList:
    """Identifiers that must never link: exact link keys and ``kind:*.domain`` patterns.

    >>> listed = WarningList(["domain:*.facebook.com", "phone:+84240000000"])
    >>> [listed.matches(key) for key in
    ...     ("domain:m.facebook.com", "domain:facebook.com", "domain:notfacebook.com",
    ...      "phone:+84240000000", "email:scam@facebook.com")]
    [True, True, False, True, False]
    >>> (listed | WarningList(["ip:192.0.2.1"])).matches("ip:192.0.2.1")
    True
    """

    entries: frozenset[str]
    _exact: frozenset[str] = field(init=False, repr=False, compare=False)
    _domains: frozenset[str] = field(init=False, repr=False, compare=False)
    _prefixes: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __init__(self, entries: Iterable[str] = ()) -> None:
        entries = frozenset(entries)
        exact: set[str] = set()
        domains: set[str] = set()
        prefixes: set[str] = set()
        for entry in entries:
            parsed = _parse(entry)
            if parsed is None:
                exact.add(entry)
            else:
                prefix, domain = parsed
                prefixes.add(prefix)
                domains.add(prefix + domain)
        object.__setattr__(self, "entries", entries)
        object.__setattr__(self, "_exact", frozenset(exact | domains))
        object.__setattr__(self, "_domains", frozenset(domains))
        object.__setattr__(self, "_prefixes", tuple(sorted(prefixes)))

    @classmethod
    def from_text(cls, text: str) -> WarningList:
        """Read an operator's list: one entry a line, ``#`` starts a comment.

        >>> WarningList.from_text("# hotlines\\nphone:+84240000000  # a bank\\n\\n").entries
        frozenset({'phone:+84240000000'})
        """
        lines = (line.partition("#")[0].strip() for line in text.splitlines())
        return cls(line for line in lines if line)

    def __or__(self, other: WarningList) -> WarningList:
        return WarningList(self.entries | other.entries)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def matches(self, key: str) -> bool:
        """Whether ``key`` is on the list (exactly, or under a listed domain)."""
        return key in self._exact or self._under_listed_domain(key)

    def _under_listed_domain(self, key: str) -> bool:
        if not key.startswith(self._prefixes):
            return False
        # Try each parent domain in turn: one set lookup per label, whatever the list size.
        prefix, _, host = key.partition(":")
        dot = host.find(".")
        while dot >= 0:
            if f"{prefix}:{host[dot + 1 :]}" in self._domains:
                return True
            dot = host.find(".", dot + 1)
        return False

    def mask(self, keys: Sequence[str]) -> NDArray[np.bool_]:
        """One boolean per key: ``True`` where the key is on the list.

        >>> DEFAULT_WARNING_LIST.mask(["domain:t.me", "phone:+84912345678"]).tolist()
        [True, False]
        """
        flags = np.fromiter(map(self._exact.__contains__, keys), dtype=np.bool_, count=len(keys))
        if self._prefixes:
            prefixes = self._prefixes
            for index in [i for i, key in enumerate(keys) if key.startswith(prefixes)]:
                flags[index] |= self._under_listed_domain(keys[index])
        return flags


#: The shipped list (:data:`DEFAULT_WARNING_ENTRIES`).
DEFAULT_WARNING_LIST = WarningList(DEFAULT_WARNING_ENTRIES)


def check_fan_out_cap(cap: int | None) -> None:
    """Refuse a cap that would make no sense (``None`` means no cap)."""
    if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 1):
        raise LinkingError(f"fan_out_cap must be a positive integer or None, not {cap!r}")
