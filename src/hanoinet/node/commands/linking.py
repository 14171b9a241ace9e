"""``hanoinet linking rebuild``: cluster every victim report again in one batch, after a
change of the warning list or of the fan-out cap, or to check the incremental links."""

from __future__ import annotations

import argparse
import time

from hanoinet.node.errors import CliError


def run(args: argparse.Namespace) -> int:
    from hanoinet.node.bootstrap import require_data_dir, setup_django
    from hanoinet.node.config import data_dir

    if args.action != "rebuild":  # pragma: no cover - argparse allows only the choices
        raise CliError(f"unknown action {args.action!r}")
    require_data_dir(data_dir())
    setup_django()
    from hanoinet.node.audit.actor import system_actor
    from hanoinet.node.linking.actions import rebuild

    started = time.perf_counter()
    reports, clusters = rebuild(system_actor("cli:linking"))
    elapsed = time.perf_counter() - started
    print(f"{reports} reports in {clusters} clusters ({elapsed:.1f} s)")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("linking", help="victim reports' clusters: rebuild")
    parser.add_argument("action", choices=["rebuild"], help="rebuild: cluster all reports again")
    parser.add_argument("--data-dir", help="the node's data folder (default: $HANOINET_DATA_DIR)")
    parser.set_defaults(handler=run)
