"""Wallet addresses and transaction hashes, with the BIP 173, BIP 350 and EIP-55 vectors."""

from __future__ import annotations

import pytest

from hanoinet.core.identifiers import Chain, IdentifierKind, ProblemCode, normalise
from hanoinet.core.identifiers.segwit import SegwitError, decode_segwit

WALLET = IdentifierKind.WALLET


@pytest.mark.parametrize(
    ("raw", "value", "chain"),
    [
        # BIP 173 (Bech32, witness version 0): upper case is valid and becomes lower case.
        (
            "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
            Chain.BITCOIN,
        ),
        (
            "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",
            "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",
            Chain.BITCOIN,
        ),
        # BIP 350 (Bech32m, witness versions 1 to 16), including a Taproot address.
        (
            "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
            "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
            Chain.BITCOIN,
        ),
        ("BC1SW50QGDZ25J", "bc1sw50qgdz25j", Chain.BITCOIN),
        (
            "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",
            "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",
            Chain.BITCOIN,
        ),
        (
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
            Chain.BITCOIN,
        ),
        # Base58Check: the genesis block's P2PKH address and a P2SH address.
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", Chain.BITCOIN),
        ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", Chain.BITCOIN),
        # EIP-55: the checksummed examples of the EIP keep their spelling ...
        (
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            Chain.ETHEREUM,
        ),
        (
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            Chain.ETHEREUM,
        ),
        (
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
            Chain.ETHEREUM,
        ),
        (
            "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
            "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
            Chain.ETHEREUM,
        ),
        (
            "0x52908400098527886E0F7030069857D2E4169EE7",
            "0x52908400098527886E0F7030069857D2E4169EE7",
            Chain.ETHEREUM,
        ),
        # ... and all-lower or all-upper input, which carries no checksum, gets it.
        (
            "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            Chain.ETHEREUM,
        ),
        (
            "0X5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            Chain.ETHEREUM,
        ),
        (
            "0xde709f2102306220921060314715629080e2fb77",
            "0xde709f2102306220921060314715629080e2fb77",
            Chain.ETHEREUM,
        ),
        # Tron: USDT's TRC-20 contract, in Base58Check and in hex.
        ("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", Chain.TRON),
        (
            "41a614f803b6fd780986a42c78ec9c7f77e6ded13c",
            "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
            Chain.TRON,
        ),
        (
            "  TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t\n",
            "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
            Chain.TRON,
        ),
    ],
)
def test_valid_addresses_get_their_canonical_spelling_and_chain(
    raw: str, value: str, chain: Chain
) -> None:
    identifier = normalise(WALLET, raw)
    assert (identifier.value, identifier.scope, identifier.problem) == (value, chain, None)
    assert identifier.link_key == f"wallet:{chain}:{value}"
    assert identifier.raw == raw


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        # BIP 350 invalid vectors: the wrong checksum variant for the witness version ...
        (
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
            ProblemCode.WALLET_INVALID,
        ),
        (
            "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
            ProblemCode.WALLET_INVALID,
        ),
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", ProblemCode.WALLET_INVALID),
        # ... a bad witness version, program length or padding, an empty data part ...
        (
            "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",
            ProblemCode.WALLET_INVALID,
        ),
        ("bc1pw5dgrnzv", ProblemCode.WALLET_INVALID),
        ("BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", ProblemCode.WALLET_INVALID),
        ("bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du", ProblemCode.WALLET_INVALID),
        ("bc1gmk9yu", ProblemCode.WALLET_INVALID),
        (
            "bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90",
            ProblemCode.WALLET_INVALID,
        ),
        # ... mixed case, a character outside the charset, testnet, too long.
        (
            "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7",
            ProblemCode.WALLET_INVALID,
        ),
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3tb", ProblemCode.WALLET_INVALID),
        (
            "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
            ProblemCode.WALLET_INVALID,
        ),
        ("bc1" + "q" * 88, ProblemCode.WALLET_INVALID),
        ("bc1qé", ProblemCode.WALLET_INVALID),
        ("bc1", ProblemCode.WALLET_INVALID),
        # One character changed: the checksum catches the typo.
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", ProblemCode.WALLET_CHECKSUM),
        (
            "bc1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
            ProblemCode.WALLET_CHECKSUM,
        ),
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", ProblemCode.WALLET_CHECKSUM),
        ("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6T", ProblemCode.WALLET_CHECKSUM),
        ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", ProblemCode.WALLET_CHECKSUM),
        ("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", ProblemCode.WALLET_CHECKSUM),
        # Other chains' formats and near misses.
        ("mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn", ProblemCode.WALLET_INVALID),  # Bitcoin testnet
        ("0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea", ProblemCode.WALLET_INVALID),
        ("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", ProblemCode.WALLET_INVALID),
        ("0OIl", ProblemCode.WALLET_INVALID),
        ("1111", ProblemCode.WALLET_INVALID),
        ("LKDyUEtTR1HXamkiEphisSiBJu6o3ZPE34", ProblemCode.WALLET_INVALID),  # Litecoin version
    ],
)
def test_invalid_addresses_are_kept_and_flagged(raw: str, code: ProblemCode) -> None:
    identifier = normalise(WALLET, raw)
    assert identifier.problem is not None
    assert identifier.problem.code is code
    assert (identifier.value, identifier.link_key, identifier.raw) == (None, None, raw)


def test_decode_segwit_returns_version_and_program() -> None:
    decoded = decode_segwit("bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs")
    assert not isinstance(decoded, SegwitError)
    assert (decoded[0], decoded[1].hex()) == (2, "751e76e8199196d454941c45d1b3a323")


def test_decode_segwit_checks_the_human_readable_part() -> None:
    assert decode_segwit("BC1SW50QGDZ25J", hrp="tb") is SegwitError.FORMAT


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("0x" + "AB" * 32, "ab" * 32),
        ("ab" * 32, "ab" * 32),
        (
            "4A5E1E4BAAB89F3A32518A88C31BC87F618F76673E2CC77AB2127B7AFDEDA33B",
            "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b",
        ),
    ],
)
def test_transaction_hashes_are_lower_case_without_prefix(raw: str, value: str) -> None:
    identifier = normalise(IdentifierKind.TX_HASH, raw)
    assert (identifier.value, identifier.link_key) == (value, f"tx_hash:{value}")


@pytest.mark.parametrize("raw", ["0x" + "ab" * 31, "ab" * 33, "zz" * 32, "0y" + "ab" * 32])
def test_malformed_transaction_hashes_are_flagged(raw: str) -> None:
    identifier = normalise(IdentifierKind.TX_HASH, raw)
    assert identifier.problem is not None
    assert identifier.problem.code is ProblemCode.TX_HASH_INVALID
