"""``hanoinet verify-bundle PATH``: check a court bundle offline — no node, no database,
no settings. PATH is the bundle's folder or its archive (the .tar a node's page gives).
Exit 0 only when every check passes; 1 when one fails; 2 when PATH does not exist."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from hanoinet.node.errors import CliError


def run(args: argparse.Namespace) -> int:
    from hanoinet.core.bundle import verify_bundle, verify_bundle_archive

    path = Path(args.path)
    options = {"require_witness": args.require_witness, "require_register": args.require_register}
    if path.is_dir():
        report = verify_bundle(path, **options)
    elif path.is_file():
        report = verify_bundle_archive(path, **options)
    else:
        raise CliError(f"{path} is neither a bundle folder nor a bundle archive (.tar)")
    print(json.dumps(report.as_json(), indent=1) if args.json else report.text())
    return 0 if report.ok else 1


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "verify-bundle", help="check an evidence bundle offline (hashes, BagIt, proofs, signatures)"
    )
    parser.add_argument("path", help="the bundle folder, or its archive (.tar)")
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
