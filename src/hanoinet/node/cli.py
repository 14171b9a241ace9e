"""The ``hanoinet`` command.

Expected mistakes (wrong arguments, a missing data folder, an unreachable or
malformed database, bad configuration) end with one line on stderr naming the problem
and how to fix it, and a non-zero exit code; never a traceback.

Commands that must work without a node (``convention``, later ``verify-bundle``)
never import Django: imports of the node happen inside the handlers that need it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import hanoinet
from hanoinet.node.errors import CliError

EXIT_USAGE = 2


def _set_env(args: argparse.Namespace) -> None:
    """Command-line options win over the environment for this process and its children."""
    data_dir = getattr(args, "data_dir", None)
    if data_dir:
        os.environ["HANOINET_DATA_DIR"] = str(data_dir)
    state = getattr(args, "state", None)
    if state:
        os.environ["HANOINET_STATE"] = state.upper()


def _cmd_init(args: argparse.Namespace) -> int:
    from hanoinet.node.bootstrap import initialise_node

    return initialise_node(args)


def _cmd_serve(args: argparse.Namespace) -> int:
    from hanoinet.node.server import serve

    return serve(bind=args.bind, workers=args.workers)


def _cmd_worker(args: argparse.Namespace) -> int:
    from hanoinet.node.bootstrap import run_worker_command

    return run_worker_command(once=args.once)


def _cmd_check(args: argparse.Namespace) -> int:
    from hanoinet.node.bootstrap import check_node

    return check_node()


def _cmd_demo(args: argparse.Namespace) -> int:
    from hanoinet.node.demo import run_demo

    return run_demo(
        data_dir=args.data_dir, port=args.port, keep=args.keep, once=args.once, out=args.out
    )


def _cmd_demo_code(args: argparse.Namespace) -> int:
    from hanoinet.node.demo import print_demo_code

    return print_demo_code(args.username, node=args.node)


def _cmd_manage(args: argparse.Namespace) -> int:
    from hanoinet.node.bootstrap import setup_django

    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["hanoinet manage", *args.django_args])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hanoinet",
        description="A national node of the Hanoi Convention's cooperation network.",
    )
    parser.add_argument("--version", action="version", version=f"hanoinet {hanoinet.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    init = sub.add_parser("init", help="create the data folder, keys, database and first admin")
    init.add_argument(
        "--data-dir", help="data folder (default: $HANOINET_DATA_DIR or ./hanoinet-data)"
    )
    init.add_argument(
        "--state", help="ISO 3166-1 alpha-3 code of the State (default: $HANOINET_STATE)"
    )
    init.add_argument("--admin-username", default="admin")
    init.add_argument("--admin-email", default="")
    init.add_argument(
        "--admin-password-file",
        help="file holding the first admin's password (default: ask, or generate one)",
    )
    init.add_argument(
        "--no-input", action="store_true", help="never prompt (generate the admin password)"
    )
    init.add_argument(
        "--secretariat-key",
        help="pin the secretariat's public key (JWK, or a file holding it) for register imports",
    )
    init.set_defaults(handler=_cmd_init)

    serve = sub.add_parser("serve", help="run the web server (gunicorn)")
    serve.add_argument("--data-dir")
    serve.add_argument(
        "--bind",
        default=os.environ.get("HANOINET_BIND", "127.0.0.1:8000"),
        help="address:port to listen on (default: $HANOINET_BIND or 127.0.0.1:8000)",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("HANOINET_WEB_WORKERS", "2") or 2),
        help="web processes (default: $HANOINET_WEB_WORKERS or 2)",
    )
    serve.set_defaults(handler=_cmd_serve)

    worker = sub.add_parser("worker", help="run background jobs until stopped")
    worker.add_argument("--data-dir")
    worker.add_argument("--once", action="store_true", help="run due jobs once and exit")
    worker.set_defaults(handler=_cmd_worker)

    check = sub.add_parser("check", help="check the configuration, keys and database")
    check.add_argument("--data-dir")
    check.set_defaults(handler=_cmd_check)

    demo = sub.add_parser(
        "demo",
        help="run the demo network (secretariat, Viet Nam, Cambodia, France) and its story",
    )
    demo.add_argument(
        "--data-dir", default=".hanoinet-demo", help="demo data folder (default: ./.hanoinet-demo)"
    )
    demo.add_argument(
        "--port",
        type=int,
        default=None,
        help="first of 4 consecutive ports (default: the first free ports from 8000)",
    )
    demo.add_argument("--keep", action="store_true", help="reuse the demo data of a previous run")
    demo.add_argument(
        "--once",
        action="store_true",
        help="run the story, write the outputs, stop; exit 0 only if every step succeeded",
    )
    demo.add_argument(
        "--out",
        help="with --once: folder for the register document and evidence bundles "
        "(default: DATA_DIR/out)",
    )
    demo.set_defaults(handler=_cmd_demo)

    code = sub.add_parser("demo-code", help="print the current second-factor code of a demo user")
    code.add_argument("username")
    code.add_argument("--data-dir", default=".hanoinet-demo")
    code.add_argument(
        "--node",
        default="vnm",
        choices=["vnm", "khm", "fra", "secretariat"],
        help="the demo node of the user (default: vnm)",
    )
    code.set_defaults(handler=_cmd_demo_code)

    manage = sub.add_parser("manage", help="run a Django management command (operators)")
    manage.add_argument("--data-dir")
    manage.add_argument("django_args", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=_cmd_manage)

    _register_optional(sub)
    return parser


def _register_optional(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Subcommands contributed by other modules (each free of Django at import)."""
    from hanoinet.node.commands import registered_command_modules

    for module in registered_command_modules():
        module.register(sub)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _set_env(args)
    try:
        return int(args.handler(args))
    except CliError as exc:
        print(f"hanoinet: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("hanoinet: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into `head` and the like: not an error worth a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
