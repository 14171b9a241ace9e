"""Signed notes (C2SP signed-note, as in Go's ``golang.org/x/mod/sumdb/note``), Ed25519 only.

Wire form: the text (UTF-8, ending in a newline), one blank line, then one line per
signature::

    <text>
    <blank line>
    — <name> <base64(key id || signature)>

The dash is U+2014 EM DASH. The signature covers the text including its final newline.
The key id is the first four bytes of ``SHA-256(name || "\\n" || 0x01 || public key)``,
so a verifier looks a line up by (name, key id) and a renamed or rotated key cannot be
mistaken for another. Lines by keys the verifier does not know are kept but ignored:
that is how witnesses add co-signatures that only some readers check.

Following the same format as the Go implementation means a Go witness or verifier can
check our checkpoints, and we can check theirs.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hanoinet.core.ledger.errors import BadSignatureError, MalformedError, UnknownSignerError

SIGNATURE_PREFIX = "\u2014 "
ALG_ED25519 = 0x01
KEY_ID_SIZE = 4
ED25519_SIGNATURE_SIZE = 64
# Bounds on work and memory for a note from a stranger (Go stops at 100 signatures too).
MAX_SIGNATURES = 100
MAX_NOTE_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class NoteSignature:
    """One signature line: who signed (name and key id) and the signature bytes."""

    name: str
    key_id: bytes
    signature: bytes

    def line(self) -> str:
        blob = base64.b64encode(self.key_id + self.signature).decode("ascii")
        return f"{SIGNATURE_PREFIX}{self.name} {blob}\n"


@dataclass(frozen=True, slots=True)
class Note:
    """A parsed note: its text and its signature lines, in order, not yet verified."""

    text: str
    signatures: tuple[NoteSignature, ...]

    def serialise(self) -> str:
        return self.text + "\n" + "".join(signature.line() for signature in self.signatures)


def _raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def check_name(name: str) -> str:
    """A key name: non-empty, no whitespace, no ``+`` (it separates a verifier key's parts)."""
    if not name or "+" in name or any(char.isspace() for char in name):
        raise MalformedError(f"{name!r} is not a valid key name", field="name")
    _utf8(name, "name")
    return name


def _utf8(text: str, field: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise MalformedError("is not encodable as UTF-8", field=field) from None


def key_id(name: str, public_key: Ed25519PublicKey) -> bytes:
    """The four-byte key id of an Ed25519 note key.

    >>> key = Ed25519PublicKey.from_public_bytes(bytes(32))
    >>> len(key_id("log.example", key))
    4
    """
    data = _utf8(check_name(name), "name") + b"\n" + bytes([ALG_ED25519]) + _raw(public_key)
    return hashlib.sha256(data).digest()[:KEY_ID_SIZE]


def verifier_key(name: str, public_key: Ed25519PublicKey) -> str:
    """The one-line public key form ``<name>+<hex key id>+<base64(0x01 || key)>``.

    >>> vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    >>> verifier_key(*parse_verifier_key(vkey)) == vkey  # Go's golang.org/x/mod example
    True
    """
    blob = base64.b64encode(bytes([ALG_ED25519]) + _raw(public_key)).decode("ascii")
    return f"{name}+{key_id(name, public_key).hex()}+{blob}"


def parse_verifier_key(text: str) -> tuple[str, Ed25519PublicKey]:
    """The inverse of :func:`verifier_key`, checking the key id against the key."""
    parts = text.split("+", 2)
    if len(parts) != 3:
        raise MalformedError("needs name+keyid+key", field="verifier key")
    name, hex_id, blob = parts
    check_name(name)
    try:
        raw = base64.b64decode(blob, validate=True)
    except ValueError:  # binascii.Error, or a non-ASCII character
        raise MalformedError("the key is not base64", field="verifier key") from None
    if len(raw) != 1 + 32 or raw[0] != ALG_ED25519:
        raise MalformedError("is not an Ed25519 key", field="verifier key")
    public_key = Ed25519PublicKey.from_public_bytes(raw[1:])
    if key_id(name, public_key).hex() != hex_id:
        raise MalformedError("the key id does not match the key", field="verifier key")
    return name, public_key


def _check_text(text: str) -> None:
    encoded = _utf8(text, "note")
    if len(encoded) > MAX_NOTE_BYTES:
        raise MalformedError(f"is longer than {MAX_NOTE_BYTES} bytes", field="note")
    if any(char < " " and char != "\n" for char in text):
        raise MalformedError("contains a control character", field="note")


def sign_text(text: str, name: str, key: Ed25519PrivateKey) -> NoteSignature:
    """Sign a note text: non-empty, newline-terminated, no blank line inside."""
    _check_text(text)
    if not text.endswith("\n") or "\n\n" in text:
        raise MalformedError("must end with a newline and contain no blank line", field="note")
    return NoteSignature(
        name=name,
        key_id=key_id(name, key.public_key()),
        signature=key.sign(text.encode("utf-8")),
    )


def parse_note(message: str | bytes) -> Note:
    """Split a signed note into its text and signature lines; no verification yet."""
    if isinstance(message, bytes):
        try:
            message = message.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedError("is not UTF-8", field="note") from None
    _check_text(message)
    split = message.rfind("\n\n")
    if split < 0:
        raise MalformedError("has no blank line before the signatures", field="note")
    text, block = message[: split + 1], message[split + 2 :]
    if not block.endswith("\n"):
        raise MalformedError(
            "has no signature, or a signature line without a newline", field="note"
        )
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise MalformedError(f"has more than {MAX_SIGNATURES} signatures", field="note")
    return Note(text=text, signatures=tuple(_parse_line(line) for line in lines))


def _parse_line(line: str) -> NoteSignature:
    if not line.startswith(SIGNATURE_PREFIX):
        raise MalformedError(f"{line[:40]!r} is not a signature line", field="signature")
    name, _, blob = line[len(SIGNATURE_PREFIX) :].partition(" ")
    check_name(name)
    try:
        raw = base64.b64decode(blob, validate=True)
    except ValueError:  # binascii.Error, or a non-ASCII character
        raise MalformedError(f"the signature by {name} is not base64", field="signature") from None
    if len(raw) <= KEY_ID_SIZE:
        raise MalformedError(f"the signature by {name} is too short", field="signature")
    return NoteSignature(name=name, key_id=raw[:KEY_ID_SIZE], signature=raw[KEY_ID_SIZE:])


def verify_note(note: Note, public_keys: Mapping[str, Ed25519PublicKey]) -> tuple[str, ...]:
    """Names of the known keys whose signatures verify, in note order.

    A line whose (name, key id) matches no key in ``public_keys`` is skipped; a line
    that matches one must verify (:class:`BadSignatureError` otherwise). At least one must
    match (:class:`UnknownSignerError` otherwise). Repeated lines by one key count once,
    as in Go.
    """
    ids = {name: key_id(name, key) for name, key in public_keys.items()}
    message = note.text.encode("utf-8")
    verified: list[str] = []
    for signature in note.signatures:
        if ids.get(signature.name) != signature.key_id or signature.name in verified:
            continue
        try:
            public_keys[signature.name].verify(signature.signature, message)
        except InvalidSignature:
            raise BadSignatureError(f"the signature by {signature.name} does not verify") from None
        verified.append(signature.name)
    if not verified:
        raise UnknownSignerError(
            f"none of the {len(note.signatures)} signature(s) is by a trusted key"
        )
    return tuple(verified)


def add_signature(message: str, name: str, key: Ed25519PrivateKey) -> str:
    """The signed note with one more signature line by ``key`` (at the end).

    Ed25519 signatures are deterministic, so signing twice would add the same line:
    a note this key already signed comes back unchanged.
    """
    note = parse_note(message)
    signature = sign_text(note.text, name, key)
    if signature in note.signatures:
        return note.serialise()
    return Note(note.text, (*note.signatures, signature)).serialise()
