"""Identifiers that victims report about suspects, normalised so that reports can be linked.

``normalise(kind, raw)`` turns what a victim typed into an :class:`Identifier`: the raw
text exactly as given, the normalised ``value`` (or a :class:`Problem` saying what is
wrong: nothing is silently dropped) and a ``link_key`` that two reports must share to
be linked. Pure Python: no Django, no database and no network (the public suffix list
is the snapshot bundled with ``tldextract``).

>>> normalise("url", "hxxps://Login.Scam-Bank[.]com.vn/verify").link_key
'domain:scam-bank.com.vn'
>>> normalise("wallet", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t").link_key
'wallet:tron:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t'
"""

from hanoinet.core.identifiers.identifier import Identifier
from hanoinet.core.identifiers.kinds import Chain, Flag, IdentifierKind
from hanoinet.core.identifiers.normalise import MAX_LENGTH, guess, normalise
from hanoinet.core.identifiers.problems import (
    Problem,
    ProblemCode,
    UnknownKindError,
    UnknownRegionError,
)

__all__ = [
    "MAX_LENGTH",
    "Chain",
    "Flag",
    "Identifier",
    "IdentifierKind",
    "Problem",
    "ProblemCode",
    "UnknownKindError",
    "UnknownRegionError",
    "guess",
    "normalise",
]
