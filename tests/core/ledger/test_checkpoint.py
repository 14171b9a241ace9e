"""Checkpoints: one text per commitment, signed by the log, co-signed by witnesses."""

from __future__ import annotations

import base64
import contextlib
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from hanoinet.core.ledger import (
    BadSignatureError,
    Checkpoint,
    LedgerCode,
    LedgerError,
    MalformedError,
    MerkleTree,
    UnknownSignerError,
    cosign,
    parse_checkpoint,
    sign_checkpoint,
    verify_checkpoint,
)

ORIGIN = "hanoinet.example/VNM/custody"
LOG = Ed25519PrivateKey.from_private_bytes(bytes([1]) * 32)
WITNESS = Ed25519PrivateKey.from_private_bytes(bytes([2]) * 32)
STRANGER = Ed25519PrivateKey.from_private_bytes(bytes([3]) * 32)
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def log_root(size: int) -> bytes:
    tree = MerkleTree()
    for n in range(size):
        tree.append(b"event %d" % n)
    return tree.root()


CHECKPOINT = Checkpoint(ORIGIN, 42, log_root(42), NOW)
SIGNED = sign_checkpoint(CHECKPOINT, ORIGIN, LOG)
KEYS = {ORIGIN: LOG.public_key()}


def test_the_text_is_the_c2sp_checkpoint_with_a_time_line() -> None:
    body, _, signature = SIGNED.partition("\n\n")
    assert body.split("\n") == [
        ORIGIN,
        "42",
        base64.b64encode(CHECKPOINT.root).decode(),
        "2026-11-23T03:00:00Z",
    ]
    assert signature.startswith(f"\u2014 {ORIGIN} ")
    assert signature.endswith("\n")
    assert signature.count("\n") == 1


def test_sign_parse_verify_round_trip() -> None:
    parsed = parse_checkpoint(SIGNED)
    assert parsed.checkpoint == CHECKPOINT
    assert [s.name for s in parsed.signatures] == [ORIGIN]
    verified = verify_checkpoint(SIGNED.encode("utf-8"), KEYS)
    assert verified.checkpoint == CHECKPOINT
    assert verified.signers == (ORIGIN,)


def test_time_is_kept_in_utc_to_the_second() -> None:
    hanoi = timezone(timedelta(hours=7))
    local = datetime(2026, 11, 23, 10, 0, 0, 999_999, tzinfo=hanoi)
    checkpoint = Checkpoint(ORIGIN, 0, log_root(0), local)
    assert checkpoint.timestamp == NOW
    assert checkpoint.timestamp.tzinfo is UTC
    assert parse_checkpoint(sign_checkpoint(checkpoint, ORIGIN, LOG)).checkpoint == checkpoint


def replace_line(text: str, number: int, new: str) -> str:
    lines = text.split("\n")
    lines[number] = new
    return "\n".join(lines)


@pytest.mark.parametrize(
    "forged",
    [
        pytest.param(replace_line(SIGNED, 1, "43"), id="edited size"),
        pytest.param(replace_line(SIGNED, 0, "hanoinet.example/KHM/custody"), id="edited origin"),
        pytest.param(
            replace_line(SIGNED, 2, base64.b64encode(log_root(41)).decode()), id="other root"
        ),
        pytest.param(replace_line(SIGNED, 3, "2026-11-24T03:00:00Z"), id="edited time"),
    ],
)
def test_an_edited_checkpoint_fails_its_signature(forged: str) -> None:
    with pytest.raises(BadSignatureError) as caught:
        verify_checkpoint(forged, KEYS)
    assert caught.value.code is LedgerCode.BAD_SIGNATURE


def flip_signature_bit(text: str, byte: int) -> str:
    body, _, line = text.rstrip("\n").rpartition("\n")
    prefix, _, blob = line.rpartition(" ")
    raw = bytearray(base64.b64decode(blob))
    raw[byte] ^= 0x01
    return f"{body}\n{prefix} {base64.b64encode(bytes(raw)).decode()}\n"


def test_a_bit_flip_in_the_signature_fails() -> None:
    # Bytes 0-3 are the key id: a flip there names a key nobody trusts.
    with pytest.raises(UnknownSignerError) as unknown:
        verify_checkpoint(flip_signature_bit(SIGNED, 2), KEYS)
    assert unknown.value.code is LedgerCode.UNKNOWN_SIGNER
    for byte in (4, 40, 67):
        with pytest.raises(BadSignatureError):
            verify_checkpoint(flip_signature_bit(SIGNED, byte), KEYS)


@settings(max_examples=200, deadline=None)
@given(position=st.integers(min_value=0), replacement=st.characters(codec="utf-8"))
def test_any_changed_character_of_the_checkpoint_fails(position: int, replacement: str) -> None:
    body_length = SIGNED.index("\n\n") + 1
    position %= body_length
    if SIGNED[position] == replacement:
        return
    forged = SIGNED[:position] + replacement + SIGNED[position + 1 :]
    with pytest.raises(LedgerError) as caught:
        verify_checkpoint(forged, KEYS)
    assert caught.value.code in {LedgerCode.MALFORMED, LedgerCode.BAD_SIGNATURE}


def test_only_trusted_keys_count() -> None:
    with pytest.raises(UnknownSignerError):
        verify_checkpoint(SIGNED, {ORIGIN: STRANGER.public_key()})
    with pytest.raises(UnknownSignerError):
        verify_checkpoint(SIGNED, {"witness.example": WITNESS.public_key()})


