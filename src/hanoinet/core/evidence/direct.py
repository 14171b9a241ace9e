"""Writing a sealed object to a local file with little CPU: direct I/O from a helper thread.

The ingest already keeps both cores busy, one hashing and one sealing. A buffered write
adds a third consumer: every byte is copied into the page cache, and the kernel's
writeback threads copy it again to the disk; with two cores that costs the ingest a tenth
to a fifth of its speed. With ``O_DIRECT`` the disk reads the bytes straight from our
buffers (a fifth of a CPU-second per gigabyte less, measured here), the page cache is left
to the files people read, and the write itself waits in a helper thread while the next
chunks are sealed.

Direct I/O wants aligned buffers, sizes and offsets. The writer copies what it is given
into page-aligned staging buffers (anonymous ``mmap``) and writes them whole; the last,
partial buffer is padded to the alignment and the file cut back to its true length. A
file system that refuses direct I/O, at open or at the first write, gets the same bytes
through ordinary buffered writes, with writeback started early (see
:class:`EarlyWriteback`) so that the final ``fsync`` does not wait for all of it.
"""

from __future__ import annotations

import errno
import mmap
import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

ALIGN = 4096  # the logical block size of every disk in use, and the page size
STAGE = 8 << 20  # bytes per write: large enough for the disk, small enough for memory
IN_FLIGHT = 3  # staging buffers: one filling, up to two being written

Write = Callable[[int, memoryview], int]


def open_for_writing(path: str) -> tuple[int, bool]:
    """A new file's descriptor, with direct I/O when the file system takes it."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    direct = getattr(os, "O_DIRECT", 0)  # Linux; not macOS or Windows
    if direct:
        try:
            return os.open(path, flags | direct, 0o600), True
        except OSError as exc:
            if exc.errno != errno.EINVAL:  # EINVAL: this file system has no direct I/O
                raise
    return os.open(path, flags, 0o600), False


class EarlyWriteback:
    """Asks the kernel to start writing buffered bytes to disk while more are produced.

    Without it the whole object sits dirty in the page cache until the final fsync, which
    then waits for all of it; with it the disk works in parallel and the fsync finds little
    left to do. ``POSIX_FADV_DONTNEED`` on Linux starts writeback of the dirty range
    without waiting, and keeps gigabytes nobody will read soon out of the page cache."""

    STEP = 16 << 20

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._advise = getattr(os, "posix_fadvise", None)  # not on macOS or Windows
        self._written = self._started = 0

    def wrote(self, count: int) -> None:
        self._written += count
        if self._advise is None or self._written - self._started < self.STEP:
            return
        try:
            self._advise(
                self._fd, self._started, self._written - self._started, os.POSIX_FADV_DONTNEED
            )
        except OSError:  # advice only: a file system that refuses it is still correct
            self._advise = None
        self._started = self._written


class StagedWriter:
    """Takes bytes in order and writes them to ``fd`` from a helper thread.

    ``write`` copies into a staging buffer and returns at once (it blocks only when every
    buffer is still being written); an error of the helper thread (disk full) is raised by
    the next ``write`` or by ``close``. ``close`` writes the rest, sets the file's true
    length and flushes it to disk. ``direct`` says whether ``fd`` was opened with
    ``O_DIRECT``; ``raw_write`` is the system call (a seam for the disk-full tests)."""

    def __init__(self, fd: int, *, direct: bool, raw_write: Write = os.write) -> None:
        self._fd, self._direct, self._raw_write = fd, direct, raw_write
        self._writeback = EarlyWriteback(fd)
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="evidence-writer")
        self._pending: deque[tuple[Future[None], mmap.mmap]] = deque()
        self._spare: list[mmap.mmap] = []
        self._buffer = mmap.mmap(-1, STAGE)  # page-aligned, as direct I/O requires
        self._filled = 0
        self._error: OSError | None = None  # the helper's first failure: nothing after it
        self.size = 0

    # Producer side ----------------------------------------------------------------------
    def write(self, data: memoryview | bytes) -> None:
        view = memoryview(data).cast("B")
        while view:
            room = STAGE - self._filled
            taken = min(room, len(view))
            self._buffer[self._filled : self._filled + taken] = view[:taken]
            self._filled += taken
            self.size += taken
            view = view[taken:]
            if self._filled == STAGE:
                self._submit(STAGE)

    def _submit(self, length: int) -> None:
        if self._error is not None:
            raise self._error
        buffer = self._buffer
        self._pending.append((self._pool.submit(self._write_out, buffer, length), buffer))
        if self._spare:
            self._buffer = self._spare.pop()
        elif len(self._pending) < IN_FLIGHT:
            self._buffer = mmap.mmap(-1, STAGE)
        else:
            done, self._buffer = self._pending.popleft()
            done.result()  # the oldest write: its error, if any, is raised here
        self._filled = 0

    def close(self) -> None:
        """Write what is left, cut the file to its length, flush it; raises any error."""
        try:
            tail = self._filled
            padded = -(-tail // ALIGN) * ALIGN if self._direct else tail
            if tail:
                self._buffer[tail:padded] = bytes(padded - tail)
                self._submit(padded)
            while self._pending:
                future, buffer = self._pending.popleft()
                future.result()
                self._spare.append(buffer)
            if padded != tail:
                os.ftruncate(self._fd, self.size)  # the padding goes
            os.fsync(self._fd)
        finally:
            self.abandon()

    def abandon(self) -> None:
        """Stop: wait for the helper thread, free the buffers (errors are not raised)."""
        self._pool.shutdown(wait=True)
        for _future, buffer in self._pending:
            buffer.close()
        for buffer in (*self._spare, self._buffer):
            buffer.close()
        self._pending.clear()
        self._spare.clear()

    # Helper thread ----------------------------------------------------------------------
    def _write_out(self, buffer: mmap.mmap, length: int) -> None:
        if self._error is not None:
            return  # a write after a failed one would leave a hole in the file
        view = memoryview(buffer)[:length]
        try:
            while view:
                try:
                    written = self._raw_write(self._fd, view)
                except OSError as exc:
                    if not (self._direct and exc.errno == errno.EINVAL):
                        raise
                    self._fall_back_to_buffered()
                    continue  # a refused write wrote nothing: the same bytes again
                if not self._direct:
                    self._writeback.wrote(written)
                view = view[written:]
        except OSError as exc:
            self._error = exc
            raise
        finally:
            view.release()

    def _fall_back_to_buffered(self) -> None:
        """The file system opened the file for direct I/O but refuses the writes (some
        network and FUSE file systems do): go on with buffered writes on the same file."""
        import fcntl  # POSIX only, as O_DIRECT is

        flags = fcntl.fcntl(self._fd, fcntl.F_GETFL)
        fcntl.fcntl(self._fd, fcntl.F_SETFL, flags & ~os.O_DIRECT)
        self._direct = False
