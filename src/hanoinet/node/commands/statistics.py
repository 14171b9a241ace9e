"""``hanoinet statistics``: the Conference report of this node, as JSON."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, date, datetime

from hanoinet.node.errors import CliError


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(f"{option} {text!r} is not a date such as 2026-01-31") from None


def run(args: argparse.Namespace) -> int:
    from hanoinet.node.bootstrap import require_data_dir, setup_django
    from hanoinet.node.config import data_dir

    today = datetime.now(UTC).date()
    start = _date(args.start, "--from") if args.start else date(today.year, 1, 1)
    end = _date(args.end, "--to") if args.end else today
    if end < start:
        raise CliError(f"--to {end} is before --from {start}")
    require_data_dir(data_dir())
    setup_django()
    from hanoinet.node.audit.actor import system_actor
    from hanoinet.node.requests.statistics import conference_report

    report = conference_report(system_actor("cli:statistics"), start, end)
    print(json.dumps(report, indent=1, ensure_ascii=False))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "statistics", help="the Conference report: counts and delays, no case data (JSON)"
    )
    parser.add_argument("--data-dir", help="the node's data folder (default: $HANOINET_DATA_DIR)")
    parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD (default: 1 January)")
    parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD (default: today)")
    parser.set_defaults(handler=run)
