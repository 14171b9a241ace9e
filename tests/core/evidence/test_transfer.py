"""Evidence transfer: offers are checked before anything is fetched, every chunk is
authenticated and matched to the offer, and a received archive unpacks only regular
files inside its folder."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path
from typing import Any

import pytest

from hanoinet.core.evidence.transfer import (
    TransferError,
    chunk_count,
    make_offer,
    new_secrets,
    open_chunk,
    pack,
    pack_to_memory,
    parse_offer,
    read_chunks,
    seal_chunk,
    unpack,
)

TRANSFER = "5f0c6a2e-0d1b-4f7a-9c3e-8b2a1d4e6f70"


def offer_of(data: bytes, chunk_size: int = 1024) -> tuple[Any, list[bytes]]:
    chunks = list(read_chunks(io.BytesIO(data), chunk_size))
    key, token = new_secrets()
    return make_offer(TRANSFER, chunks, key, token, chunk_size), chunks


def test_an_offer_survives_its_wire_form() -> None:
    offer, chunks = offer_of(b"x" * 2500)
    assert len(chunks) == chunk_count(2500, 1024) == 3
    assert parse_offer(offer.to_json()) == offer


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"transfer": "nope"}, "malformed"),
        ({"size": -1}, "malformed"),
        ({"size": "9"}, "malformed"),
        ({"chunk_size": 10}, "malformed"),
        ({"chunks": []}, "malformed"),
        ({"sha256": "ABC"}, "malformed"),
        ({"key": "short"}, "malformed"),
        ({"token": 5}, "malformed"),
        ({"items": "all"}, "malformed"),
        ({"size": 1 << 40, "chunk_size": 1024}, "too_large"),
    ],
)
def test_a_bad_offer_is_refused_naming_the_problem(change: dict[str, Any], code: str) -> None:
    offer, _chunks = offer_of(b"abc")
    with pytest.raises(TransferError) as caught:
        parse_offer({**offer.to_json(), **change})
    assert caught.value.code == code


def test_not_an_object() -> None:
    with pytest.raises(TransferError, match="not an object"):
        parse_offer(["transfer"])


def test_every_chunk_is_authenticated_and_matched_to_the_offer() -> None:
    offer, chunks = offer_of(b"evidence " * 300)
    sealed = [seal_chunk(offer.key, TRANSFER, i, c) for i, c in enumerate(chunks)]
    assert b"".join(open_chunk(offer, i, s) for i, s in enumerate(sealed)) == b"".join(chunks)
    flipped = bytearray(sealed[1])
    flipped[5] ^= 1
    with pytest.raises(TransferError, match="tampered"):
        open_chunk(offer, 1, bytes(flipped))
    with pytest.raises(TransferError, match="tampered"):
        open_chunk(offer, 0, sealed[1])  # a chunk moved to another place
    with pytest.raises(TransferError, match="not in the offer"):
        open_chunk(offer, 99, sealed[0])
    other_key, _ = new_secrets()
    forged = seal_chunk(other_key, TRANSFER, 0, b"forged")
    with pytest.raises(TransferError, match="tampered"):
        open_chunk(offer, 0, forged)


def test_a_chunk_sealed_right_but_not_the_offered_content_is_refused() -> None:
    offer, _chunks = offer_of(b"the real content")
    with pytest.raises(TransferError, match="does not match"):
        open_chunk(offer, 0, seal_chunk(offer.key, TRANSFER, 0, b"other content!!!"))


def test_an_empty_source_is_one_empty_chunk() -> None:
    assert list(read_chunks(io.BytesIO(b""), 4)) == [b""]
    assert list(read_chunks(io.BytesIO(b"abcd"), 4)) == [b"abcd"]


def test_packing_is_repeatable_and_unpacks_to_the_same_files(tmp_path: Path) -> None:
    bag = tmp_path / "bag"
    (bag / "data" / "E1").mkdir(parents=True)
    (bag / "data" / "E1" / "mail.eml").write_bytes(b"From: x")
    (bag / "bagit.txt").write_text("BagIt-Version: 1.0\n")
    assert pack_to_memory(bag) == pack_to_memory(bag)
    archive = tmp_path / "bag.tar"
    with archive.open("wb") as out:
        pack(bag, out)
    unpack(archive, tmp_path / "out")
    assert (tmp_path / "out" / "data" / "E1" / "mail.eml").read_bytes() == b"From: x"


def evil_archive(path: Path, member: tarfile.TarInfo, content: bytes = b"") -> Path:
    with tarfile.open(path, "w") as archive:
        archive.addfile(member, io.BytesIO(content))
    return path


@pytest.mark.parametrize(
    "member",
    [
        tarfile.TarInfo("../escape.txt"),
        tarfile.TarInfo("/etc/passwd"),
    ],
)
def test_an_archive_cannot_write_outside_its_folder(
    tmp_path: Path, member: tarfile.TarInfo
) -> None:
    archive = evil_archive(tmp_path / "evil.tar", member)
    with pytest.raises(TransferError, match="not allowed"):
        unpack(archive, tmp_path / "out")
    assert not (tmp_path / "escape.txt").exists()


def test_links_in_an_archive_are_refused(tmp_path: Path) -> None:
    link = tarfile.TarInfo("data/link")
    link.type = tarfile.SYMTYPE
    link.linkname = "/etc/passwd"
    with pytest.raises(TransferError, match="not allowed"):
        unpack(evil_archive(tmp_path / "link.tar", link), tmp_path / "out")
