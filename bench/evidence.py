"""Evidence ingest benchmark: one pass that hashes, encrypts and stores a large file,
against plain hashlib SHA-256 of the same file, and against the two-pass pipeline
"copy the file, then bagit --sha256", measured in the same run.

    python bench/evidence.py              # a 2 GiB file
    python bench/evidence.py --quick      # 256 MiB, well within 60 seconds

Prints throughputs, the ingest's peak memory (its own process), the store's full
verification and ``verify_bundle`` on a court bundle holding the same file; the last line
is one JSON object with the metric, the baseline, the ratio and the target (ingest >=
0.9x hashlib; verify-bundle has the same target, as ``verify_bundle_ratio``).

The issue's second target, 1.8x faster than copy + bagit, cannot be reached where copying
is cheap: an ingest that computes SHA-256 takes at least as long as hashing alone, so the
most any one-pass pipeline can gain is (copy + hash) / hash. Here the copy goes through a
page cache and a fast virtual disk, and that bound is about 1.4x. The bench prints it
(``speedup_bound_hashing_alone``) beside the speedup reached.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
TARGET = 0.9
MIB = 1 << 20


def make_file(path: Path, mib: int) -> None:
    block = os.urandom(MIB)
    with path.open("wb") as out:
        for index in range(mib):
            # Distinct blocks (no accidental deduplication), cheap to make.
            out.write(index.to_bytes(8, "big") + block[8:])
        # On disk before anyone is timed: otherwise the kernel writes this file back in
        # the middle of whichever contender runs half a minute later.
        out.flush()
        os.fsync(out.fileno())


def hash_file(path: Path) -> float:
    started = time.perf_counter()
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(MIB):
            digest.update(chunk)
    return time.perf_counter() - started


def ingest(path: Path, store_root: Path, repeats: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    from hanoinet.core.evidence.store import LocalStore

    store = LocalStore(store_root, os.urandom(32))
    ingest_seconds = float("inf")
    for _ in range(repeats):  # the best of a few, as for hashlib: the disk is shared
        for old in (store_root / "objects").rglob("*"):
            if old.is_file():
                old.unlink()
        started = time.perf_counter()
        with path.open("rb") as source:
            stored = store.ingest(source)
        ingest_seconds = min(ingest_seconds, time.perf_counter() - started)
    # The object was written with direct I/O, past the page cache: read it once untimed,
    # as every contender's input is (a first read of freshly written blocks here also
    # waits for the virtual disk's host), then the best of a few, as for hashlib.
    store.verify(stored.digest)
    verify_seconds = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        store.verify(stored.digest)
        verify_seconds = min(verify_seconds, time.perf_counter() - started)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((ingest_seconds, verify_seconds, peak_kib, stored.digest))


def bundle_of(path: Path, digest: str, folder: Path) -> Path:
    """A court bundle holding the file, written by the pure core as the node writes one:
    the payload streamed in, one custody event with its inclusion proof, a signed
    checkpoint and its key. No transfers, so no receipts to check."""
    import base64
    from datetime import UTC, datetime

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from hanoinet.core.bundle import Payload, write_bundle
    from hanoinet.core.ledger import Checkpoint, CustodyEvent, MerkleTree, sign_checkpoint

    def chunks() -> Iterator[bytes]:
        with path.open("rb") as source:
            while chunk := source.read(MIB):
                yield chunk

    origin, key, at = "hanoinet.bench/custody", Ed25519PrivateKey.generate(), datetime.now(UTC)
    leaf = CustodyEvent(
        kind="exported", actor="bench", at=at, item_digest=digest, reason="bench"
    ).to_leaf_bytes()
    tree = MerkleTree()
    index = tree.append(leaf)
    custody = [{"index": index, "leaf": leaf.decode(), "inclusion_proof": []}]
    x = base64.urlsafe_b64encode(key.public_key().public_bytes_raw()).rstrip(b"=").decode()
    written = write_bundle(
        folder,
        payloads=[Payload(f"EX-1/{path.name}", chunks(), {"description": "bench file"})],
        custody=custody,
        checkpoint=sign_checkpoint(Checkpoint(origin, tree.size, tree.root(), at), origin, key),
        keys={origin: x},
        info={"Bag-Software-Agent": "hanoinet bench"},
        seal_key=key,
    )
    # On disk before verify_bundle is timed, as the source file is before hashlib is.
    with (written / "data" / "EX-1" / path.name).open("rb") as payload:
        os.fsync(payload.fileno())
    return written


def verify_bundle_seconds(bag: Path, repeats: int) -> float:
    from hanoinet.core.bundle import verify_bundle

    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        report = verify_bundle(bag)
        best = min(best, time.perf_counter() - started)
        if not report.ok:
            raise SystemExit(f"the bench bundle does not verify:\n{report.text()}")
    return best


def two_pass(path: Path, work: Path) -> float | None:
    try:
        import bagit
    except ImportError:
        return None
    work.mkdir(exist_ok=True)
    bag = Path(tempfile.mkdtemp(dir=work))
    started = time.perf_counter()
    shutil.copyfile(path, bag / path.name)
    bagit.make_bag(str(bag), checksums=["sha256"])
    seconds = time.perf_counter() - started
    shutil.rmtree(bag)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--mib", type=int, help="file size in MiB (default 2048, quick 256)")
    args = parser.parse_args()
    mib = args.mib or (256 if args.quick else 2048)
    work = Path(tempfile.mkdtemp(prefix="hanoinet-bench-evidence-"))
    try:
        source = work / "exhibit.bin"
        print(f"writing a {mib} MiB file …", flush=True)
        make_file(source, mib)
        hash_file(source)  # warm the page cache for every contender alike
        repeats = 2 if args.quick else 3
        hashed = min(hash_file(source) for _ in range(repeats))
        queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
        process = multiprocessing.Process(
            target=ingest, args=(source, work / "store", repeats, queue)
        )
        process.start()
        ingest_seconds, verify_seconds, peak_kib, digest = queue.get()
        process.join()
        shutil.rmtree(work / "store")  # room on the disk for the bundle's copy
        bag = bundle_of(source, digest, work / "bundle")
        verify_bundle_seconds(bag, 1)  # its payload into the page cache, as for hashlib
        bundle_seconds = verify_bundle_seconds(bag, repeats)
        shutil.rmtree(bag)
        passes = [two_pass(source, work / "bags") for _ in range(repeats)]
        two_pass_seconds = min(p for p in passes if p is not None) if None not in passes else None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rate = {
        "hashlib": mib / hashed,
        "ingest": mib / ingest_seconds,
        "verify": mib / verify_seconds,
        "verify_bundle": mib / bundle_seconds,
    }
    print(f"  hashlib SHA-256       {rate['hashlib']:8.0f} MiB/s")
    peak = peak_kib / 1024
    print(f"  ingest (hash+encrypt) {rate['ingest']:8.0f} MiB/s   peak memory {peak:.0f} MiB")
    print(f"  store verify          {rate['verify']:8.0f} MiB/s")
    print(f"  verify-bundle         {rate['verify_bundle']:8.0f} MiB/s")
    if two_pass_seconds is not None:
        print(f"  copy + bagit sha256   {mib / two_pass_seconds:8.0f} MiB/s")
        # Any ingest that computes the SHA-256 takes at least hashlib's time, so on this
        # machine no one-pass pipeline can beat the two passes by more than this.
        print(
            f"  speedup over copy + bagit {two_pass_seconds / ingest_seconds:.2f}x; "
            f"at most {two_pass_seconds / hashed:.2f}x here (hashing alone)"
        )
    ratio = rate["ingest"] / rate["hashlib"]
    print(
        json.dumps(
            {
                "metric": "evidence_ingest_mib_per_s",
                "value": round(rate["ingest"]),
                "baseline": "hashlib sha256 of the same file, same run (MiB/s)",
                "baseline_value": round(rate["hashlib"]),
                "ratio": round(ratio, 2),
                "target": TARGET,
                "peak_memory_mib": round(peak_kib / 1024),
                "verify_ratio": round(rate["verify"] / rate["hashlib"], 2),
                "verify_bundle_ratio": round(rate["verify_bundle"] / rate["hashlib"], 2),
                "speedup_over_copy_then_bagit": round(two_pass_seconds / ingest_seconds, 2)
                if two_pass_seconds
                else None,
                "speedup_bound_hashing_alone": round(two_pass_seconds / hashed, 2)
                if two_pass_seconds
                else None,
                "file_mib": mib,
                "digest": digest,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
