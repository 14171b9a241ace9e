"""Signed checkpoints: a log's commitment to its size and root hash at a moment.

The text follows C2SP tlog-checkpoint, with the time as its one extension line, and is
signed as a C2SP signed note (see :mod:`hanoinet.core.ledger.note`)::

    hanoinet.example/VNM/custody
    42
    <base64 of the 32-byte RFC 9162 root hash>
    2026-11-23T03:00:00Z

    — hanoinet.example/VNM/custody <base64(key id || Ed25519 signature)>
    — witness.example/KHM <base64(key id || Ed25519 signature)>

The first signature is the log's; witnesses that checked the checkpoint against the
ones they saw before (:mod:`hanoinet.core.ledger.witness`) add theirs with
:func:`cosign`. Every signature covers the same four lines, so a reader can count how many
independent parties vouch for one view of the log. Co-signatures here are plain note
signatures over the checkpoint text, not the timestamped C2SP ``cosignature/v1``.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hanoinet.core.ledger.errors import MalformedError
from hanoinet.core.ledger.merkle import HASH_SIZE
from hanoinet.core.ledger.note import (
    Note,
    NoteSignature,
    add_signature,
    parse_note,
    sign_text,
    verify_note,
)

UTC_TIME = "%Y-%m-%dT%H:%M:%SZ"
# Tree sizes are unsigned 64-bit in every CT implementation; larger would not interoperate.
MAX_TREE_SIZE = 2**64 - 1
_SIZE = re.compile(r"0|[1-9][0-9]{0,19}")
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """What a log commits to: its origin (the log's name), size, root hash and time.

    The time is kept to the second, in UTC, as it is written.
    """

    origin: str
    size: int
    root: bytes
    timestamp: datetime

    def __post_init__(self) -> None:
        if not self.origin or self.origin != self.origin.strip():
            raise MalformedError("must be non-empty, without surrounding spaces", field="origin")
        if any(char < " " for char in self.origin):
            raise MalformedError("contains a control character", field="origin")
        if isinstance(self.size, bool) or not 0 <= self.size <= MAX_TREE_SIZE:
            raise MalformedError(f"{self.size!r} is not a tree size", field="size")
        if len(self.root) != HASH_SIZE:
            raise MalformedError(f"is {len(self.root)} bytes, not {HASH_SIZE}", field="root")
        if self.timestamp.utcoffset() is None:
            raise MalformedError("must be timezone-aware", field="timestamp")
        # Normalised once here so that a checkpoint equals its own parsed text.
        object.__setattr__(self, "timestamp", self.timestamp.astimezone(UTC).replace(microsecond=0))

    def to_text(self) -> str:
        """The note text that is signed: origin, size, root and time, one per line.

        >>> Checkpoint("log", 0, bytes(32), datetime(2026, 1, 2, tzinfo=UTC)).to_text()
        'log\\n0\\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\\n2026-01-02T00:00:00Z\\n'
        """
        root = base64.b64encode(self.root).decode("ascii")
        # isoformat, not strftime: %Y is not zero-padded below year 1000 on glibc.
        moment = self.timestamp.isoformat(timespec="seconds").replace("+00:00", "Z")
        return f"{self.origin}\n{self.size}\n{root}\n{moment}\n"


@dataclass(frozen=True, slots=True)
class SignedCheckpoint:
    """A parsed checkpoint note; its signatures are not verified yet."""

    checkpoint: Checkpoint
    signatures: tuple[NoteSignature, ...]


@dataclass(frozen=True, slots=True)
class VerifiedCheckpoint:
    """A checkpoint and the names of the trusted keys whose signatures verified."""

    checkpoint: Checkpoint
    signers: tuple[str, ...]


def _parse_text(text: str) -> Checkpoint:
    lines = text.split("\n")
    # The text ends with a newline, so the split leaves one empty string at the end.
    if len(lines) != 5:
        raise MalformedError("a checkpoint has exactly four lines", field="checkpoint")
    origin, size, root, timestamp, _ = lines
    if not _SIZE.fullmatch(size):
        raise MalformedError(f"{size[:30]!r} is not a decimal number", field="size")
    try:
        root_hash = base64.b64decode(root, validate=True)
    except ValueError:  # binascii.Error, or a non-ASCII character
        raise MalformedError("is not base64", field="root") from None
    # One text per checkpoint: refuse any other base64 spelling of the same bytes.
    if base64.b64encode(root_hash).decode("ascii") != root:
        raise MalformedError("is not canonical base64", field="root")
    if not _TIME.fullmatch(timestamp):
        raise MalformedError(f"{timestamp[:30]!r} is not YYYY-MM-DDTHH:MM:SSZ", field="timestamp")
    try:
        moment = datetime.strptime(timestamp, UTC_TIME).replace(tzinfo=UTC)
    except ValueError:
        raise MalformedError(f"{timestamp!r} is not a real time", field="timestamp") from None
    return Checkpoint(origin=origin, size=int(size), root=root_hash, timestamp=moment)


def sign_checkpoint(checkpoint: Checkpoint, name: str, key: Ed25519PrivateKey) -> str:
    """The signed note of ``checkpoint``, signed by the log's key ``name``.

    >>> key = Ed25519PrivateKey.generate()
    >>> moment = datetime(2026, 1, 2, tzinfo=UTC)
    >>> text = sign_checkpoint(Checkpoint("log", 0, bytes(32), moment), "log", key)
    >>> verify_checkpoint(text, {"log": key.public_key()}).signers
    ('log',)
    """
    text = checkpoint.to_text()
    return Note(text, (sign_text(text, name, key),)).serialise()


def parse_checkpoint(text: str | bytes) -> SignedCheckpoint:
    """Read a checkpoint note without checking its signatures (:class:`MalformedError`)."""
    note = parse_note(text)
    return SignedCheckpoint(checkpoint=_parse_text(note.text), signatures=note.signatures)


def verify_checkpoint(
    text: str | bytes, public_keys: Mapping[str, Ed25519PublicKey]
) -> VerifiedCheckpoint:
    """Parse a checkpoint note and verify it against trusted keys (name -> key).

    Signatures by keys not in ``public_keys`` are ignored; one by a listed key that does
    not verify raises :class:`BadSignatureError`, and a note with none by a listed key
    raises :class:`UnknownSignerError`. The caller decides whose signatures it needs
    (the log's own, a quorum of witnesses) from ``signers``.
    """
    note = parse_note(text)
    checkpoint = _parse_text(note.text)
    return VerifiedCheckpoint(checkpoint=checkpoint, signers=verify_note(note, public_keys))


def cosign(text: str, name: str, key: Ed25519PrivateKey) -> str:
    """The checkpoint note with one more signature (a witness's) appended.

    The checkpoint is parsed first, so a witness never signs something that is not one.
    """
    _parse_text(parse_note(text).text)
    return add_signature(text, name, key)
