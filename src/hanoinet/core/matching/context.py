"""What both sides agree on (the context), what each keeps to itself (the blinding key),
and the policy helper that restricts identifiers to the kinds shared with a peer.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from hanoinet.core.matching.errors import MalformedError
from hanoinet.core.matching.group import clamp, clamped_inverse, hash_key

#: The protocol version carried in every message and in the hash context.
PROTOCOL_VERSION = 2

_STATE = re.compile(r"^[A-Z]{3}$")
SESSION_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")


@dataclass(frozen=True, slots=True)
class MatchContext:
    """The public parameters of one run: the two States (sorted) and a session label.

    Both sides must build the same context: the hash of every identifier depends on it,
    so a context mismatch silently yields an empty intersection. The session label is a
    fresh id per run, or an epoch label (``"epoch:2026-W14"``) when the answering side
    reuses a :class:`~hanoinet.core.matching.PreparedSet` for a peer over an epoch.

    >>> match_context("VNM", "FRA", "s-1") == match_context("FRA", "VNM", "s-1")
    True
    """

    states: tuple[str, str]
    session: str
    version: int = PROTOCOL_VERSION
    _hash_key: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        low, high = self.states
        if not (_STATE.match(low) and _STATE.match(high)) or low > high:
            raise MalformedError("two ISO 3166 alpha-3 codes, sorted", field="states")
        if not SESSION_PATTERN.match(self.session):
            raise MalformedError("1-128 characters of [A-Za-z0-9_.:-]", field="session")
        if self.version != PROTOCOL_VERSION:
            raise MalformedError(f"only version {PROTOCOL_VERSION}", field="version")
        label = f"hanoinet/psi/{self.version}\n{low}\n{high}\n{self.session}".encode()
        object.__setattr__(self, "_hash_key", hash_key(label))

    @property
    def hash_key(self) -> bytes:
        """The BLAKE2b key that domain-separates this context's hash to the group."""
        return self._hash_key


def match_context(state_a: str, state_b: str, session: str) -> MatchContext:
    """The context for a run between two States, whichever side builds it.

    >>> match_context("VNM", "FRA", "epoch:2026-W14").states
    ('FRA', 'VNM')
    >>> match_context("VNM", "fr", "s")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    hanoinet.core.matching.errors.MalformedError: malformed: states: two ISO 3166 alpha-3 ...
    """
    low, high = sorted((state_a, state_b))
    return MatchContext((low, high), session)


@dataclass(frozen=True, slots=True)
class BlindingKey:
    """A secret blinding exponent ``k`` and its clamped inverse ``s ≡ k⁻¹ (mod L)``.

    Never leaves the node: not in a message, not in a log (its repr shows nothing). A key
    is random per run (:meth:`generate`); for scheduled bulk matches the answering side
    may keep one per peer and epoch (:meth:`derive`) so its prepared set can be reused —
    at the price that the peer can link its queries within the epoch.

    >>> key = BlindingKey.generate()
    >>> key
    BlindingKey()
    >>> BlindingKey.from_bytes(key.to_bytes()) == key
    True
    """

    scalar: int = field(repr=False)
    inverse: int = field(repr=False)

    @classmethod
    def generate(cls) -> BlindingKey:
        """A fresh random key (about two draws, as only half the scalars have a usable inverse)."""
        while True:
            scalar = clamp(secrets.randbits(256))
            inverse = clamped_inverse(scalar)
            if inverse is not None:
                return cls(scalar, inverse)

    @classmethod
    def derive(cls, secret: bytes, label: str) -> BlindingKey:
        """The key for ``label`` (e.g. ``"peer:FRA epoch:2026-W14"``) under a node secret.

        >>> BlindingKey.derive(b"k" * 32, "peer:FRA") == BlindingKey.derive(b"k" * 32, "peer:FRA")
        True
        """
        if not 16 <= len(secret) <= 64:
            raise MalformedError("16 to 64 bytes", field="secret")
        counter = 0
        while True:
            digest = hashlib.blake2b(
                f"{counter}\n{label}".encode(), key=secret, person=b"hanoinet-psi-key"
            ).digest()
            scalar = clamp(int.from_bytes(digest[:32], "little"))
            inverse = clamped_inverse(scalar)
            if inverse is not None:
                return cls(scalar, inverse)
            counter += 1

    @classmethod
    def from_bytes(cls, raw: bytes) -> BlindingKey:
        """The key stored by :meth:`to_bytes`; refuses anything else.

        >>> BlindingKey.from_bytes(bytes(32))
        Traceback (most recent call last):
        hanoinet.core.matching.errors.MalformedError: malformed: key: not a stored blinding key
        """
        scalar = int.from_bytes(raw, "little")
        inverse = clamped_inverse(scalar) if len(raw) == 32 and clamp(scalar) == scalar else None
        if inverse is None:
            raise MalformedError("not a stored blinding key", field="key")
        return cls(scalar, inverse)

    def to_bytes(self) -> bytes:
        """32 bytes to keep between the steps of a run, in the node's own storage only."""
        return self.scalar.to_bytes(32, "little")


def kind_of(identifier: str) -> str:
    """The kind of a normalised identifier: what precedes its first colon ("" if none).

    >>> kind_of("wallet:ethereum:0xabc"), kind_of("nokind")
    ('wallet', '')
    """
    kind, colon, _ = identifier.partition(":")
    return kind if colon else ""


def filter_kinds(identifiers: Iterable[str], kinds: Collection[str]) -> frozenset[str]:
    """The identifiers whose kind the policy shares with a peer; the rest never leave.

    >>> sorted(filter_kinds(["phone:+8491", "email:a@b.vn", "wallet:btc:1x"], {"phone", "wallet"}))
    ['phone:+8491', 'wallet:btc:1x']
    """
    return frozenset(item for item in identifiers if (kind := kind_of(item)) and kind in kinds)
