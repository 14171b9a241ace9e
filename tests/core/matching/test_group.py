"""The group operations: blinding commutes, unblinding inverts, bad points are found."""

from __future__ import annotations

import hashlib
import secrets

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from hanoinet.core.errors import CoreError
from hanoinet.core.matching import BlindingKey, MalformedError, match_context
from hanoinet.core.matching import context as context_module
from hanoinet.core.matching.group import (
    FIELD,
    LOW_ORDER,
    ORDER,
    clamp,
    clamped_inverse,
    decode_points,
    exponentiate,
    first_non_canonical,
    first_off_curve,
    hash_key,
    hash_to_group,
    invert_all,
)


def on_curve_points(count: int) -> list[int]:
    return [
        int.from_bytes(X25519PrivateKey.generate().public_key().public_bytes_raw(), "little")
        for _ in range(count)
    ]


def twist_points(count: int) -> list[int]:
    """u with u^3 + A·u^2 + u not a square: points of the twist (checked with Euler)."""
    found: list[int] = []
    while len(found) < count:
        u = secrets.randbelow(FIELD)
        if pow(u**3 + 486662 * u**2 + u, (FIELD - 1) // 2, FIELD) == FIELD - 1:
            found.append(u)
    return found


def test_blinding_commutes_and_unblinding_inverts() -> None:
    """k_B·(k_A·H) = k_A·(k_B·H), and s_A·(k_A·k_B·H) = k_B·H."""
    a, b = BlindingKey.generate(), BlindingKey.generate()
    hashed = hash_to_group(hash_key(b"ctx"), [b"phone:+1", b"phone:+2"])
    ab = exponentiate(b.scalar, decode_points(exponentiate(a.scalar, hashed)))
    ba = exponentiate(a.scalar, decode_points(exponentiate(b.scalar, hashed)))
    assert ab == ba
    assert exponentiate(a.inverse, decode_points(ab)) == exponentiate(b.scalar, hashed)


def test_low_order_points_blind_to_the_identity() -> None:
    """Every listed low-order u is refused by X25519 for any key."""
    key = BlindingKey.generate()
    for u in LOW_ORDER:
        with pytest.raises(CoreError, match="entry 0 blinds to the identity"):
            exponentiate(key.scalar, [u])
    # X25519 reads u modulo p: p + 1 is u = 1 again, found for the message too.
    with pytest.raises(CoreError, match="entry 1"):
        exponentiate(key.scalar, [9, FIELD + 1])


def test_canonical_checks() -> None:
    """u ≥ p and the low-order u are refused; anything else below p passes."""
    assert first_non_canonical([]) == -1
    assert first_non_canonical([9, FIELD - 2]) == -1
    for bad in (*LOW_ORDER, FIELD, FIELD + 1, 2**255 - 1):
        assert first_non_canonical([9, bad]) == 1


@pytest.mark.parametrize("position", [0, 1, 2, 3, 4])
def test_a_twist_point_is_found_wherever_it_is(position: int) -> None:
    """Pairs are checked together; a failed pair is re-checked to name the culprit."""
    points = on_curve_points(5)
    points[position] = twist_points(1)[0]
    assert first_off_curve(points) == position
    assert first_off_curve(points[: position + 1]) == position


def test_the_curve_check_agrees_with_euler_criterion() -> None:
    """On 200 random u: on the curve exactly when u^3 + A·u^2 + u is a square."""
    assert first_off_curve(on_curve_points(100)) == -1
    assert all(first_off_curve([u]) == 0 for u in twist_points(100))
    assert first_off_curve([]) == -1


def test_invert_all() -> None:
    """Each inverse times its value is 1; a zero anywhere is refused."""
    values = [secrets.randbelow(FIELD - 1) + 1 for _ in range(50)]
    assert all(v * w % FIELD == 1 for v, w in zip(values, invert_all(values), strict=True))
    assert invert_all([]) == []
    with pytest.raises(CoreError):
        invert_all([*values, FIELD])


def test_clamped_inverse() -> None:
    """When it exists it is clamped and inverts the scalar modulo L; about half exist."""
    scalars = [clamp(secrets.randbits(256)) for _ in range(400)]
    inverses = [clamped_inverse(s) for s in scalars]
    for scalar, inverse in zip(scalars, inverses, strict=True):
        if inverse is not None:
            assert clamp(inverse) == inverse
            assert inverse * scalar % ORDER == 1
    assert 100 < sum(inverse is not None for inverse in inverses) < 300


def test_hashing_is_deterministic_and_domain_separated() -> None:
    """Same context, same point; another context or identifier, another point."""
    first = hash_to_group(hash_key(b"ctx-1"), [b"phone:+1", b"phone:+2"])
    assert first == hash_to_group(hash_key(b"ctx-1"), [b"phone:+1", b"phone:+2"])
    assert first[0] != first[1]
    assert not set(first) & set(hash_to_group(hash_key(b"ctx-2"), [b"phone:+1", b"phone:+2"]))
    assert first_off_curve(first) == -1
    assert first_non_canonical(first) == -1


def reference_elligator2(key: bytes, item: bytes) -> int:
    """RFC 9380's Elligator 2 for Curve25519 written out with Euler's criterion."""
    digest = hashlib.blake2b(item, key=key, person=b"hanoinet-psi-h2c").digest()
    r = int.from_bytes(digest, "little") % FIELD
    u = -486662 * pow(1 + 2 * r * r, -1, FIELD) % FIELD
    if pow(u**3 + 486662 * u**2 + u, (FIELD - 1) // 2, FIELD) == 1:
        return u
    return (-u - 486662) % FIELD


def test_the_hash_is_elligator2_as_specified() -> None:
    """The batched map equals the textbook one, takes both branches, and lands on the curve."""
    key = hash_key(b"ctx")
    items = [f"phone:+8491{i:07d}".encode() for i in range(300)]
    hashed = hash_to_group(key, items)
    reference = [reference_elligator2(key, item) for item in items]
    assert hashed == reference
    digests = [
        hashlib.blake2b(item, key=key, person=b"hanoinet-psi-h2c").digest() for item in items
    ]
    rs = [int.from_bytes(digest, "little") % FIELD for digest in digests]
    first_branch = [
        u == -486662 * pow(1 + 2 * r * r, -1, FIELD) % FIELD
        for u, r in zip(hashed, rs, strict=True)
    ]
    assert 100 < sum(first_branch) < 200
    assert first_off_curve(hashed) == -1


def test_key_generation_retries_until_the_inverse_is_clamped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A scalar without a clamped inverse is drawn again."""
    without = next(s for s in range(1, 10_000) if clamped_inverse(clamp(s)) is None)
    with_one = next(s for s in range(1, 10_000) if clamped_inverse(clamp(s)) is not None)
    draws = iter([without, with_one])
    monkeypatch.setattr(secrets, "randbits", lambda _: next(draws))
    key = BlindingKey.generate()
    assert key.scalar == clamp(with_one)


def test_derived_keys() -> None:
    """Deterministic per label, different across labels, valid; short secrets refused."""
    secret = b"s" * 32
    keys = [BlindingKey.derive(secret, f"peer:FRA epoch:{week}") for week in range(16)]
    assert len({key.scalar for key in keys}) == 16
    assert all(key.inverse * key.scalar % ORDER == 1 for key in keys)
    assert BlindingKey.derive(secret, "peer:FRA epoch:3") == keys[3]
    with pytest.raises(MalformedError):
        BlindingKey.derive(b"short", "peer:FRA")


@pytest.mark.parametrize(
    "raw",
    [bytes(31), bytes(33), (2**254 + 1).to_bytes(32, "little"), (9).to_bytes(32, "little")],
)
def test_stored_keys_must_be_clamped_with_an_inverse(raw: bytes) -> None:
    """from_bytes refuses a wrong length or a scalar that generate would never make."""
    with pytest.raises(MalformedError):
        BlindingKey.from_bytes(raw)
    without = next(s for s in range(1, 10_000) if clamped_inverse(clamp(s)) is None)
    with pytest.raises(MalformedError):
        BlindingKey.from_bytes(clamp(without).to_bytes(32, "little"))


@pytest.mark.parametrize(
    ("states", "session"),
    [
        (("VNM", "fra"), "s"),
        (("VNM", "FRANCE"), "s"),
        (("VNM", "FRA"), ""),
        (("VNM", "FRA"), "with space"),
        (("VNM", "FRA"), "x" * 129),
    ],
)
def test_contexts_are_validated(states: tuple[str, str], session: str) -> None:
    """States are alpha-3 codes; sessions are short labels."""
    with pytest.raises(MalformedError):
        match_context(*states, session)


def test_a_context_built_by_hand_must_be_sorted_and_current() -> None:
    """Direct construction is checked like the factory."""
    with pytest.raises(MalformedError):
        context_module.MatchContext(("VNM", "FRA"), "s")
    with pytest.raises(MalformedError):
        context_module.MatchContext(("FRA", "VNM"), "s", version=1)
    assert context_module.MatchContext(("FRA", "VNM"), "s") == match_context("VNM", "FRA", "s")