def test_witnesses_co_sign_the_same_checkpoint() -> None:
    witnessed = cosign(SIGNED, "witness.example/KHM", WITNESS)
    assert witnessed.startswith(SIGNED)
    everyone = {**KEYS, "witness.example/KHM": WITNESS.public_key()}
    assert verify_checkpoint(witnessed, everyone).signers == (ORIGIN, "witness.example/KHM")
    assert verify_checkpoint(witnessed, KEYS).signers == (ORIGIN,)
    witness_only = {"witness.example/KHM": WITNESS.public_key()}
    assert verify_checkpoint(witnessed, witness_only).signers == ("witness.example/KHM",)
    assert cosign(witnessed, "witness.example/KHM", WITNESS) == witnessed
    with pytest.raises(BadSignatureError):
        verify_checkpoint(replace_line(witnessed, 1, "41"), witness_only)


def test_only_checkpoints_are_co_signed() -> None:
    note = "not a checkpoint\n\n" + SIGNED.partition("\n\n")[2]
    with pytest.raises(MalformedError) as caught:
        cosign(note, "witness.example/KHM", WITNESS)
    assert caught.value.field == "checkpoint"


ROOT_LINE = base64.b64encode(CHECKPOINT.root).decode()
BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
# The last character of 32 bytes in base64 carries two unused bits: setting one spells the
# same bytes differently, which a decoder accepts but a canonical text must not.
NON_CANONICAL = ROOT_LINE[:42] + BASE64[BASE64.index(ROOT_LINE[42]) ^ 1] + "="


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param(f"{ORIGIN}\n42\n{ROOT_LINE}\n", "checkpoint", id="three lines"),
        pytest.param(f"{ORIGIN}\n42\n{ROOT_LINE}\nx\nextra\n", "checkpoint", id="five lines"),
        pytest.param(f"{ORIGIN}\n042\n{ROOT_LINE}\nT\n", "size", id="leading zero"),
        pytest.param(f"{ORIGIN}\n-1\n{ROOT_LINE}\nT\n", "size", id="negative size"),
        pytest.param(f"{ORIGIN}\n+1\n{ROOT_LINE}\nT\n", "size", id="signed size"),
        pytest.param(f"{ORIGIN}\n{2**64}\n{ROOT_LINE}\nT\n", "size", id="size over 64 bits"),
        pytest.param(f"{ORIGIN}\n42\n{ROOT_LINE[:-2]}\nT\n", "root", id="root not base64"),
        pytest.param(f"{ORIGIN}\n42\n{ROOT_LINE[:-1]}B\nT\n", "root", id="33 bytes"),
        pytest.param(f"{ORIGIN}\n42\n{NON_CANONICAL}\nT\n", "root", id="non-canonical base64"),
        pytest.param(f"{ORIGIN}\n42\n{base64.b64encode(b'x').decode()}\nT\n", "root", id="short"),
        pytest.param(f"{ORIGIN}\n42\n{ROOT_LINE}\n2026-11-23 03:00:00\n", "timestamp", id="time"),
        pytest.param(f"{ORIGIN}\n42\n{ROOT_LINE}\n2026-02-30T00:00:00Z\n", "timestamp", id="day"),
        pytest.param(f" {ORIGIN}\n42\n{ROOT_LINE}\nT\n", "origin", id="origin with a space"),
        pytest.param(f"\n42\n{ROOT_LINE}\nT\n", "origin", id="empty origin"),
    ],
)
def test_malformed_checkpoints_name_the_field(body: str, field: str) -> None:
    body = body.replace("\nT\n", "\n2026-11-23T03:00:00Z\n")
    signature = SIGNED.partition("\n\n")[2]
    with pytest.raises(MalformedError) as caught:
        parse_checkpoint(body + "\n" + signature)
    assert caught.value.code is LedgerCode.MALFORMED
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"origin": ""}, "origin"),
        ({"origin": "tab\there"}, "origin"),
        ({"size": -1}, "size"),
        ({"size": True}, "size"),
        ({"root": b"short"}, "root"),
        ({"timestamp": datetime(2026, 11, 23)}, "timestamp"),  # noqa: DTZ001
    ],
)
def test_checkpoints_are_validated_when_made(arguments: dict[str, object], field: str) -> None:
    values: dict[str, object] = {
        "origin": ORIGIN,
        "size": 1,
        "root": log_root(1),
        "timestamp": NOW,
        **arguments,
    }
    with pytest.raises(MalformedError) as caught:
        Checkpoint(**values)  # type: ignore[arg-type]
    assert caught.value.field == field


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(), st.binary(), st.text().map(lambda t: SIGNED[: len(t)] + t)))
def test_parsing_garbage_raises_only_ledger_errors(text: str | bytes) -> None:
    # Anything but MalformedError (a bare ValueError, a UnicodeError...) fails the test.
    with contextlib.suppress(MalformedError):
        parse_checkpoint(text)


@settings(max_examples=100, deadline=None)
@given(
    size=st.integers(min_value=0, max_value=2**64 - 1),
    moment=st.datetimes(timezones=st.just(UTC)),
    origin=st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), min_size=1),
)
def test_any_checkpoint_round_trips(size: int, moment: datetime, origin: str) -> None:
    checkpoint = Checkpoint(origin.strip() or "log", size, log_root(3), moment)
    parsed = verify_checkpoint(sign_checkpoint(checkpoint, "log", LOG), {"log": LOG.public_key()})
    assert parsed.checkpoint == checkpoint
