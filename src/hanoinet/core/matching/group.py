"""The group: Curve25519's prime-order subgroup, as X25519 u-coordinates.

Every operation here works on whole lists, because that is where the cost is, and is
written so that a list can be cut into chunks and each chunk run in another process (see
:mod:`~hanoinet.core.matching.parallel`).

Why this group, measured on the node's 2-core AMD EPYC (per operation, from Python):

================================================  ========
X25519 through ``cryptography`` (OpenSSL)          ~24 µs
X25519 through PyNaCl (libsodium)                  ~28 µs
``crypto_scalarmult_ed25519_noclamp`` (libsodium)  ~64 µs   (checks the subgroup: 2 mults)
Elligator2 ``crypto_core_ed25519_from_uniform``    ~17 µs   (five field exponentiations)
curve membership via ``crypto_core_ed25519_add``   ~5.5 µs  per point, two at a time
x-only Elligator2 here (batched divisions + add)   ~11 µs
Legendre symbol in pure Python                     ~85 µs
================================================  ========

So the exponentiation ``P ↦ k·P`` is OpenSSL's X25519 — the fastest safe option by 2.6x
— and the group elements are X25519 u-coordinates: 32 bytes, little-endian, canonical
(``u < p``). The x-only form identifies ``P`` and ``-P``; ``u(k·P)`` depends only on
``u(P)``, so blinding stays well defined and commutative.

**Scalars.** X25519 clamps: every scalar is a multiple of 8 in ``[2^254, 2^255)``. A
multiple of 8 kills any small-order component, so a mixed-order input gives the same
output as its prime-order part and cannot leak the key modulo the cofactor; Curve25519's
twist is secure too (RFC 7748 §7). We still *refuse* what a peer must never send (see
:func:`first_non_canonical`, :func:`first_off_curve`). Unblinding needs a scalar
``s ≡ k⁻¹ (mod L)`` that survives clamping (:func:`clamped_inverse`); key generation draws
``k`` until such an ``s`` exists (about one draw in two).

**Hash to the group.** ``H(x)`` is Elligator 2 straight onto the Montgomery curve
(:func:`hash_to_group`): ``r = BLAKE2b(context, x)``, ``u₁ = -A / (1 + 2r²)``, and
``H(x) = u₁`` if it is on the curve, else ``-u₁ - A``. Nobody knows a discrete logarithm
of ``H(x)``, which is what resists dictionary attacks: without the blinding key,
``k·H(x)`` cannot be recomputed for a guessed ``x``. (This is the "non-uniform" encoding
of RFC 9380; Elligator 2 is invertible on its image, so a security proof can still
program the hash as a random oracle.) The cofactor is not cleared in the hash: the
clamped scalar of the first blinding does it, so ``k·H(x)`` is in the prime-order
subgroup like every point that is sent. Until protocol version 1 the hash went through
libsodium's edwards25519 ``from_uniform`` and back: the same map, twice the cost, other
points — which is why the version changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from nacl._sodium import ffi as _ffi  # pinned PyNaCl (pyproject.toml)
from nacl._sodium import lib as _sodium_lib

from hanoinet.core.errors import CoreError

#: The field prime of Curve25519.
FIELD = 2**255 - 19
#: The order L of the prime-order subgroup.
ORDER = 2**252 + 27742317777372353535851937790883648493
#: Bytes in a group element on the wire (an X25519 u-coordinate).
POINT_SIZE = 32
#: Bytes in a tag: the low 128 bits of a blinded point, compared but never multiplied.
TAG_SIZE = 16

_Y_MASK = (1 << 255) - 1
# Curve25519: v² = u³ + A·u² + u.
_A = 486662
# u-coordinates of the points of order 1, 2, 4 and 8, canonical form (the non-canonical
# ones, p, p + 1, …, are refused as ≥ p). X25519 maps each to 0 for every clamped scalar.
LOW_ORDER = frozenset(
    {
        0,
        1,
        FIELD - 1,
        325606250916557431795983626356110631294008115727848805560023387167927233504,
        39382357235489614581723060781553021112529911719440698176882885853963445705823,
    }
)
# edwards25519's base point, a point known to be on the curve: the partner when a point
# has to be checked alone (crypto_core_ed25519_add decodes and checks both arguments).
_BASE_Y = bytes.fromhex("5866666666666666666666666666666666666666666666666666666666666666")
_CLAMP_LOW = 1 << 254
_CLAMP_HIGH = 1 << 255
_L_INV_MOD_8 = pow(ORDER, -1, 8)
_sodium_add = _sodium_lib.crypto_core_ed25519_add


def invert_all(values: Sequence[int]) -> list[int]:
    """Inverse of every value modulo p with one exponentiation (Montgomery's trick).

    >>> invert_all([1, 2, FIELD - 1]) == [1, (FIELD + 1) // 2, FIELD - 1]
    True

    Zero has no inverse:

    >>> invert_all([3, 0])
    Traceback (most recent call last):
    hanoinet.core.errors.CoreError: zero has no inverse
    """
    prefix = [0] * len(values)
    acc = 1
    for i, value in enumerate(values):
        prefix[i] = acc
        acc = acc * value % FIELD
    if acc == 0:
        raise CoreError("zero has no inverse")
    inverse = pow(acc, -1, FIELD)
    out = [0] * len(values)
    for i in range(len(values) - 1, -1, -1):
        out[i] = inverse * prefix[i] % FIELD
        inverse = inverse * values[i] % FIELD
    return out


def clamp(scalar: int) -> int:
    """X25519's clamping: clear the low 3 bits and bit 255, set bit 254 (RFC 7748 §5).

    >>> clamp(0) == 2**254 and clamp(2**256 - 1) == 2**255 - 8
    True
    """
    return (scalar & ((1 << 255) - 8)) | _CLAMP_LOW


def clamped_inverse(scalar: int) -> int | None:
    """A clamped scalar ``s`` with ``s · scalar ≡ 1 (mod L)``, or None if none exists.

    The clamped integers congruent to a residue mod L are the multiples of 8 among
    ``inverse + jL`` within ``[2^254, 2^255)``: about half of the residues have one.

    >>> s = clamped_inverse(clamp(12345))
    >>> s is None or (s * clamp(12345) % ORDER == 1 and clamp(s) == s)
    True
    """
    inverse = pow(scalar, -1, ORDER)
    first = -(-(_CLAMP_LOW - inverse) // ORDER)  # the smallest j with inverse + jL >= 2^254
    # inverse + jL = 0 (mod 8) exactly when j = -inverse / L (mod 8).
    j = first + (-inverse * _L_INV_MOD_8 - first) % 8
    candidate = inverse + j * ORDER
    return candidate if candidate < _CLAMP_HIGH else None


def hash_key(context: bytes) -> bytes:
    """The BLAKE2b key that domain-separates :func:`hash_to_group` for one context.

    >>> len(hash_key(b"hanoinet/psi/2 AAA BBB s1"))
    64
    """
    return hashlib.blake2b(context, digest_size=64, person=b"hanoinet-psi-ctx").digest()


def hash_to_group(key: bytes, items: Sequence[bytes]) -> list[int]:
    """``H(x)`` for each item, as integer u-coordinates of points on Curve25519.

    ``key`` is :func:`hash_key` of the session's context, so the same identifier hashes
    to unrelated points in two sessions (or for two pairs of States).

    Elligator 2 in its x-only form (RFC 9380 §6.7.1, on the Montgomery curve directly):
    ``r = BLAKE2b-512(x) mod p``, ``u₁ = -A / (1 + 2r²)``; if ``u₁`` is on the curve,
    ``H(x) = u₁``, otherwise ``-u₁ - A``, which then is. The divisions are batched
    (:func:`invert_all`), leaving one libsodium call per item for the curve test —
    against libsodium's own ``from_uniform``, which makes five field exponentiations
    per item to produce an edwards25519 encoding we would only convert back.

    The point may have a small-order component: every scalar is a multiple of 8, so the
    first blinding removes it (see the module's notes), and ``H(x)`` itself is never sent.

    >>> k = hash_key(b"ctx")
    >>> a, b = hash_to_group(k, [b"phone:+84912345678", b"phone:+84912345679"])
    >>> a != b and 0 < a < FIELD and a not in LOW_ORDER and first_off_curve([a, b]) == -1
    True
    """
    rs = [
        int.from_bytes(
            hashlib.blake2b(item, key=key, person=b"hanoinet-psi-h2c").digest(), "little"
        )
        for item in items
    ]
    # 1 + 2r² is never 0: -1/2 is not a square modulo p (p = 5 mod 8).
    u1s = [-_A * inverse % FIELD for inverse in invert_all([(1 + 2 * r * r) % FIELD for r in rs])]
    # u₁ + 1 = 0 would need r² = (A - 1)/2, which is not a square either. (r = 0, one
    # digest in 2^255, maps to u = 0, which exponentiate() refuses as low-order.)
    inverses = invert_all([u + 1 for u in u1s])
    on_curve = _curve_test()
    return [
        u
        if on_curve(((u - 1) * inverse % FIELD).to_bytes(32, "little"), _BASE_Y)
        else (-u - _A) % FIELD
        for u, inverse in zip(u1s, inverses, strict=True)
    ]


def exponentiate(scalar: int, us: Sequence[int]) -> bytes:
    """``u(scalar · P)`` for each ``u(P)``, concatenated, with OpenSSL's X25519.

    Only points that passed :func:`first_non_canonical` and :func:`first_off_curve` (or
    came from :func:`hash_to_group`) may be given: X25519 itself accepts anything but a
    low-order point, which makes OpenSSL refuse the all-zero result.

    >>> len(exponentiate(clamp(7), [9, 9]))
    64
    >>> exponentiate(clamp(7), [9, 0])
    Traceback (most recent call last):
    hanoinet.core.errors.CoreError: entry 1 blinds to the identity
    """
    key = X25519PrivateKey.from_private_bytes(scalar.to_bytes(32, "little"))
    exchange = key.exchange
    load = X25519PublicKey.from_public_bytes
    try:
        return b"".join([exchange(load(u.to_bytes(32, "little"))) for u in us])
    except ValueError:
        # X25519 reads u modulo 2^255, then modulo p.
        index = next((i for i, u in enumerate(us) if (u & _Y_MASK) % FIELD in LOW_ORDER), -1)
        raise CoreError(f"entry {index} blinds to the identity") from None


def decode_points(blob: bytes) -> list[int]:
    """Split a blob of u-coordinates into integers, without any check.

    >>> decode_points(bytes(32) + (9).to_bytes(32, "little"))
    [0, 9]
    """
    return [
        int.from_bytes(blob[i : i + POINT_SIZE], "little") for i in range(0, len(blob), POINT_SIZE)
    ]


def first_non_canonical(us: Sequence[int]) -> int:
    """The index of the first u that is ≥ p or of low order, or -1: the cheap checks.

    >>> first_non_canonical([9, 2**255 - 19]), first_non_canonical([9, 1]), first_non_canonical([9])
    (1, 1, -1)
    """
    for index, u in enumerate(us):
        if u >= FIELD or u in LOW_ORDER:
            return index
    return -1


def first_off_curve(us: Sequence[int]) -> int:
    """The index of the first u that is not on Curve25519 (it is on the twist), or -1.

    Each u goes to edwards25519 as ``y = (u - 1) / (u + 1)``; libsodium decodes the point
    (a square root) and checks the curve equation. Two points per call halve the cost;
    a failed pair is re-checked point by point. Inputs must already pass
    :func:`first_non_canonical` (so ``u + 1 ≠ 0``).

    >>> from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    >>> on = int.from_bytes(X25519PrivateKey.generate().public_key().public_bytes_raw(), "little")
    >>> first_off_curve([on, 9, on]), first_off_curve([on, 2])
    (-1, 1)
    """
    inverses = invert_all([u + 1 for u in us])
    ys = [((u - 1) * v % FIELD).to_bytes(32, "little") for u, v in zip(us, inverses, strict=True)]
    if len(ys) % 2:
        ys.append(_BASE_Y)
    on_curve = _curve_test()
    for i in range(0, len(ys), 2):
        if not on_curve(ys[i], ys[i + 1]):
            # One of the two is off the curve: if it is not the first, it is the second.
            return i if not on_curve(ys[i], _BASE_Y) else i + 1
    return -1


def _curve_test() -> Callable[[bytes, bytes], bool]:
    """``on_curve(y1, y2)``: do both edwards25519 encodings decode to points on the curve?

    libsodium directly, through the cffi module PyNaCl's own bindings use: the public
    wrapper (argument checks, a fresh output buffer, an exception to catch) cost a fifth
    of each call. Inputs are always 32 bytes here; the sum goes to a scratch buffer of
    this caller's own and is never read.
    """
    scratch = _ffi.new("unsigned char[]", 32)

    def on_curve(y1: bytes, y2: bytes) -> bool:
        return bool(_sodium_add(scratch, y1, y2) == 0)

    return on_curve
