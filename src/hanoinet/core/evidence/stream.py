"""Evidence at rest: a file encrypted in chunks with AES-256-GCM, in one pass.

The format (``hanoinet-evidence/1``) follows the STREAM construction (Hoang, Reyhanitabar,
Rogaway, Vizár, 2015), as age and Tink's streaming AEAD do: the plaintext is cut into
chunks of a fixed size; chunk *i* is sealed with the nonce ``prefix ‖ i ‖ last`` and the
header as associated data. So a chunk cannot be altered, dropped, repeated, moved or
swapped with one of another file, and a file cut at a chunk boundary is detected because
its last chunk was not sealed as last.

Header, 64 bytes::

    magic "HNEV" | version 1 | 3 zero bytes | chunk size (4, big-endian) |
    nonce prefix (7) | key-encryption-key id (8) | wrapped item key (40, AES key wrap) |
    1 zero byte

Each item has its own random key, wrapped (RFC 3394) by the node's key-encryption key;
the id (the first 8 bytes of SHA-256 of that key) says which key to unwrap it with.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

from hanoinet.core.errors import CoreError

MAGIC = b"HNEV"
VERSION = 1
HEADER = struct.Struct(">4sB3xI7s8s40sx")
TAG = 16
DEFAULT_CHUNK = 1 << 20  # 1 MiB: large enough for full speed, small enough for flat memory
MAX_CHUNK = 1 << 26


class EvidenceError(CoreError):
    """An evidence object is missing, damaged or refused; ``code`` names the failed check."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def key_id(kek: bytes) -> bytes:
    return hashlib.sha256(kek).digest()[:8]


@dataclass(frozen=True)
class Header:
    chunk_size: int
    prefix: bytes
    kek_id: bytes
    wrapped_key: bytes

    def pack(self) -> bytes:
        return HEADER.pack(
            MAGIC, VERSION, self.chunk_size, self.prefix, self.kek_id, self.wrapped_key
        )

    @classmethod
    def parse(cls, raw: bytes) -> Header:
        if len(raw) != HEADER.size:
            raise EvidenceError("truncated", "the object is shorter than its header")
        magic, version, chunk_size, prefix, kek, wrapped = HEADER.unpack(raw)
        if magic != MAGIC:
            raise EvidenceError("malformed", "not a hanoinet evidence object")
        if version != VERSION:
            raise EvidenceError("malformed", f"unsupported evidence format version {version}")
        if not 0 < chunk_size <= MAX_CHUNK:
            raise EvidenceError("malformed", f"impossible chunk size {chunk_size}")
        return cls(chunk_size, prefix, kek, wrapped)


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    if index >= 1 << 32:
        raise EvidenceError("too_large", "more chunks than the format can count")
    return prefix + struct.pack(">I?", index, last)


class Sealer:
    """Seals one object chunk by chunk; the caller writes what it returns, in order."""

    def __init__(self, kek: bytes, chunk_size: int = DEFAULT_CHUNK) -> None:
        if not 0 < chunk_size <= MAX_CHUNK:
            raise EvidenceError("malformed", f"impossible chunk size {chunk_size}")
        item_key = AESGCM.generate_key(256)
        self.header = Header(chunk_size, os.urandom(7), key_id(kek), aes_key_wrap(kek, item_key))
        self.header_bytes = self.header.pack()
        self._aead = AESGCM(item_key)
        self._index = 0

    def seal(self, chunk: bytes, *, last: bool) -> bytes:
        if len(chunk) > self.header.chunk_size or (
            not last and len(chunk) != self.header.chunk_size
        ):
            raise EvidenceError("malformed", "chunks must be full except the last")
        sealed = self._aead.encrypt(
            _nonce(self.header.prefix, self._index, last), chunk, self.header_bytes
        )
        self._index += 1
        return sealed

    def seal_into(self, chunk: memoryview, out: memoryview, *, last: bool) -> int:
        """As :meth:`seal`, into a buffer the caller reuses (no allocation per chunk: at
        a megabyte each, fresh buffers cost more in page faults than the cipher);
        returns the number of bytes written to ``out``."""
        size = self.header.chunk_size
        if len(chunk) > size or (not last and len(chunk) != size):
            raise EvidenceError("malformed", "chunks must be full except the last")
        written = len(chunk) + TAG
        self._aead.encrypt_into(
            _nonce(self.header.prefix, self._index, last),
            chunk,
            self.header_bytes,
            out[:written],
        )
        self._index += 1
        return written


def open_stream(source: BinaryIO, keks: Callable[[bytes], bytes | None]) -> Iterator[bytes]:
    """The plaintext chunks of an object, each checked before it is given out.

    ``keks`` finds the key-encryption key by its id. Raises :class:`EvidenceError`:
    ``unknown_key``, ``corrupted`` (a chunk or the header altered, chunks moved),
    ``truncated`` (cut short), ``malformed``.
    """
    header_bytes = source.read(HEADER.size)
    header = Header.parse(header_bytes)
    kek = keks(header.kek_id)
    if kek is None:
        raise EvidenceError("unknown_key", "the key that sealed this object is not available")
    try:
        aead = AESGCM(aes_key_unwrap(kek, header.wrapped_key))
    except InvalidUnwrap:
        raise EvidenceError("corrupted", "the item key does not unwrap: header altered") from None
    block = header.chunk_size + TAG
    index = 0
    current = source.read(block)
    while True:
        if len(current) < TAG:
            raise EvidenceError("truncated", f"chunk {index} is cut short")
        following = source.read(block) if len(current) == block else b""
        last = not following
        try:
            plain = aead.decrypt(_nonce(header.prefix, index, last), current, header_bytes)
        except InvalidTag:
            code = "truncated" if last and len(current) == block else "corrupted"
            raise EvidenceError(code, f"chunk {index} fails its check ({code})") from None
        yield plain
        if last:
            return
        index += 1
        current = following
