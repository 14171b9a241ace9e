"""The staged writer: the bytes on disk are exactly the bytes given, whatever the path
(direct I/O, a file system that refuses it, buffered), and a failed write is raised."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from hanoinet.core.evidence.direct import ALIGN, STAGE, StagedWriter, open_for_writing

# Around every boundary the writer handles: alignment, a staging buffer, several buffers.
SIZES = [0, 1, ALIGN - 1, ALIGN, ALIGN + 1, STAGE - 1, STAGE, STAGE + 1, 3 * STAGE + 17]


def write_in_pieces(writer: StagedWriter, data: bytes) -> None:
    # Pieces as the ingest gives them: a small header, then chunks plus a tag.
    writer.write(memoryview(data)[:64])
    at = 64
    while at < len(data):
        writer.write(memoryview(data)[at : at + (1 << 20) + 16])
        at += (1 << 20) + 16


@pytest.mark.parametrize("size", SIZES)
def test_the_file_holds_exactly_what_was_written(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    path = tmp_path / "object"
    fd, direct = open_for_writing(str(path))
    try:
        writer = StagedWriter(fd, direct=direct)
        write_in_pieces(writer, data)
        writer.close()
    finally:
        os.close(fd)
    assert writer.size == size
    assert path.read_bytes() == data


def test_a_file_system_that_refuses_direct_writes_gets_buffered_ones(tmp_path: Path) -> None:
    data = os.urandom(2 * STAGE + 5)
    path = tmp_path / "object"
    fd, direct = open_for_writing(str(path))
    refused = []

    def refuses_direct_io(handle: int, view: memoryview) -> int:
        import fcntl

        if fcntl.fcntl(handle, fcntl.F_GETFL) & getattr(os, "O_DIRECT", 0):
            refused.append(len(view))
            raise OSError(errno.EINVAL, "Invalid argument")
        return os.write(handle, view)

    try:
        writer = StagedWriter(fd, direct=direct, raw_write=refuses_direct_io)
        write_in_pieces(writer, data)
        writer.close()
    finally:
        os.close(fd)
    assert path.read_bytes() == data
    assert len(refused) == (1 if direct else 0)  # refused once, then never asked again


@pytest.mark.parametrize("fails_at", [1, 2, 3])
def test_a_failed_write_is_raised(tmp_path: Path, fails_at: int) -> None:
    calls = []

    def disk_fills(handle: int, view: memoryview) -> int:
        calls.append(len(view))
        if len(calls) == fails_at:
            raise OSError(errno.ENOSPC, "No space left on device")
        return os.write(handle, view)

    def write_everything(writer: StagedWriter) -> None:
        write_in_pieces(writer, os.urandom(6 * STAGE))
        writer.close()

    fd, direct = open_for_writing(str(tmp_path / "object"))
    try:
        writer = StagedWriter(fd, direct=direct, raw_write=disk_fills)
        with pytest.raises(OSError, match="No space left") as caught:
            write_everything(writer)
        writer.abandon()
    finally:
        os.close(fd)
    assert caught.value.errno == errno.ENOSPC
    assert len(calls) == fails_at  # nothing written after the failure


def test_a_new_file_is_never_opened_over_an_existing_one(tmp_path: Path) -> None:
    (tmp_path / "object").write_bytes(b"kept")
    with pytest.raises(FileExistsError):
        open_for_writing(str(tmp_path / "object"))
    assert (tmp_path / "object").read_bytes() == b"kept"
