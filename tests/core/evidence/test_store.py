"""The evidence store: one-pass ingest, content addressing, and every kind of damage caught."""

from __future__ import annotations

import errno
import hashlib
import io
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hanoinet.core.evidence.direct import STAGE
from hanoinet.core.evidence.store import LocalStore
from hanoinet.core.evidence.stream import HEADER, TAG, EvidenceError

CHUNK = 64
KEK = bytes(range(32))


@pytest.fixture
def store(tmp_path: Path) -> LocalStore:
    return LocalStore(tmp_path / "evidence", KEK, chunk_size=CHUNK)


def read_all(store: LocalStore, digest: str) -> bytes:
    return b"".join(store.open(digest))


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 5])
def test_what_goes_in_comes_out_named_by_its_sha256(store: LocalStore, size: int) -> None:
    data = os.urandom(size)
    stored = store.ingest(io.BytesIO(data))
    assert (stored.digest, stored.size, stored.deduplicated) == (
        hashlib.sha256(data).hexdigest(),
        size,
        False,
    )
    assert read_all(store, stored.digest) == data
    assert store.verify(stored.digest) == size
    on_disk = store.path(stored.digest).read_bytes()
    assert data[:16] not in on_disk or size < 16  # encrypted at rest
    chunks = max(1, -(-size // CHUNK))  # an empty file is one empty chunk, sealed as last
    assert len(on_disk) == HEADER.size + size + chunks * TAG


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=5 * CHUNK))
def test_any_content_round_trips(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        local = LocalStore(Path(folder), KEK, chunk_size=CHUNK)
        assert read_all(local, local.ingest(io.BytesIO(data)).digest) == data


def test_the_same_content_is_stored_once(store: LocalStore) -> None:
    data = os.urandom(5 * CHUNK)
    first, second = store.ingest(io.BytesIO(data)), store.ingest(io.BytesIO(data))
    assert (first.digest, second.deduplicated) == (second.digest, True)
    assert len(list((store.root / "objects").rglob("*"))) == 2  # one folder, one object
    assert not list((store.root / "tmp").iterdir())


Change = Callable[[bytes], bytes]


def damaged(store: LocalStore, change: Change) -> tuple[LocalStore, str]:
    stored = store.ingest(io.BytesIO(os.urandom(3 * CHUNK + 10)))
    path = store.path(stored.digest)
    path.write_bytes(change(path.read_bytes()))
    return store, stored.digest


def flip(offset: int) -> Change:
    return lambda raw: raw[:offset] + bytes([raw[offset] ^ 1]) + raw[offset + 1 :]


BLOCK = CHUNK + TAG


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (flip(HEADER.size + 3), "corrupted"),  # a ciphertext byte
        (flip(HEADER.size + BLOCK - 1), "corrupted"),  # a tag byte
        (flip(10), "corrupted"),  # the nonce prefix in the header
        (flip(30), "corrupted"),  # the wrapped key
        (lambda raw: raw[: HEADER.size + 2 * BLOCK], "truncated"),  # cut at a chunk boundary
        (lambda raw: raw[:-5], "corrupted"),  # cut inside the last chunk
        (
            lambda raw: (
                raw[: HEADER.size]
                + raw[HEADER.size + BLOCK : HEADER.size + 2 * BLOCK]
                + raw[HEADER.size : HEADER.size + BLOCK]
                + raw[HEADER.size + 2 * BLOCK :]
            ),
            "corrupted",
        ),  # swapped
        (
            lambda raw: (
                raw[: HEADER.size + BLOCK]
                + raw[HEADER.size : HEADER.size + BLOCK]
                + raw[HEADER.size + BLOCK :]
            ),
            "corrupted",
        ),  # a chunk replayed
        (lambda raw: raw + b"more", "corrupted"),  # appended
        (lambda raw: raw[:20], "truncated"),  # not even a header
        (lambda raw: b"ZIP!" + raw[4:], "malformed"),  # another format's magic
    ],
)
def test_every_damage_is_caught_and_named(store: LocalStore, change: Change, code: str) -> None:
    store, digest = damaged(store, change)
    with pytest.raises(EvidenceError) as caught:
        store.verify(digest)
    assert caught.value.code == code


