"""Sending a court bundle to another State: the bundle packed as one archive, cut in
chunks, each sealed with a key that travels only inside the (signed, encrypted) offer.

The receiving node fetches the chunks itself, in any order and as often as it needs (a
broken connection resumes at the first missing chunk), checks each against the hash the
offer lists, and unpacks the archive only once the whole of it matches. So a transfer of
gigabytes never sits in a federation message, and nothing unverified is ever unpacked.

Wire form of the offer (a JSON body inside a federation envelope)::

    {"transfer": uuid, "size": bytes, "sha256": hex, "chunk_size": bytes,
     "chunks": [sha256 of each plaintext chunk, hex], "key": base64url 32 bytes,
     "token": base64url 32 bytes, "items": [...], "reason": text}

Chunk ``n`` on the wire is AES-256-GCM(key, nonce = n as 12 big-endian bytes,
associated data = transfer id) of plaintext bytes ``[n*chunk_size, (n+1)*chunk_size)``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import secrets
import tarfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hanoinet.core.errors import CoreError

CHUNK_SIZE = 4 * 1024 * 1024
MAX_CHUNKS = 1 << 16  # 256 GiB at the default chunk size
MAX_MEMBERS = 10_000


class TransferError(CoreError):
    """An offer, chunk or archive that cannot be accepted; ``code`` is stable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


@dataclass(frozen=True, slots=True)
class Offer:
    transfer: str
    size: int
    sha256: str
    chunk_size: int
    chunks: tuple[str, ...]
    key: bytes
    token: bytes
    items: tuple[dict[str, Any], ...]
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "transfer": self.transfer,
            "size": self.size,
            "sha256": self.sha256,
            "chunk_size": self.chunk_size,
            "chunks": list(self.chunks),
            "key": _b64(self.key),
            "token": _b64(self.token),
            "items": list(self.items),
            "reason": self.reason,
        }


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: object, name: str) -> bytes:
    if not isinstance(text, str) or len(text) != 43:
        raise TransferError("malformed", f"{name} must be 32 bytes in base64url")
    try:
        return base64.urlsafe_b64decode(text + "=")
    except ValueError:
        raise TransferError("malformed", f"{name} is not base64url") from None


def _hex64(value: object, name: str) -> str:
    if not isinstance(value, str) or len(value) != 64 or not set(value) <= set("0123456789abcdef"):
        raise TransferError("malformed", f"{name} must be a SHA-256 in lower-case hex")
    return value


