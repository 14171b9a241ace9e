"""The evidence store in S3-compatible object storage (AWS S3, MinIO, Ceph RGW, Garage…).

The ingest is the same single pass as the local store's (:func:`seal`): the sealed bytes go
into a multipart upload, buffered one part at a time, so memory stays flat whatever the
size. The object's name, the plaintext's SHA-256, is known only at the end, so the upload
goes to a temporary key ``<prefix>incoming/<uuid>``. Once it is complete it is copied
server-side to ``<prefix>objects/<2 hex>/<sha-256>`` (CopyObject, or a multipart
UploadPartCopy above 5 GiB, the largest CopyObject) and the temporary key is deleted; if
that name already exists, the temporary object is only deleted (deduplication). On any
failure the multipart upload is aborted: nothing half-written is ever visible under
``objects/``. Only a process killed between the upload and the delete can leave an
object under ``incoming/``; a bucket lifecycle rule expires them (docs/evidence.md).

Reads stream the object's body, one sealed chunk at a time, checked as the local
store's are. boto3 is imported only by :func:`make_client`, when the node picks this
backend; the store itself takes any S3 client.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, BinaryIO, Protocol, cast

from hanoinet.core.evidence.store import EvidenceStore, Stored, _check_digest
from hanoinet.core.evidence.stream import DEFAULT_CHUNK, EvidenceError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import CompletedPartTypeDef, CopySourceTypeDef

log = logging.getLogger(__name__)

MiB = 1 << 20
MIN_PART = 5 * MiB  # S3's smallest part, but for the last
DEFAULT_PART = 16 * MiB
PARTS_PER_SIZE = 1000  # the part size doubles every 1,000 parts: S3 allows 10,000 parts
COPY_LIMIT = 5 << 30  # the largest object CopyObject copies
COPY_PART = 1 << 30
NOT_FOUND = frozenset({"404", "NoSuchKey", "NotFound"})


def _service_errors() -> tuple[type[Exception], ...]:
    """What a failing S3 call raises (HTTP errors, and network or credential trouble)."""
    from botocore.exceptions import BotoCoreError, ClientError

    return (BotoCoreError, ClientError)


def make_client(
    *,
    endpoint: str = "",
    region: str = "",
    access_key: str = "",
    secret_key: str = "",
    timeout: float = 60,
    attempts: int = 3,
) -> S3Client:
    """An S3 client; without keys, boto3 finds credentials as usual (environment, profile,
    instance or task role)."""
    import boto3
    from botocore.config import Config

    config = Config(
        # Checksums only where S3 requires them: many S3-compatible servers refuse the
        # newer default ones, and every sealed chunk carries its own GCM tag anyway.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        retries={"mode": "standard", "total_max_attempts": attempts},
        connect_timeout=timeout,
        read_timeout=timeout,
        # A self-hosted server is addressed by path: bucket host names rarely resolve.
        s3={"addressing_style": "path" if endpoint else "auto"},
    )
    return boto3.client(
        "s3",
        endpoint_url=endpoint or None,
        region_name=region or None,
        aws_access_key_id=access_key or None,
        aws_secret_access_key=secret_key or None,
        config=config,
    )


def bucket_problem(client: S3Client, bucket: str) -> str | None:
    """What keeps ``bucket`` from being used (unreachable, missing, refused), or None."""
    try:
        client.head_bucket(Bucket=bucket)
    except _service_errors() as exc:
        return str(exc)
    return None


class _Multipart:
    """One multipart upload: parts in order, then completed, or aborted on any failure.

    As an ingest's sink it buffers sealed bytes and sends a part each time the buffer
    holds a part's worth; parts grow as they are numbered, so that 10,000 parts hold the
    largest object S3 takes (5 TiB from 5 MiB parts).
    """

    def __init__(self, client: S3Client, bucket: str, key: str, part_size: int) -> None:
        self.client, self.bucket, self.key, self.part_size = client, bucket, key, part_size
        self.upload_id = client.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
        self.parts: list[CompletedPartTypeDef] = []
        self.buffer = bytearray()
        self.size = 0

    def __enter__(self) -> _Multipart:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if error is not None:
            self.abort()

    def write(self, data: memoryview) -> None:
        self.buffer += data
        if len(self.buffer) >= self.part_size << (len(self.parts) // PARTS_PER_SIZE):
            self.flush()

    def flush(self) -> None:
        number = len(self.parts) + 1
        answer = self.client.upload_part(
            Bucket=self.bucket,
            Key=self.key,
            UploadId=self.upload_id,
            PartNumber=number,
            # botocore takes a bytearray as it takes bytes (its stubs say only bytes):
            # this saves copying a part.
            Body=cast("bytes", self.buffer),
        )
        self.parts.append({"ETag": answer["ETag"], "PartNumber": number})
        self.size += len(self.buffer)
        self.buffer = bytearray()

    def copy(self, source: CopySourceTypeDef, first: int, last: int) -> None:
        """Copy bytes ``first``..``last`` (inclusive) of another object as the next part."""
        number = len(self.parts) + 1
        answer = self.client.upload_part_copy(
            Bucket=self.bucket,
            Key=self.key,
            UploadId=self.upload_id,
            PartNumber=number,
            CopySource=source,
            CopySourceRange=f"bytes={first}-{last}",
        )
        self.parts.append({"ETag": answer["CopyPartResult"]["ETag"], "PartNumber": number})

    def complete(self) -> int:
        """Finish the upload (sending what is buffered as the last part); its size."""
        if self.buffer or not self.parts:
            self.flush()
        self.client.complete_multipart_upload(
            Bucket=self.bucket,
            Key=self.key,
            UploadId=self.upload_id,
            MultipartUpload={"Parts": self.parts},
        )
        return self.size

    def abort(self) -> None:
        self.buffer = bytearray()
        try:
            self.client.abort_multipart_upload(
                Bucket=self.bucket, Key=self.key, UploadId=self.upload_id
            )
        except _service_errors() as exc:  # the first failure is the one to report
            log.warning("could not abort the upload of %s: %s", self.key, exc)


class _Readable(Protocol):
    def read(self, amt: int | None = ..., /) -> bytes: ...


class _Body:
    """An object's body that reads exactly what is asked for, but at its end."""

    def __init__(self, body: _Readable) -> None:
        self.body = body

    def read(self, size: int) -> bytes:
        parts, wanted = [], size
        while wanted > 0:
            try:
                part = self.body.read(wanted)
            except _service_errors() as exc:
                raise EvidenceError("io_error", f"the object could not be read: {exc}") from None
            if not part:
                break
            parts.append(part)
            wanted -= len(part)
        return b"".join(parts)


