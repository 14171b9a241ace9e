"""The register as a court bundle carries it, and the two checks a court makes with it.

A bundle's proofs rest on public keys: the log's, its witnesses', the receipt signers'
and the senders'. The bundle gives those keys itself, so on their own they prove only
that *someone* signed. Two tag files tie them to States:

``hanoinet/register.jws``
    the newest register document the bundling node accepted (or, on the secretariat,
    published), verbatim; empty when the node holds none.
``hanoinet/register-signers.json``
    ``{"signers": [JWK, ...], "rotations": [JWS, ...]}``: the secretariat keys the node
    trusts and the key-rotation announcements it holds (each signed by the old key, see
    :mod:`hanoinet.core.register.trust`).

The court checks that the document verifies against one of those secretariat keys and
compares that key's fingerprint with the one the secretariat publishes; then that every
key the bundle relies on is in the register, for the State it speaks for, with the same
bytes. Pure: no Django, no node.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from hanoinet.core.jsonio import JsonError, loads_strict
from hanoinet.core.keys import b64url_decode, jwk_thumbprint
from hanoinet.core.register import fields as f
from hanoinet.core.register.errors import RegisterError, RegisterFormatError
from hanoinet.core.register.model import PublishedKey, Register
from hanoinet.core.register.trust import follow_rotations, read_stored, verify_register

REGISTER_FILE = "register.jws"
SIGNERS_FILE = "register-signers.json"
REGISTER = "register"
KEYS_IN_REGISTER = "keys belong to the register"
NO_REGISTER = "no register in the bundle"


def signers_json(signers: Iterable[Mapping[str, str]], rotations: Iterable[str]) -> str:
    """The text of ``register-signers.json``."""
    return json.dumps(
        {
            "signers": [
                {"kty": "OKP", "crv": "Ed25519", "x": jwk["x"], "kid": jwk["kid"]}
                for jwk in signers
            ],
            "rotations": [token.strip() for token in rotations],
        },
        indent=1,
    )


def fingerprint(x: str) -> str:
    """SHA-256 of the raw public key, hex: what the secretariat publishes for comparison."""
    return hashlib.sha256(b64url_decode(x)).hexdigest()


@dataclass(frozen=True)
class Outcome:
    """One named check's result (the bundle's report adds it as it is)."""

    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class KeyClaim:
    """A key the bundle relies on, the State it is said to belong to, and when it was used
    (``None`` when the bundle does not say)."""

    what: str  # e.g. "log key hanoinet.khm/custody"
    state: str
    x: str
    kid: str | None = None
    used_at: datetime | None = None


def _trusted(raw: object) -> dict[str, dict[str, str]]:
    """The secretariat keys of ``register-signers.json``, after following its rotations.

    Each key is indexed by the thumbprint of its own bytes, never by the kid the file
    states: a lying kid makes its key unknown, it cannot make it stand for another key.
    """
    obj = f.as_object(raw, SIGNERS_FILE, ("signers", "rotations"))
    keys: dict[str, dict[str, str]] = {}
    for i, item in enumerate(f.as_list(f.required(obj, "signers", SIGNERS_FILE), "signers")):
        jwk = f.as_object(item, f"signers[{i}]", ("kty", "crv", "x", "kid", "use"))
        if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
            raise RegisterFormatError(f"signers[{i}]: must be an OKP Ed25519 key")
        x = f.as_str(jwk.get("x"), f"signers[{i}].x", max_length=64)
        public = {"kty": "OKP", "crv": "Ed25519", "x": x}
        kid = jwk_thumbprint(public)
        keys[kid] = {**public, "kid": kid}
    rotations = [
        f.as_str(token, f"rotations[{i}]", max_length=100_000)
        for i, token in enumerate(f.as_list(obj.get("rotations", []), "rotations"))
    ]
    return follow_rotations(rotations, keys)


def check_register(
    token: str | None, signers: bytes | None, *, required: bool
) -> tuple[Outcome, Register | None]:
    """The document verifies against a secretariat key the bundle gives. ``None`` for a
    file means it is missing from the bundle (a malformed bundle, always a failure)."""
    if token is None or signers is None:
        missing = REGISTER_FILE if token is None else SIGNERS_FILE
        return Outcome(REGISTER, False, f"hanoinet/{missing} is missing"), None
    if not token.strip():
        # A node that holds no register (a lone node) still makes bundles whose custody
        # proofs stand; whether that is enough is the court's call (--require-register).
        return Outcome(REGISTER, not required, NO_REGISTER), None
    try:
        trusted = _trusted(loads_strict(signers))
    except (JsonError, RegisterError) as exc:
        return Outcome(REGISTER, False, f"hanoinet/{SIGNERS_FILE}: {exc}"), None
    if not trusted:
        return Outcome(REGISTER, False, f"hanoinet/{SIGNERS_FILE} gives no secretariat key"), None
    try:
        # A court checks years later: that the register has expired since proves nothing.
        # verify_register insists on a clock, so it is given the document's own issue
        # time; what matters here is that the secretariat signed it, not that it is
        # still in force.
        register = verify_register(token, trusted, now=_issued_at(token))
        kid = read_stored(token)[0]  # verified just above
    except RegisterError as exc:
        return Outcome(REGISTER, False, str(exc)), None
    detail = (
        f"serial {register.serial} issued {f.timestamp_text(register.issued_at)}, signed by "
        f"secretariat key {kid} (SHA-256 fingerprint {fingerprint(trusted[kid]['x'])}); "
        "compare the fingerprint with the one the secretariat publishes"
    )
    return Outcome(REGISTER, True, detail), register


def _issued_at(token: str) -> datetime:
    """The issue time the document states, read before its signature is checked (only
    to give verify_register its clock); the earliest time when it cannot be read, so
    that verify_register reports what is wrong with it rather than an expiry."""
    try:
        return read_stored(token)[1].issued_at
    except RegisterError:
        return datetime.min.replace(tzinfo=UTC)


def _sig_keys(register: Register) -> dict[str, tuple[str, PublishedKey]]:
    """Every signing key in the register by kid, with its State."""
    keys: dict[str, tuple[str, PublishedKey]] = {}
    for entry in register.states:
        for key in entry.node.keys if entry.node else ():
            if key.use == "sig":
                keys[key.kid] = (entry.code, key)
    return keys


def _problem(claim: KeyClaim, known: Mapping[str, tuple[str, PublishedKey]]) -> str | None:
    try:
        if len(b64url_decode(claim.x)) != 32:
            raise ValueError
    except ValueError:
        return f"{claim.what}: not an Ed25519 public key"
    kid = claim.kid or jwk_thumbprint({"kty": "OKP", "crv": "Ed25519", "x": claim.x})
    if kid not in known:
        return f"{claim.what} ({claim.state}, key {kid}): unknown kid, not in the register"
    state, published = known[kid]
    if state != claim.state:
        return f"{claim.what} (key {kid}): the register gives it to {state}, not {claim.state}"
    if published.x != claim.x:
        return f"{claim.what} (key {kid}): other key bytes than the register's for {state}"
    if (
        claim.used_at is not None
        and published.valid_until is not None
        and published.valid_until <= claim.used_at
    ):
        return (
            f"{claim.what} (key {kid}): the register ends it at "
            f"{f.timestamp_text(published.valid_until)}, before its use at "
            f"{f.timestamp_text(claim.used_at)}"
        )
    return None


def check_keys(
    register: Register | None, claims: list[KeyClaim], problems: list[str], *, absent: bool
) -> Outcome:
    """Every claimed key is in the register for its State with the same bytes.

    ``problems`` are the keys the bundle could not even name (unreadable files; their own
    checks fail too, so they count here only when there is a register to compare with);
    ``absent`` says the bundle has no register at all, as opposed to one that failed.
    """
    if register is None:
        return Outcome(
            KEYS_IN_REGISTER,
            absent,
            NO_REGISTER if absent else "no verified register to compare the keys with",
        )
    known = _sig_keys(register)
    problems = problems + [p for claim in claims if (p := _problem(claim, known)) is not None]
    return Outcome(
        KEYS_IN_REGISTER,
        not problems,
        "; ".join(problems[:10])
        or f"{len(claims)} key use{'s' if len(claims) != 1 else ''} checked against register "
        f"serial {register.serial}",
    )
