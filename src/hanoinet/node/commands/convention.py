"""``hanoinet convention …``: check a request file against the Convention, list the kinds.

Needs no node and no database: an officer or a drafting tool can check a request anywhere.
Exit codes: 0 the request is complete, 1 it has problems, 2 the input could not be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from hanoinet.core.convention import (
    KINDS,
    MODEL_VERSION,
    TEXT_REFERENCE,
    UnknownKindError,
    kind_for,
    validate,
)
from hanoinet.core.convention.examples import example
from hanoinet.core.jsonio import JsonError, loads_strict
from hanoinet.node.errors import CliError

MAX_FILE_BYTES = 5 * 1024 * 1024


def _read_request(source: str) -> object:
    try:
        if source == "-":
            raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        else:
            with Path(source).open("rb") as handle:
                raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise CliError(f"cannot read {source}: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise CliError(f"{source}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    try:
        return loads_strict(raw)
    except JsonError as exc:
        raise CliError(f"{source}: {exc}") from None


def run_check(args: argparse.Namespace) -> int:
    try:
        kind = kind_for(args.kind)
    except UnknownKindError as exc:
        raise CliError(str(exc)) from None
    problems = validate(kind, _read_request(args.file))
    if args.json:
        print(
            json.dumps(
                {
                    "kind": kind.code,
                    "article": kind.article,
                    "complete": not problems,
                    "model": MODEL_VERSION,
                    "problems": [problem.as_dict() for problem in problems],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    elif problems:
        print(f"{kind.code} (Art. {kind.article}): {len(problems)} problem(s)")
        for problem in problems:
            where = f"Art. {problem.article}" if problem.article else "practice"
            print(f"  - {problem.element} [{where}] {problem.text}")
    else:
        print(f"{kind.code} (Art. {kind.article}): complete, every required element is present")
    return 1 if problems else 0


def run_kinds(args: argparse.Namespace) -> int:
    if args.json:
        listing = [
            {
                "kind": kind.code,
                "article": kind.article,
                "title": kind.title,
                "channels": list(kind.channels),
                "dual_criminality": str(kind.dual_criminality),
                "refusal_grounds": sorted(kind.refusal_grounds),
                "elements": [
                    {
                        "name": element.name,
                        "required": element.required,
                        "article": element.article,
                        "type": str(element.value_type),
                        "label": element.label,
                        "none_available_allowed": element.accepts_none_available,
                    }
                    for element in kind.elements
                ],
            }
            for kind in KINDS.values()
        ]
        print(
            json.dumps({"model": MODEL_VERSION, "text": TEXT_REFERENCE, "kinds": listing}, indent=2)
        )
        return 0
    print(f"Request kinds (model {MODEL_VERSION}, text {TEXT_REFERENCE})")
    for kind in KINDS.values():
        print(f"\n{kind.code} — Art. {kind.article}: {kind.title}")
        for element in kind.elements:
            need = "required" if element.required else "optional"
            cited = f"Art. {element.article}" if element.article else "practice"
            extra = ', "none available" accepted' if element.accepts_none_available else ""
            print(f"  {element.name:<26} {need:<8} {cited:<8} {element.label}{extra}")
    return 0


def run_example(args: argparse.Namespace) -> int:
    try:
        kind = kind_for(args.kind)
    except UnknownKindError as exc:
        raise CliError(str(exc)) from None
    print(json.dumps(example(kind.code), indent=2, ensure_ascii=False))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("convention", help="check requests against the Convention")
    sub = parser.add_subparsers(dest="convention_command", metavar="ACTION", required=True)

    check = sub.add_parser("check", help="check a request file; exit 1 when incomplete or unlawful")
    check.add_argument(
        "kind", help="request kind, e.g. preservation (see: hanoinet convention kinds)"
    )
    check.add_argument("file", help="the request as a JSON object, or - for standard input")
    check.add_argument("--json", action="store_true", help="machine-readable output")
    check.set_defaults(handler=run_check)

    kinds = sub.add_parser("kinds", help="list the request kinds and their elements")
    kinds.add_argument("--json", action="store_true", help="machine-readable output")
    kinds.set_defaults(handler=run_kinds)

    sample = sub.add_parser("example", help="print a complete example request of a kind")
    sample.add_argument("kind")
    sample.set_defaults(handler=run_example)