class S3Store(EvidenceStore):
    copy_limit = COPY_LIMIT  # class attributes: tests lower them to try large objects
    copy_part = COPY_PART

    def __init__(
        self,
        client: S3Client,
        bucket: str,
        kek: bytes,
        *,
        prefix: str = "",
        old_keks: tuple[bytes, ...] = (),
        chunk_size: int = DEFAULT_CHUNK,
        part_size: int = DEFAULT_PART,
    ) -> None:
        super().__init__(kek, old_keks=old_keks, chunk_size=chunk_size)
        if part_size < MIN_PART:
            raise EvidenceError("malformed", f"S3 parts must be at least {MIN_PART} bytes")
        self.client, self.bucket, self.part_size = client, bucket, part_size
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""

    def key(self, digest: str) -> str:
        digest = _check_digest(digest)
        return f"{self.prefix}objects/{digest[:2]}/{digest}"

    def exists(self, digest: str) -> bool:
        key = self.key(digest)
        try:
            return self._exists(key)
        except _service_errors() as exc:
            raise EvidenceError("io_error", f"{key} could not be looked up: {exc}") from None

    def _exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except self.client.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in NOT_FOUND:
                return False
            raise
        return True

    # Writing ----------------------------------------------------------------------------
    def ingest(self, source: BinaryIO, *, max_bytes: int | None = None) -> Stored:
        temp = f"{self.prefix}incoming/{uuid.uuid4().hex}"
        failures: tuple[type[Exception], ...] = (OSError, *_service_errors())
        try:
            with _Multipart(self.client, self.bucket, temp, self.part_size) as upload:
                digest, size = self._seal(source, upload.write, max_bytes)
                length = upload.complete()
            try:
                final = self.key(digest)
                deduplicated = self._exists(final)
                if not deduplicated:
                    self._copy(temp, final, length)
            finally:
                self.client.delete_object(Bucket=self.bucket, Key=temp)
        except failures as exc:
            raise EvidenceError("io_error", f"the file could not be stored: {exc}") from None
        return Stored(digest, size, deduplicated=deduplicated)

    def _copy(self, temp: str, final: str, length: int) -> None:
        source: CopySourceTypeDef = {"Bucket": self.bucket, "Key": temp}
        if length <= self.copy_limit:
            self.client.copy_object(Bucket=self.bucket, Key=final, CopySource=source)
            return
        with _Multipart(self.client, self.bucket, final, self.part_size) as copy:
            for first in range(0, length, self.copy_part):
                copy.copy(source, first, min(first + self.copy_part, length) - 1)
            copy.complete()

    # Reading ----------------------------------------------------------------------------
    def _reader(self, digest: str) -> AbstractContextManager[BinaryIO]:
        return self._body(self.key(digest))

    @contextmanager
    def _body(self, key: str) -> Iterator[BinaryIO]:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=key)
        except self.client.exceptions.NoSuchKey:
            raise EvidenceError("missing", f"no object {key} in this store") from None
        except _service_errors() as exc:
            raise EvidenceError("io_error", f"the object could not be read: {exc}") from None
        body = answer["Body"]
        try:
            yield cast("BinaryIO", _Body(body))
        finally:
            body.close()
