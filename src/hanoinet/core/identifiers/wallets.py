"""Crypto-asset wallet addresses and transaction hashes.

The chain is read from the address itself, and every checksum the format carries is
verified, so that a typo is reported instead of creating a wallet nobody owns:

- Bitcoin: Base58Check P2PKH (``1...``) and P2SH (``3...``), SegWit Bech32/Bech32m
  (``bc1...``, written in lower case, its canonical form); mainnet only.
- Ethereum and other EVM chains: ``0x`` and 40 hex digits, written with the EIP-55
  mixed-case checksum. All-lower and all-upper input carries no checksum and is accepted;
  mixed case must match the checksum.
- Tron: Base58Check of ``0x41`` and 20 bytes (``T...``); the hex form ``41...`` is
  converted to it.
"""

from __future__ import annotations

import hashlib
import re

import base58
from Crypto.Hash import keccak

from hanoinet.core.convention.text import N_
from hanoinet.core.identifiers.identifier import Options, Parsed
from hanoinet.core.identifiers.kinds import Chain
from hanoinet.core.identifiers.problems import Problem, ProblemCode
from hanoinet.core.identifiers.segwit import SegwitError, decode_segwit

BITCOIN_VERSIONS = frozenset({0x00, 0x05})  # P2PKH, P2SH on mainnet
TRON_PREFIX = 0x41
_ETHEREUM = re.compile(r"^0[xX]([0-9a-fA-F]{40})$")
_TRON_HEX = re.compile(r"^41[0-9a-fA-F]{40}$")
_TX_HASH = re.compile(r"^(?:0[xX])?([0-9a-fA-F]{64})$")

INVALID = Problem(
    ProblemCode.WALLET_INVALID,
    N_("This is not a Bitcoin, Ethereum (EVM) or Tron address of a known format."),
)
CHECKSUM = Problem(
    ProblemCode.WALLET_CHECKSUM,
    N_("The checksum of this address does not match: look for a typo."),
)
TX_INVALID = Problem(
    ProblemCode.TX_HASH_INVALID,
    N_("A transaction hash is 64 hexadecimal digits, with or without 0x."),
)


def eip55(hex_digits: str) -> str:
    """The EIP-55 checksummed spelling of a 40-digit Ethereum address.

    >>> eip55("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
    '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'
    """
    lowered = hex_digits.lower()
    digest = keccak.new(digest_bits=256, data=lowered.encode("ascii")).hexdigest()
    return "0x" + "".join(
        char.upper() if int(nibble, 16) >= 8 else char
        for char, nibble in zip(lowered, digest[: len(lowered)], strict=True)
    )


def _base58check(address: str) -> bytes | Problem:
    try:
        decoded = base58.b58decode(address)
    except ValueError:  # a character outside the Base58 alphabet
        return INVALID
    payload, checksum = decoded[:-4], decoded[-4:]
    if len(payload) != 21:
        return INVALID
    if hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] != checksum:
        return CHECKSUM
    return payload


def _ethereum(hex_digits: str) -> Parsed | Problem:
    canonical = eip55(hex_digits)
    mixed = hex_digits.lower() != hex_digits and hex_digits.upper() != hex_digits
    if mixed and canonical[2:] != hex_digits:
        return CHECKSUM
    return Parsed(canonical, scope=Chain.ETHEREUM.value)


def _base58_wallet(address: str) -> Parsed | Problem:
    payload = _base58check(address)
    if isinstance(payload, Problem):
        return payload
    # The version byte fixes the first character: 0x41 gives "T", 0x00 "1" and 0x05 "3".
    if payload[0] == TRON_PREFIX:
        return Parsed(address, scope=Chain.TRON.value)
    if payload[0] in BITCOIN_VERSIONS:
        return Parsed(address, scope=Chain.BITCOIN.value)
    return INVALID


def parse_wallet(text: str, _options: Options) -> Parsed | Problem:
    """The address in its canonical spelling; the scope is the chain.

    >>> parse_wallet("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", Options())
    Parsed(value='0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', scope='ethereum', flags=frozenset())
    >>> parse_wallet("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", Options()).code.value
    'wallet_checksum'
    """
    ethereum = _ETHEREUM.match(text)
    if ethereum:
        return _ethereum(ethereum.group(1))
    if text[:3].lower() == "bc1":
        decoded = decode_segwit(text)
        if decoded is SegwitError.CHECKSUM:
            return CHECKSUM
        if decoded is SegwitError.FORMAT:
            return INVALID
        return Parsed(text.lower(), scope=Chain.BITCOIN.value)
    if _TRON_HEX.match(text):
        return Parsed(base58.b58encode_check(bytes.fromhex(text)).decode(), scope=Chain.TRON.value)
    return _base58_wallet(text)


def parse_tx_hash(text: str, _options: Options) -> Parsed | Problem:
    """64 lower-case hex digits without ``0x``.

    Bitcoin and Tron explorers show a hash bare, Ethereum ones with ``0x``; a 256-bit hash
    names one transaction whatever the chain, so the prefix is dropped for linking.

    >>> parse_tx_hash("0x" + "AB" * 32, Options()).value == "ab" * 32
    True
    """
    match = _TX_HASH.match(text)
    if match is None:
        return TX_INVALID
    return Parsed(match.group(1).lower())