def chunk_count(size: int, chunk_size: int) -> int:
    """
    >>> chunk_count(0, 4), chunk_count(4, 4), chunk_count(5, 4)
    (1, 1, 2)
    """
    return max(1, -(-size // chunk_size))


def parse_offer(body: object) -> Offer:
    """Check everything in a peer's offer before anything is fetched.

    >>> parse_offer({"transfer": "x"})
    Traceback (most recent call last):
    hanoinet.core.evidence.transfer.TransferError: malformed: the transfer id is not a UUID
    """
    if not isinstance(body, dict):
        raise TransferError("malformed", "the offer is not an object")
    try:
        transfer = str(uuid.UUID(str(body.get("transfer", ""))))
    except ValueError:
        raise TransferError("malformed", "the transfer id is not a UUID") from None
    size, chunk_size = body.get("size"), body.get("chunk_size")
    if type(size) is not int or size < 0:
        raise TransferError("malformed", "size must be a whole number of bytes")
    if type(chunk_size) is not int or not 1024 <= chunk_size <= 64 * 1024 * 1024:
        raise TransferError("malformed", "chunk_size must be between 1 KiB and 64 MiB")
    chunks = body.get("chunks")
    expected = chunk_count(size, chunk_size)
    if expected > MAX_CHUNKS:
        raise TransferError("too_large", f"{expected} chunks, at most {MAX_CHUNKS}")
    if not isinstance(chunks, list) or len(chunks) != expected:
        raise TransferError("malformed", f"chunks must list {expected} hashes for {size} bytes")
    items = body.get("items", [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise TransferError("malformed", "items must be a list of objects")
    reason = body.get("reason", "")
    return Offer(
        transfer=transfer,
        size=size,
        sha256=_hex64(body.get("sha256"), "sha256"),
        chunk_size=chunk_size,
        chunks=tuple(_hex64(h, f"chunks[{i}]") for i, h in enumerate(chunks)),
        key=_unb64(body.get("key"), "key"),
        token=_unb64(body.get("token"), "token"),
        items=tuple(items[:1000]),
        reason=str(reason)[:500],
    )


def _nonce(index: int) -> bytes:
    return index.to_bytes(12, "big")


def seal_chunk(key: bytes, transfer: str, index: int, plain: bytes) -> bytes:
    return AESGCM(key).encrypt(_nonce(index), plain, transfer.encode())


def open_chunk(offer: Offer, index: int, sealed: bytes) -> bytes:
    """The plaintext of chunk ``index``, only if it is authentic and the offer's own.

    >>> key, token = new_secrets()
    >>> offer = make_offer("7d3c3f8e-0d5a-4c2e-9a4b-2f1d7c9e8a10", [b"abc"], key, token, 1024)
    >>> open_chunk(offer, 0, seal_chunk(key, offer.transfer, 0, b"abc"))
    b'abc'
    """
    if not 0 <= index < len(offer.chunks):
        raise TransferError("malformed", f"chunk {index} is not in the offer")
    try:
        plain = AESGCM(offer.key).decrypt(_nonce(index), sealed, offer.transfer.encode())
    except InvalidTag:
        raise TransferError("tampered", f"chunk {index} fails authentication") from None
    if hashlib.sha256(plain).hexdigest() != offer.chunks[index]:
        raise TransferError("tampered", f"chunk {index} does not match the offer's hash")
    return plain


def new_secrets() -> tuple[bytes, bytes]:
    """A fresh chunk key and fetch token."""
    return secrets.token_bytes(32), secrets.token_bytes(32)


def make_offer(
    transfer: str,
    chunks: list[bytes],
    key: bytes,
    token: bytes,
    chunk_size: int,
    *,
    items: tuple[dict[str, Any], ...] = (),
    reason: str = "",
) -> Offer:
    whole = hashlib.sha256()
    for chunk in chunks:
        whole.update(chunk)
    return Offer(
        transfer=transfer,
        size=sum(len(c) for c in chunks),
        sha256=whole.hexdigest(),
        chunk_size=chunk_size,
        chunks=tuple(hashlib.sha256(c).hexdigest() for c in chunks),
        key=key,
        token=token,
        items=items,
        reason=reason,
    )


def read_chunks(source: BinaryIO, chunk_size: int) -> Iterator[bytes]:
    """The source cut in chunks; an empty source is one empty chunk."""
    first = True
    while True:
        chunk = source.read(chunk_size)
        if not chunk and not first:
            return
        yield chunk
        first = False
        if len(chunk) < chunk_size:
            return


def pack(folder: Path, out: BinaryIO) -> None:
    """A bag folder as an uncompressed tar: names relative, sorted, no owners or times,
    so that packing the same bag twice gives the same bytes."""
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = archive.gettarinfo(str(path), arcname=path.relative_to(folder).as_posix())
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.mtime = 0
            info.mode = 0o644
            with path.open("rb") as content:
                archive.addfile(info, content)


def unpack(archive_path: Path, folder: Path) -> None:
    """Unpack a received archive: regular files only, inside ``folder``, bounded count.

    A member that is a link, a device, an absolute path or climbs out with ``..`` is
    refused, whatever the sender's node says about it.
    """
    folder.mkdir(parents=True, exist_ok=False)
    with tarfile.open(archive_path, mode="r:") as archive:
        members = archive.getmembers()
        if len(members) > MAX_MEMBERS:
            raise TransferError("too_large", f"{len(members)} files in the archive")
        for member in members:
            name = PurePosixPath(member.name)
            if not member.isfile() or name.is_absolute() or ".." in name.parts:
                raise TransferError("malformed", f"archive member {member.name!r} is not allowed")
        archive.extractall(folder, filter="data")


def pack_to_memory(folder: Path) -> bytes:
    """For tests and small bundles."""
    buffer = io.BytesIO()
    pack(folder, buffer)
    return buffer.getvalue()
