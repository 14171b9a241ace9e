"""``hanoinet verify-bundle PATH``: check a court bundle offline — no node, no database,
no settings. Exit 0 only when every check passes; 1 when one fails; 2 when PATH is not
a bundle folder."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from hanoinet.node.errors import CliError


def run(args: argparse.Namespace) -> int:
    from hanoinet.core.bundle import verify_bundle

    folder = Path(args.path)
    if not folder.is_dir():
        raise CliError(f"{folder} is not a bundle folder")
    report = verify_bundle(
        folder, require_witness=args.require_witness, require_register=args.require_register
    )
    print(json.dumps(report.as_json(), indent=1) if args.json else report.text())
    return 0 if report.ok else 1


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "verify-bundle", help="check an evidence bundle offline (hashes, BagIt, proofs, signatures)"
    )
    parser.add_argument("path", help="the bundle folder")
    parser.add_argument("--json", action="store_true", help="the report as JSON")
    parser.add_argument(
        "--require-witness",
        action="store_true",
        help="fail unless the checkpoint extends one co-signed by a witness",
    )
    parser.add_argument(
        "--require-register",
        action="store_true",
        help="fail unless the bundle carries the secretariat's signed register and every "
        "key it relies on is in it",
    )
    parser.set_defaults(handler=run)
