"""Signed notes are byte-for-byte those of Go's golang.org/x/mod/sumdb/note."""

from __future__ import annotations

import base64
import contextlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from hanoinet.core.ledger import (
    BadSignatureError,
    LedgerCode,
    MalformedError,
    UnknownSignerError,
    parse_verifier_key,
    verifier_key,
)
from hanoinet.core.ledger.note import (
    MAX_NOTE_BYTES,
    MAX_SIGNATURES,
    add_signature,
    key_id,
    parse_note,
    sign_text,
    verify_note,
)

# The example key pair and note of golang.org/x/mod/sumdb/note (note.go docs, note_test.go).
GO_VERIFIER_KEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_SIGNER_KEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_SIGNATURE_LINE = (
    "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgK"
    "vqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
GO_NOTE = GO_TEXT + "\n" + GO_SIGNATURE_LINE
OTHER = Ed25519PrivateKey.from_private_bytes(bytes([7]) * 32)


def go_signing_key() -> Ed25519PrivateKey:
    # The key material is base64 that may itself contain "+": split only four times.
    raw = base64.b64decode(GO_SIGNER_KEY.split("+", 4)[4])
    assert raw[0] == 1  # algorithm: Ed25519
    return Ed25519PrivateKey.from_private_bytes(raw[1:])


def test_signing_reproduces_the_go_note_exactly() -> None:
    key = go_signing_key()
    assert key_id("PeterNeumann", key.public_key()).hex() == "c74f20a3"
    assert verifier_key("PeterNeumann", key.public_key()) == GO_VERIFIER_KEY
    assert sign_text(GO_TEXT, "PeterNeumann", key).line() == GO_SIGNATURE_LINE


def test_the_go_note_verifies_with_its_published_key() -> None:
    name, public_key = parse_verifier_key(GO_VERIFIER_KEY)
    note = parse_note(GO_NOTE.encode("utf-8"))
    assert note.text == GO_TEXT
    assert note.serialise() == GO_NOTE
    assert verify_note(note, {name: public_key}) == ("PeterNeumann",)


@pytest.mark.parametrize(
    "vkey",
    [
        # The bad keys of Go's note_test.go, and a few more.
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3",
        "PeterNeumann+c74f20a3+!!!!",
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_malformed_verifier_keys_are_refused(vkey: str) -> None:
    with pytest.raises(MalformedError):
        parse_verifier_key(vkey)


def test_a_note_by_no_known_key_is_refused() -> None:
    with pytest.raises(UnknownSignerError) as caught:
        verify_note(parse_note(GO_NOTE), {"PeterNeumann": OTHER.public_key()})
    assert caught.value.code is LedgerCode.UNKNOWN_SIGNER
    with pytest.raises(UnknownSignerError):
        verify_note(parse_note(GO_NOTE), {})


def test_an_altered_text_fails_the_known_signature() -> None:
    _, public_key = parse_verifier_key(GO_VERIFIER_KEY)
    altered = GO_NOTE.replace("cryptography", "cryptographY")
    with pytest.raises(BadSignatureError) as caught:
        verify_note(parse_note(altered), {"PeterNeumann": public_key})
    assert caught.value.code is LedgerCode.BAD_SIGNATURE


def test_signatures_by_unknown_keys_are_kept_but_ignored() -> None:
    _, public_key = parse_verifier_key(GO_VERIFIER_KEY)
    both = add_signature(GO_NOTE, "EnochRoot", OTHER)
    assert both.startswith(GO_NOTE)
    assert [s.name for s in parse_note(both).signatures] == ["PeterNeumann", "EnochRoot"]
    assert verify_note(parse_note(both), {"PeterNeumann": public_key}) == ("PeterNeumann",)
    keys = {"PeterNeumann": public_key, "EnochRoot": OTHER.public_key()}
    assert verify_note(parse_note(both), keys) == ("PeterNeumann", "EnochRoot")


def test_signing_twice_adds_nothing_and_repeated_lines_count_once() -> None:
    _, public_key = parse_verifier_key(GO_VERIFIER_KEY)
    assert add_signature(GO_NOTE, "PeterNeumann", go_signing_key()) == GO_NOTE
    repeated = parse_note(GO_NOTE + GO_SIGNATURE_LINE)
    assert verify_note(repeated, {"PeterNeumann": public_key}) == ("PeterNeumann",)


def test_a_key_of_the_right_name_but_another_id_is_not_consulted() -> None:
    # A rotated key: same name, new key id. The old signature is simply not by it.
    with pytest.raises(UnknownSignerError):
        verify_note(parse_note(GO_NOTE), {"PeterNeumann": OTHER.public_key()})


@pytest.mark.parametrize(
    ("message", "field"),
    [
        pytest.param(GO_TEXT + GO_SIGNATURE_LINE, "note", id="no blank line"),
        pytest.param(GO_TEXT + "\n", "note", id="no signature"),
        pytest.param(GO_NOTE[:-1], "note", id="no final newline"),
        pytest.param(GO_TEXT + "\n- PeterNeumann AAAAAAAA\n", "signature", id="hyphen not em dash"),
        pytest.param(GO_TEXT + "\n\u2014 Peter+Neumann AAAAAAAA\n", "name", id="plus in name"),
        pytest.param(GO_TEXT + "\n\u2014  AAAAAAAA\n", "name", id="empty name"),
        pytest.param(GO_TEXT + "\n\u2014 PeterNeumann AAAA*AAA\n", "signature", id="not base64"),
        pytest.param(GO_TEXT + "\n\u2014 PeterNeumann AAAAAA==\n", "signature", id="too short"),
        pytest.param(GO_TEXT + "\n\u2014 PeterNeumann\n", "signature", id="no signature blob"),
        pytest.param("bell \x07\n\n" + GO_SIGNATURE_LINE, "note", id="control character"),
        pytest.param("\ud800\n\n" + GO_SIGNATURE_LINE, "note", id="lone surrogate"),
        pytest.param(b"\xff\n\n" + GO_SIGNATURE_LINE.encode(), "note", id="not UTF-8"),
        pytest.param(GO_TEXT + "\n" + GO_SIGNATURE_LINE * 101, "note", id="too many signatures"),
        pytest.param("x" * MAX_NOTE_BYTES + "\n\n" + GO_SIGNATURE_LINE, "note", id="too long"),
    ],
)
def test_malformed_notes_are_refused_with_the_field(message: str | bytes, field: str) -> None:
    with pytest.raises(MalformedError) as caught:
        parse_note(message)
    assert caught.value.code is LedgerCode.MALFORMED
    assert caught.value.field == field


def test_the_signature_limit_is_inclusive() -> None:
    assert len(parse_note(GO_TEXT + "\n" + GO_SIGNATURE_LINE * MAX_SIGNATURES).signatures) == 100


@pytest.mark.parametrize("text", ["no newline", "blank\n\nline\n", "bell \x07\n"])
def test_only_well_formed_texts_are_signed(text: str) -> None:
    with pytest.raises(MalformedError):
        sign_text(text, "log", OTHER)


@pytest.mark.parametrize("name", ["", "two words", "a+b", "tab\there", "\ud800"])
def test_only_well_formed_names_sign(name: str) -> None:
    with pytest.raises(MalformedError) as caught:
        sign_text(GO_TEXT, name, OTHER)
    assert caught.value.field == "name"


@settings(max_examples=300, deadline=None)
@given(message=st.one_of(st.text(), st.binary(), st.text().map(lambda t: GO_NOTE[: len(t)] + t)))
def test_parsing_garbage_raises_only_malformed(message: str | bytes) -> None:
    # Anything but MalformedError (a bare ValueError, a UnicodeError...) fails the test.
    with contextlib.suppress(MalformedError):
        parse_note(message)
