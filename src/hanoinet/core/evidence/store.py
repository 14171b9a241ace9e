"""The evidence store on a local folder: content-addressed, deduplicated, encrypted at rest.

``ingest`` reads a file once: each chunk is hashed (SHA-256 of the plaintext, through
OpenSSL) in a helper thread while the main thread seals and writes it — both release the
GIL, so on two cores the ingest runs at about the speed of hashing alone, with memory
flat whatever the size. The object is written to a temporary file, flushed to disk and
renamed to ``objects/<2 hex>/<sha-256>`` only once complete: nothing half-written is ever
visible, and a failure (disk full, a source that breaks off) leaves nothing behind.
"""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

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


class LocalStore:
    def __init__(
        self,
        root: Path,
        kek: bytes,
        *,
        old_keks: tuple[bytes, ...] = (),
        chunk_size: int = DEFAULT_CHUNK,
    ) -> None:
        if len(kek) != 32:
            raise EvidenceError("malformed", "the key-encryption key must be 32 bytes")
        self.root, self.kek, self.chunk_size = Path(root), kek, chunk_size
        self._keks = {key_id(k): k for k in (kek, *old_keks)}
        (self.root / "objects").mkdir(parents=True, exist_ok=True)
        (self.root / "tmp").mkdir(parents=True, exist_ok=True)

    def path(self, digest: str) -> Path:
        digest = _check_digest(digest)
        return self.root / "objects" / digest[:2] / digest

    def exists(self, digest: str) -> bool:
        return self.path(digest).is_file()

    # Writing ----------------------------------------------------------------------------
    _write: Callable[[BinaryIO, bytes | memoryview], object] = staticmethod(
        lambda out, data: out.write(data)
    )

    def ingest(self, source: BinaryIO, *, max_bytes: int | None = None) -> Stored:
        sealer = Sealer(self.kek, self.chunk_size)
        hasher = hashlib.sha256()
        # Two plaintext buffers: one is hashed (helper thread) while the other is read
        # ahead, so that the end of the file is known before its last chunk is sealed.
        buffers = [bytearray(self.chunk_size), bytearray(self.chunk_size)]
        sealed = memoryview(bytearray(self.chunk_size + TAG))
        size = 0
        handle, temp_name = tempfile.mkstemp(dir=self.root / "tmp", prefix="ingest-")
        temp = Path(temp_name)
        try:
            with os.fdopen(handle, "wb") as out, ThreadPoolExecutor(1) as pool:
                self._write(out, sealer.header_bytes)
                current, length = 0, _fill(source, buffers[0])
                while True:
                    size += length
                    if max_bytes is not None and size > max_bytes:
                        raise EvidenceError(
                            "too_large", f"the file is larger than the limit of {max_bytes} bytes"
                        )
                    chunk = memoryview(buffers[current])[:length]
                    hashing = pool.submit(hasher.update, chunk)  # in parallel with sealing
                    following = (
                        _fill(source, buffers[1 - current]) if length == self.chunk_size else 0
                    )
                    written = sealer.seal_into(chunk, sealed, last=not following)
                    self._write(out, sealed[:written])
                    hashing.result()  # the buffer is read ahead into next time round
                    if not following:
                        break
                    current, length = 1 - current, following
                out.flush()
                os.fsync(out.fileno())
            digest = hasher.hexdigest()
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
    def open(self, digest: str) -> Iterator[bytes]:
        """The plaintext, chunk by chunk, each checked; the digest is checked at the end."""
        path = self.path(digest)
        if not path.is_file():
            raise EvidenceError("missing", f"no object {digest} in this store")
        hasher = hashlib.sha256()
        with path.open("rb") as source:
            for chunk in open_stream(source, self._keks.get):
                hasher.update(chunk)
                yield chunk
        if hasher.hexdigest() != digest:
            raise EvidenceError("wrong_digest", f"object {digest} does not hash to its name")

    def verify(self, digest: str) -> int:
        """Decrypt and hash the whole object; its size if every check passes."""
        return sum(len(chunk) for chunk in self.open(digest))
