"""The evidence store: content-addressed, deduplicated, encrypted at rest.

:func:`seal` is the one-pass pipeline every backend shares: it reads a file once, and
each chunk is hashed (SHA-256 of the plaintext, through OpenSSL) in a helper thread
while the main thread seals it and hands it to the backend's sink — both release the
GIL, so on two cores the ingest runs at about the speed of hashing alone, with memory
flat whatever the size. :class:`EvidenceStore` holds what backends share (keys, checked
reads); :class:`LocalStore` keeps objects in a folder, ``S3Store`` (in
:mod:`hanoinet.core.evidence.s3`) in S3-compatible object storage.

``LocalStore`` writes the object to a temporary file (direct I/O from a helper thread,
see :mod:`hanoinet.core.evidence.direct`), flushes it to disk and renames it to
``objects/<2 hex>/<sha-256>`` only once complete: nothing half-written is ever
visible, and a failure (disk full, a source that breaks off) leaves nothing behind.
"""

from __future__ import annotations

import errno
import hashlib
import os
import secrets
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from hanoinet.core.evidence.direct import StagedWriter, open_for_writing
from hanoinet.core.evidence.stream import (
    DEFAULT_CHUNK,
    TAG,
    EvidenceError,
    Sealer,
    key_id,
    open_stream,
)

HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class Stored:
    digest: str  # SHA-256 of the plaintext, hex
    size: int
    deduplicated: bool  # the same content was already stored


def _check_digest(digest: str) -> str:
    if len(digest) != 64 or not set(digest) <= HEX:
        raise EvidenceError("malformed", f"{digest[:80]!r} is not a SHA-256 digest in hex")
    return digest


def _fill(source: BinaryIO, buffer: bytearray) -> int:
    """Fill ``buffer`` from ``source``; fewer bytes only at the end of the source."""
    view, filled = memoryview(buffer), 0
    readinto = getattr(source, "readinto", None)
    while filled < len(buffer):
        if readinto is not None:
            got = readinto(view[filled:])
        else:  # a source with read() only
            part = source.read(len(buffer) - filled)
            got = len(part)
            view[filled : filled + got] = part
        if not got:
            break
        filled += got
    return filled


# Where the sealed bytes go, in order. The buffer it is given is reused for the next
# chunk: a sink must write or copy the bytes before it returns.
Sink = Callable[[memoryview], object]


def seal(
    source: BinaryIO,
    kek: bytes,
    sink: Sink,
    *,
    chunk_size: int = DEFAULT_CHUNK,
    max_bytes: int | None = None,
) -> tuple[str, int]:
    """Read ``source`` once, give the sealed object to ``sink``; its SHA-256 and size.

    >>> import io
    >>> from hanoinet.core.evidence.stream import HEADER
    >>> sealed = bytearray()
    >>> digest, size = seal(io.BytesIO(b"abc"), bytes(32), sealed.extend)
    >>> digest[:16], size, len(sealed) == HEADER.size + size + TAG
    ('ba7816bf8f01cfea', 3, True)
    """
    sealer = Sealer(kek, chunk_size)
    hasher = hashlib.sha256()
    # Three plaintext buffers: while chunk i is sealed, chunk i+1 is already read and
    # queued for the hashing thread (which so never waits for this one between two
    # chunks), and the end of the file is known before the last chunk is sealed. A buffer
    # is read into again only once its hash is done.
    buffers = [bytearray(chunk_size) for _ in range(3)]
    sealed = memoryview(bytearray(chunk_size + TAG))
    size = 0
    with ThreadPoolExecutor(1) as pool:
        sink(memoryview(sealer.header_bytes))
        index, length = 0, _fill(source, buffers[0])
        chunk = memoryview(buffers[0])[:length]
        hashing = pool.submit(hasher.update, chunk)
        while True:
            size += length
            if max_bytes is not None and size > max_bytes:
                raise EvidenceError(
                    "too_large", f"the file is larger than the limit of {max_bytes} bytes"
                )
            following = 0
            if length == chunk_size:
                upcoming = buffers[(index + 1) % 3]
                following = _fill(source, upcoming)
            if following:
                next_chunk = memoryview(upcoming)[:following]
                next_hashing = pool.submit(hasher.update, next_chunk)  # queued behind
            written = sealer.seal_into(chunk, sealed, last=not following)
            sink(sealed[:written])
            hashing.result()
            if not following:
                break
            index, length, chunk, hashing = index + 1, following, next_chunk, next_hashing
    return hasher.hexdigest(), size


