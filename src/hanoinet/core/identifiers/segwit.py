"""Bitcoin SegWit addresses: Bech32 (BIP 173) for version 0, Bech32m (BIP 350) above.

The ``bech32`` package is the BIP 173 reference code, which predates Bech32m; its
checksum and bit-conversion primitives are reused here with the BIP 350 rule that the
witness version picks the checksum constant.
"""

from __future__ import annotations

from enum import Enum

from bech32 import CHARSET, bech32_hrp_expand, bech32_polymod, convertbits

MAX_LENGTH = 90
CHECKSUM_LENGTH = 6
BECH32_CONST = 1
BECH32M_CONST = 0x2BC830A3
MAX_VERSION = 16


class SegwitError(Enum):
    """Why a string is not a SegWit address: a checksum that fails, or anything else."""

    CHECKSUM = "checksum"
    FORMAT = "format"


def decode_segwit(  # noqa: PLR0911 - one early return per check, each naming its own problem
    address: str, hrp: str = "bc"
) -> tuple[int, bytes] | SegwitError:
    """The witness version and program of a SegWit address for ``hrp``.

    >>> decode_segwit("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4")[0]
    0
    >>> decode_segwit("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5")
    <SegwitError.CHECKSUM: 'checksum'>
    """
    if (
        len(address) > MAX_LENGTH
        or not address.isascii()
        or not address.isprintable()
        or (address.lower() != address and address.upper() != address)
    ):
        return SegwitError.FORMAT
    address = address.lower()
    separator = address.rfind("1")
    if (
        separator < 1
        or address[:separator] != hrp
        or separator + 1 + CHECKSUM_LENGTH > len(address)
    ):
        return SegwitError.FORMAT
    if any(char not in CHARSET for char in address[separator + 1 :]):
        return SegwitError.FORMAT
    data = [CHARSET.find(char) for char in address[separator + 1 :]]
    constant = bech32_polymod(bech32_hrp_expand(hrp) + data)
    if constant not in (BECH32_CONST, BECH32M_CONST):
        return SegwitError.CHECKSUM
    payload = data[:-CHECKSUM_LENGTH]
    # A valid checksum of the wrong variant is a different encoding, not a typo.
    if not payload or constant != (BECH32_CONST if payload[0] == 0 else BECH32M_CONST):
        return SegwitError.FORMAT
    version = payload[0]
    program = convertbits(payload[1:], 5, 8, False)
    if version > MAX_VERSION or program is None or not 2 <= len(program) <= 40:
        return SegwitError.FORMAT
    if version == 0 and len(program) not in (20, 32):
        return SegwitError.FORMAT
    return version, bytes(program)