def test_a_chunk_from_another_object_is_refused(store: LocalStore) -> None:
    one = store.ingest(io.BytesIO(os.urandom(2 * CHUNK + 1)))
    two = store.ingest(io.BytesIO(os.urandom(2 * CHUNK + 1)))
    raw_one, raw_two = store.path(one.digest).read_bytes(), store.path(two.digest).read_bytes()
    store.path(one.digest).write_bytes(raw_one[: HEADER.size] + raw_two[HEADER.size :])
    with pytest.raises(EvidenceError, match="fails its check"):
        store.verify(one.digest)


def test_an_object_under_the_wrong_name_is_caught(store: LocalStore) -> None:
    one = store.ingest(io.BytesIO(b"first exhibit"))
    two = store.ingest(io.BytesIO(b"second exhibit"))
    store.path(one.digest).write_bytes(store.path(two.digest).read_bytes())
    with pytest.raises(EvidenceError) as caught:
        store.verify(one.digest)
    assert caught.value.code == "wrong_digest"


def test_another_node_key_cannot_open_it_and_an_old_key_still_can(tmp_path: Path) -> None:
    old = LocalStore(tmp_path / "e", KEK, chunk_size=CHUNK)
    stored = old.ingest(io.BytesIO(b"exhibit 7"))
    stranger = LocalStore(tmp_path / "e", os.urandom(32), chunk_size=CHUNK)
    with pytest.raises(EvidenceError) as caught:
        stranger.verify(stored.digest)
    assert caught.value.code == "unknown_key"
    rotated = LocalStore(tmp_path / "e", os.urandom(32), old_keks=(KEK,), chunk_size=CHUNK)
    assert read_all(rotated, stored.digest) == b"exhibit 7"


class Broken(io.RawIOBase):
    """A source that breaks off after some bytes, as a dropped upload does."""

    def __init__(self, good: int) -> None:
        self.left = good

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self.left <= 0:
            raise ConnectionResetError("the client went away")
        n = min(len(buffer), self.left)
        buffer[:n] = b"x" * n
        self.left -= n
        return n


def test_a_failed_ingest_leaves_nothing_behind(
    store: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(EvidenceError) as caught:
        store.ingest(io.BufferedReader(Broken(3 * CHUNK)))
    assert caught.value.code == "io_error"
    with pytest.raises(EvidenceError) as caught:
        store.ingest(io.BytesIO(b"x" * 1000), max_bytes=100)
    assert caught.value.code == "too_large"
    calls = {"n": 0}

    def disk_fills(fd: int, data: memoryview) -> int:
        calls["n"] += 1
        if calls["n"] > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return os.write(fd, data)

    monkeypatch.setattr(LocalStore, "_write", staticmethod(disk_fills))
    megabyte_chunks = LocalStore(store.root, KEK)  # several staged writes, quickly
    with pytest.raises(EvidenceError) as caught:  # the third of several writes fails
        megabyte_chunks.ingest(io.BytesIO(os.urandom(4 * STAGE)))
    assert caught.value.code == "disk_full"
    assert not list((store.root / "objects").rglob("*"))
    assert not list((store.root / "tmp").iterdir())


def test_names_that_are_not_digests_are_refused(store: LocalStore) -> None:
    for name in ("../../etc/passwd", "A" * 64, "ab"):
        with pytest.raises(EvidenceError) as caught:
            store.open(name).__next__()
        assert caught.value.code == "malformed"
    with pytest.raises(EvidenceError) as caught:
        next(store.open("0" * 64))
    assert caught.value.code == "missing"