class EvidenceStore(ABC):
    """What every backend shares: the node's keys, the one-pass ingest, checked reads."""

    def __init__(
        self, kek: bytes, *, old_keks: tuple[bytes, ...] = (), chunk_size: int = DEFAULT_CHUNK
    ) -> None:
        if len(kek) != 32:
            raise EvidenceError("malformed", "the key-encryption key must be 32 bytes")
        self.kek, self.chunk_size = kek, chunk_size
        self._keks = {key_id(k): k for k in (kek, *old_keks)}

    def _seal(self, source: BinaryIO, sink: Sink, max_bytes: int | None) -> tuple[str, int]:
        return seal(source, self.kek, sink, chunk_size=self.chunk_size, max_bytes=max_bytes)

    @abstractmethod
    def ingest(self, source: BinaryIO, *, max_bytes: int | None = None) -> Stored:
        """Store the file read from ``source``; nothing is left behind if it fails."""

    @abstractmethod
    def exists(self, digest: str) -> bool: ...

    @abstractmethod
    def _reader(self, digest: str) -> AbstractContextManager[BinaryIO]:
        """The sealed object, to read; raises ``EvidenceError("missing")``."""

    def open(self, digest: str) -> Iterator[bytes]:
        """The plaintext, chunk by chunk, each checked; the digest is checked at the end."""
        digest = _check_digest(digest)
        hasher = hashlib.sha256()
        with self._reader(digest) as source:
            for chunk in open_stream(source, self._keks.get):
                hasher.update(chunk)
                yield chunk
        if hasher.hexdigest() != digest:
            raise EvidenceError("wrong_digest", f"object {digest} does not hash to its name")

    def verify(self, digest: str) -> int:
        """Decrypt and hash the whole object; its size if every check passes."""
        return sum(len(chunk) for chunk in self.open(digest))


class LocalStore(EvidenceStore):
    def __init__(
        self,
        root: Path,
        kek: bytes,
        *,
        old_keks: tuple[bytes, ...] = (),
        chunk_size: int = DEFAULT_CHUNK,
    ) -> None:
        super().__init__(kek, old_keks=old_keks, chunk_size=chunk_size)
        self.root = Path(root)
        (self.root / "objects").mkdir(parents=True, exist_ok=True)
        (self.root / "tmp").mkdir(parents=True, exist_ok=True)

    def path(self, digest: str) -> Path:
        digest = _check_digest(digest)
        return self.root / "objects" / digest[:2] / digest

    def exists(self, digest: str) -> bool:
        return self.path(digest).is_file()

    # Writing ----------------------------------------------------------------------------
    # The system call that writes; a seam for the disk-full tests.
    _write: Callable[[int, memoryview], int] = staticmethod(os.write)

    def ingest(self, source: BinaryIO, *, max_bytes: int | None = None) -> Stored:
        temp = self.root / "tmp" / f"ingest-{secrets.token_hex(16)}"
        try:
            handle, direct = open_for_writing(str(temp))
            try:
                writer = StagedWriter(handle, direct=direct, raw_write=self._write)
                try:
                    digest, size = self._seal(source, writer.write, max_bytes)
                    writer.close()
                except BaseException:
                    writer.abandon()
                    raise
            finally:
                os.close(handle)
            final = self.path(digest)
            if final.exists():
                temp.unlink()
                return Stored(digest, size, deduplicated=True)
            final.parent.mkdir(exist_ok=True)
            os.replace(temp, final)
            return Stored(digest, size, deduplicated=False)
        except OSError as exc:
            temp.unlink(missing_ok=True)
            if exc.errno == errno.ENOSPC:
                raise EvidenceError("disk_full", "the disk is full: nothing was stored") from None
            raise EvidenceError("io_error", f"the file could not be stored: {exc}") from None
        except BaseException:
            temp.unlink(missing_ok=True)
            raise

    # Reading ----------------------------------------------------------------------------
    def _reader(self, digest: str) -> AbstractContextManager[BinaryIO]:
        path = self.path(digest)
        if not path.is_file():
            raise EvidenceError("missing", f"no object {digest} in this store")
        return path.open("rb")
