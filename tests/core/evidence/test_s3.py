"""The S3 evidence store, against moto's S3-compatible server on this machine."""

from __future__ import annotations

import hashlib
import io
import os
import socket
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from hanoinet.core.evidence.s3 import MIN_PART, S3Store, make_client
from hanoinet.core.evidence.stream import HEADER, TAG, EvidenceError
from tests.conftest import free_port
from tests.core.evidence.test_store import Broken

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

CHUNK = 64
KEK = bytes(range(32))
MiB = 1 << 20


@pytest.fixture
def store(s3_bucket: tuple[S3Client, str]) -> S3Store:
    client, bucket = s3_bucket
    return S3Store(client, bucket, KEK, prefix="vnm/", chunk_size=CHUNK, part_size=MIN_PART)


def read_all(store: S3Store, digest: str) -> bytes:
    return b"".join(store.open(digest))


def keys(store: S3Store) -> list[str]:
    listing = store.client.list_objects_v2(Bucket=store.bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def uploads(store: S3Store) -> list[str]:
    listing = store.client.list_multipart_uploads(Bucket=store.bucket)
    return [upload["Key"] for upload in listing.get("Uploads", [])]


def count_calls(store: S3Store, operation: str) -> list[str]:
    """A list that grows by one each time the client calls ``operation``."""
    calls: list[str] = []

    def seen(**kwargs: Any) -> None:
        calls.append(operation)

    store.client.meta.events.register(f"before-call.s3.{operation}", seen)
    return calls


@pytest.mark.parametrize("size", [0, 1, CHUNK, 3 * CHUNK + 5])
def test_what_goes_in_comes_out_named_by_its_sha256(store: S3Store, size: int) -> None:
    data = os.urandom(size)
    stored = store.ingest(io.BytesIO(data))
    digest = hashlib.sha256(data).hexdigest()
    assert (stored.digest, stored.size, stored.deduplicated) == (digest, size, False)
    assert read_all(store, digest) == data
    assert store.verify(digest) == size
    assert store.exists(digest)
    assert keys(store) == [f"vnm/objects/{digest[:2]}/{digest}"]  # no temporary key is left
    raw = store.client.get_object(Bucket=store.bucket, Key=store.key(digest))["Body"].read()
    assert data[:16] not in raw or size < 16  # encrypted at rest
    assert len(raw) == HEADER.size + size + max(1, -(-size // CHUNK)) * TAG


def test_a_large_file_goes_up_in_parts_and_is_copied_in_parts(store: S3Store) -> None:
    store.chunk_size = 256 * 1024
    data = os.urandom(12 * MiB)
    parts, copied = count_calls(store, "UploadPart"), count_calls(store, "UploadPartCopy")
    store.copy_limit = store.copy_part = 5 * MiB  # as above 5 GiB: CopyObject cannot
    stored = store.ingest(io.BytesIO(data))
    assert (len(parts), len(copied)) == (3, 3)  # 5 + 5 + 2 MiB, sealed
    assert read_all(store, stored.digest) == data
    assert (keys(store), uploads(store)) == ([store.key(stored.digest)], [])


def test_the_same_content_is_stored_once(store: S3Store) -> None:
    data = os.urandom(5 * CHUNK)
    copies = count_calls(store, "CopyObject")
    first, second = store.ingest(io.BytesIO(data)), store.ingest(io.BytesIO(data))
    assert (first.digest, first.deduplicated, second.deduplicated) == (second.digest, False, True)
    assert (len(copies), keys(store), uploads(store)) == (1, [store.key(first.digest)], [])


def flip(raw: bytes, offset: int) -> bytes:
    return raw[:offset] + bytes([raw[offset] ^ 1]) + raw[offset + 1 :]


@pytest.mark.parametrize(
    ("offset", "code"),
    [(HEADER.size + 3, "corrupted"), (10, "corrupted"), (0, "malformed")],
)
def test_a_byte_changed_in_the_bucket_is_caught(store: S3Store, offset: int, code: str) -> None:
    stored = store.ingest(io.BytesIO(os.urandom(3 * CHUNK + 10)))
    key = store.key(stored.digest)
    raw = store.client.get_object(Bucket=store.bucket, Key=key)["Body"].read()
    store.client.put_object(Bucket=store.bucket, Key=key, Body=flip(raw, offset))
    with pytest.raises(EvidenceError) as caught:
        store.verify(stored.digest)
    assert caught.value.code == code


def test_an_object_under_the_wrong_name_is_caught(store: S3Store) -> None:
    one = store.ingest(io.BytesIO(b"first exhibit"))
    two = store.ingest(io.BytesIO(b"second exhibit"))
    store.client.copy_object(
        Bucket=store.bucket,
        Key=store.key(one.digest),
        CopySource={"Bucket": store.bucket, "Key": store.key(two.digest)},
    )
    with pytest.raises(EvidenceError) as caught:
        store.verify(one.digest)
    assert caught.value.code == "wrong_digest"


def test_a_failed_ingest_leaves_nothing_behind(store: S3Store) -> None:
    store.chunk_size = 64 * 1024
    with pytest.raises(EvidenceError) as caught:  # after a first part went up
        store.ingest(io.BufferedReader(Broken(7 * MiB)))
    assert caught.value.code == "io_error"
    with pytest.raises(EvidenceError) as caught:
        store.ingest(io.BytesIO(b"x" * 1000), max_bytes=100)
    assert caught.value.code == "too_large"
    assert (keys(store), uploads(store)) == ([], [])


def test_a_missing_object_or_bucket_is_named(store: S3Store) -> None:
    with pytest.raises(EvidenceError) as caught:
        next(store.open("0" * 64))
    assert caught.value.code == "missing"
    assert not store.exists("0" * 64)
    with pytest.raises(EvidenceError) as caught:
        next(store.open("../../etc/passwd"))
    assert caught.value.code == "malformed"
    nowhere = S3Store(store.client, "no-such-bucket", KEK)
    with pytest.raises(EvidenceError) as caught:
        nowhere.ingest(io.BytesIO(b"exhibit"))
    assert caught.value.code == "io_error"
    closed = make_client(
        endpoint=f"http://127.0.0.1:{free_port()}",
        region="us-east-1",
        access_key="testing",
        secret_key="testing",
        timeout=1,
        attempts=1,
    )
    down = S3Store(closed, store.bucket, KEK)
    for attempt in (
        lambda: down.exists("0" * 64),
        lambda: next(down.open("0" * 64)),
        lambda: down.ingest(io.BytesIO(b"exhibit")),
    ):
        with pytest.raises(EvidenceError) as caught:
            attempt()
        assert caught.value.code == "io_error"
    with pytest.raises(EvidenceError, match="at least"):
        S3Store(store.client, store.bucket, KEK, part_size=MIN_PART - 1)


def test_another_node_key_cannot_open_it_and_an_old_key_still_can(store: S3Store) -> None:
    stored = store.ingest(io.BytesIO(b"exhibit 7"))
    stranger = S3Store(store.client, store.bucket, os.urandom(32), prefix="vnm")
    with pytest.raises(EvidenceError) as caught:
        stranger.verify(stored.digest)
    assert caught.value.code == "unknown_key"
    rotated = S3Store(store.client, store.bucket, os.urandom(32), old_keks=(KEK,), prefix="vnm")
    assert read_all(rotated, stored.digest) == b"exhibit 7"


# Memory -------------------------------------------------------------------------------
# moto keeps what it stores in memory, so this test's server runs in another process:
# tracemalloc then counts only the store's own buffers.


@pytest.fixture(scope="module")
def outside_endpoint() -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(10)


class Generated(io.RawIOBase):
    """``size`` bytes made as they are read, never all held at once."""

    def __init__(self, size: int) -> None:
        self.left, self.pattern = size, os.urandom(MiB)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), self.left, len(self.pattern))
        buffer[:n] = self.pattern[:n]
        self.left -= n
        return n


def test_memory_stays_flat_whatever_the_size(outside_endpoint: str) -> None:
    client = make_client(
        endpoint=outside_endpoint, region="us-east-1", access_key="testing", secret_key="testing"
    )
    client.create_bucket(Bucket="memory")
    store = S3Store(client, "memory", KEK, part_size=MIN_PART)
    source = Generated(64 * MiB)
    client.list_buckets()  # the connection and botocore's models, loaded before counting
    tracemalloc.start()
    try:
        stored = store.ingest(source)  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert stored.size == 64 * MiB
    # Two plaintext chunks, one sealed, a part and the request: far below the 64 MiB.
    assert peak < 2 * MIN_PART + 4 * MiB, f"peak {peak / MiB:.1f} MiB"
