"""Cross-border hit/no-hit: private set intersection of normalised identifiers.

Two nodes learn which identifiers (``"phone:+84912345678"``, ``"wallet:ethereum:0x…"``)
they both hold, and the size of each other's set — nothing else. It is the classic
Diffie-Hellman PSI: each side raises hashed identifiers to a secret exponent that never
leaves it, and blinding commutes, ``k_B·(k_A·H(x)) = k_A·(k_B·H(x))``. The group is
Curve25519's prime-order subgroup (X25519 u-coordinates), the hash is a domain-separated
Elligator2 map: see :mod:`~hanoinet.core.matching.group` and ``docs/matching.md``.

Bulk match (both sides hold many identifiers; the policy restricts the kinds):

>>> context = match_context("VNM", "FRA", "s-42")
>>> held = {"phone:+84912345678", "email:x@y.vn", "wallet:btc:1abc"}
>>> ours = filter_kinds(held, {"phone", "wallet"})                 # policy for this peer
>>> pending, request = start(context, ours)                       # node A
>>> body = request.to_json()                                      # … envelope …
>>> prepared = prepare(context, ["phone:+84912345678", "phone:+33612345678"])  # node B
>>> reply = respond(prepared, parse_request(body)).to_json()      # … envelope …
>>> result = finish(pending, parse_response(reply))              # node A
>>> sorted(result.shared), result.peer_count
(['phone:+84912345678'], 2)
>>> sorted(learn(prepared, parse_disclosure(disclose(result).to_json()), asked=request.count))
['phone:+84912345678']

A single query is the same run with one identifier on the asking side.
"""

from hanoinet.core.matching.context import (
    PROTOCOL_VERSION,
    BlindingKey,
    MatchContext,
    filter_kinds,
    kind_of,
    match_context,
)
from hanoinet.core.matching.errors import (
    BadPointError,
    DuplicateError,
    MalformedError,
    MatchingCode,
    MatchingError,
    MismatchError,
    TooManyItemsError,
    UnsupportedVersionError,
    WrongLengthError,
    WrongSessionError,
)
from hanoinet.core.matching.group import POINT_SIZE, TAG_SIZE
from hanoinet.core.matching.messages import (
    DEFAULT_MAX_ITEMS,
    Disclosure,
    DisclosureBody,
    Request,
    RequestBody,
    Response,
    ResponseBody,
    parse_disclosure,
    parse_request,
    parse_response,
)
from hanoinet.core.matching.parallel import PARALLEL_MIN_ITEMS
from hanoinet.core.matching.protocol import (
    MatchResult,
    Pending,
    PreparedSet,
    disclose,
    finish,
    hash_identifiers,
    learn,
    prepare,
    respond,
    start,
)

__all__ = [
    "DEFAULT_MAX_ITEMS",
    "PARALLEL_MIN_ITEMS",
    "POINT_SIZE",
    "PROTOCOL_VERSION",
    "TAG_SIZE",
    "BadPointError",
    "BlindingKey",
    "Disclosure",
    "DisclosureBody",
    "DuplicateError",
    "MalformedError",
    "MatchContext",
    "MatchResult",
    "MatchingCode",
    "MatchingError",
    "MismatchError",
    "Pending",
    "PreparedSet",
    "Request",
    "RequestBody",
    "Response",
    "ResponseBody",
    "TooManyItemsError",
    "UnsupportedVersionError",
    "WrongLengthError",
    "WrongSessionError",
    "disclose",
    "filter_kinds",
    "finish",
    "hash_identifiers",
    "kind_of",
    "learn",
    "match_context",
    "parse_disclosure",
    "parse_request",
    "parse_response",
    "prepare",
    "respond",
    "start",
]
