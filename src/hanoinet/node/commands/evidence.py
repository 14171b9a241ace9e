"""``hanoinet evidence …``: take in a file, verify an item, print the ledger's checkpoint."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path

from hanoinet.node.errors import CliError


def _setup() -> None:
    from hanoinet.node.bootstrap import require_data_dir, setup_django
    from hanoinet.node.config import data_dir

    require_data_dir(data_dir())
    setup_django()


def run_add(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"{path} is not a readable file")
    acquired_at = None
    if args.acquired_at:
        try:
            acquired_at = datetime.fromisoformat(args.acquired_at)
        except ValueError:
            raise CliError(
                f"--acquired-at {args.acquired_at!r} is not a time such as 2026-11-30T03:10+07:00"
            ) from None
    _setup()
    from hanoinet.node.audit.actor import system_actor
    from hanoinet.node.evidence.actions import ItemError, do_ingest_item

    try:
        with path.open("rb") as source:
            item = do_ingest_item(
                system_actor(f"cli:evidence add ({args.acquired_by})"),
                source,
                filename=path.name,
                description=args.description,
                source_kind=args.source,
                acquired_by=args.acquired_by,
                acquired_at=acquired_at,
                exhibit_number=args.exhibit,
                method=args.method,
                tool=args.tool,
            )
    except ItemError as exc:
        raise CliError(str(exc)) from None
    print(json.dumps({"code": str(item.code), "sha256": item.digest, "size": item.size}))
    return 0


def run_verify(args: argparse.Namespace) -> int:
    _setup()
    from django.http import Http404

    from hanoinet.node.audit.actor import system_actor
    from hanoinet.node.evidence.access import get_item
    from hanoinet.node.evidence.actions import ItemError, do_verify_item

    actor = system_actor("cli:evidence verify")
    try:
        item = get_item(actor, args.code)
        do_verify_item(actor, item)
    except Http404:
        raise CliError(f"no evidence item {args.code}") from None
    except ItemError as exc:
        raise CliError(str(exc)) from None
    print(f"{item.code}: SHA-256 {item.digest} verified, {item.size} bytes")
    return 0


def run_bundle(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.exists():
        raise CliError(f"--out {out} exists already: choose a new folder")
    _setup()
    from django.http import Http404

    from hanoinet.node.audit.actor import system_actor
    from hanoinet.node.evidence.access import get_item
    from hanoinet.node.evidence.actions import ItemError
    from hanoinet.node.evidence.bundle import do_build_bundle, do_build_bundle_archive

    actor = system_actor("cli:evidence bundle")
    try:
        items = [get_item(actor, code) for code in args.codes]
        if out.suffix == ".tar":  # NAME.tar: one archive file
            do_build_bundle_archive(actor, items, out, args.reason)
        else:
            do_build_bundle(actor, items, out, args.reason)
    except Http404:
        raise CliError("one of the codes is not an evidence item of this node") from None
    except ItemError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"the bundle could not be written: {exc}") from None
    print(f"bundle of {len(items)} item(s) written to {out}")
    print(f"check it anywhere, offline: hanoinet verify-bundle {out}")
    return 0


def run_checkpoint(args: argparse.Namespace) -> int:
    _setup()
    from hanoinet.node.evidence.ledger import checkpoint

    print(checkpoint().note, end="")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("evidence", help="electronic evidence and its custody ledger")
    sub = parser.add_subparsers(dest="evidence_command", metavar="ACTION", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="the node's data folder (default: $HANOINET_DATA_DIR)")
    add = sub.add_parser("add", parents=[common], help="take in a file (stored encrypted)")
    add.add_argument("file")
    add.add_argument("--description", required=True)
    add.add_argument("--acquired-by", required=True, help="who acquired it")
    add.add_argument(
        "--source",
        default="seizure",
        choices=["seizure", "provider_response", "foreign_state", "victim_upload", "other"],
    )
    add.add_argument("--acquired-at", help="when, ISO 8601 with a time zone (default: now)")
    add.add_argument("--exhibit", default="", help="exhibit number")
    add.add_argument("--method", default="", help="how it was acquired")
    add.add_argument("--tool", default="", help="with which tool")
    add.set_defaults(handler=run_add)
    verify = sub.add_parser("verify", parents=[common], help="check an item end to end")
    verify.add_argument("code")
    verify.set_defaults(handler=run_verify)
    bundle = sub.add_parser(
        "bundle", parents=[common], help="write a court bundle (BagIt) of items, with proofs"
    )
    bundle.add_argument("codes", nargs="+", metavar="CODE", help="the items' codes")
    bundle.add_argument(
        "--out", required=True, help="a new folder for the bundle, or NAME.tar for one archive file"
    )
    bundle.add_argument("--reason", required=True, help="why (a custody event: exported)")
    bundle.set_defaults(handler=run_bundle)
    point = sub.add_parser(
        "checkpoint", parents=[common], help="print the ledger's signed checkpoint"
    )
    point.set_defaults(handler=run_checkpoint)
