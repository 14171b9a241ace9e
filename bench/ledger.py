"""Custody ledger benchmark: appends per second at 1M and 10M events, inclusion proofs
and their verification at that size, and — measured in the same run — the floor: the
same root computed with plain hashlib in one pass over the leaf hashes.

    python bench/ledger.py            # 1M and 10M events
    python bench/ledger.py --quick    # 1M events only, well within 60 seconds

Targets: inclusion proof at 10M under 1 ms, verification under 100 µs. The last line is
one JSON object with the metric, the baseline, the ratio and the target.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from hanoinet.core.ledger import MerkleTree, leaf_hash, verify_inclusion  # noqa: E402

PROOF_TARGET_US = 1000.0
VERIFY_TARGET_US = 100.0


def floor_root(hashes: list[bytes]) -> bytes:
    """RFC 9162's MTH with nothing but hashlib, level by level (the floor)."""
    level = hashes
    while len(level) > 1:
        paired = [
            hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest()
            for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            paired.append(level[-1])  # promoted, as in a left-balanced tree built bottom-up
        level = paired
    return level[0]


def run(size: int) -> dict[str, float]:
    leaves = [f"custody event {i}".encode() for i in range(size)]
    tree = MerkleTree()
    started = time.perf_counter()
    for leaf in leaves:
        tree.append(leaf)
    append_seconds = time.perf_counter() - started
    root = tree.root()
    hashes = [leaf_hash(leaf) for leaf in leaves]
    started = time.perf_counter()
    floor = floor_root(hashes)
    floor_seconds = time.perf_counter() - started
    assert floor == root, "the floor computes a different root"
    picks = random.sample(range(size), 1000)
    started = time.perf_counter()
    proofs = [tree.inclusion(index) for index in picks]
    proof_us = (time.perf_counter() - started) / len(picks) * 1e6
    started = time.perf_counter()
    for index, proof in zip(picks, proofs, strict=True):
        verify_inclusion(hashes[index], index, size, proof, root)
    verify_us = (time.perf_counter() - started) / len(picks) * 1e6
    print(
        f"{size:>11,} events: {size / append_seconds:>10,.0f} appends/s "
        f"(floor: whole root with hashlib in {floor_seconds:.2f} s); "
        f"inclusion proof {proof_us:.1f} µs, verification {verify_us:.1f} µs",
        flush=True,
    )
    return {
        "size": size,
        "appends_per_s": size / append_seconds,
        "floor_seconds": floor_seconds,
        "append_seconds": append_seconds,
        "proof_us": proof_us,
        "verify_us": verify_us,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    results = [run(size) for size in ([1_000_000] if args.quick else [1_000_000, 10_000_000])]
    last = results[-1]
    print(
        json.dumps(
            {
                "metric": "inclusion_proof_us",
                "value": round(last["proof_us"], 1),
                "baseline": "seconds to append every event vs the hashlib floor for the root",
                "baseline_value": round(last["floor_seconds"], 2),
                "ratio": round(last["append_seconds"] / last["floor_seconds"], 2),
                "target": PROOF_TARGET_US,
                "verify_us": round(last["verify_us"], 1),
                "verify_target_us": VERIFY_TARGET_US,
                "events": int(last["size"]),
                "appends_per_s": round(last["appends_per_s"]),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
