"""``hanoinet register …``: publish (secretariat), import and trust (node), export."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from hanoinet.node.errors import CliError

UNCHANGED = "the register in force is unchanged"


def _setup() -> None:
    from hanoinet.node.bootstrap import require_data_dir, setup_django
    from hanoinet.node.config import data_dir

    require_data_dir(data_dir())
    setup_django()


def _actor(name: str):  # type: ignore[no-untyped-def]
    from hanoinet.node.audit.actor import system_actor

    return system_actor(f"cli:register {name}")


def run_publish(args: argparse.Namespace) -> int:
    _setup()
    from django.core.exceptions import PermissionDenied

    from hanoinet.node.register.actions import do_publish_register

    try:
        document = do_publish_register(_actor("publish"), validity_days=args.days)
    except PermissionDenied as exc:
        raise CliError(str(exc) or "only a secretariat node publishes the register") from None
    except ValueError as exc:
        raise CliError(str(exc)) from None
    until = f"{document.expires_at:%Y-%m-%d %H:%M} UTC"
    print(f"register serial {document.serial} published, valid until {until}")
    for change in document.changes:
        print(f"  {change['state']} {change['what']}: {change['change']}")
    if args.out:
        Path(args.out).write_text(document.token + "\n", encoding="utf-8")
        print(f"signed document written to {args.out}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    _setup()
    from django.core.exceptions import PermissionDenied

    from hanoinet.core.register.errors import RegisterError
    from hanoinet.node.register.actions import do_import_register
    from hanoinet.node.register.fetch import SourceError, parse_bundle, read_source

    try:
        bundle = parse_bundle(read_source(args.source))
        result = do_import_register(_actor("import"), bundle, source=args.source)
    except SourceError as exc:
        raise CliError(str(exc)) from None
    except RegisterError as exc:
        raise CliError(
            f"register refused ({exc.code}): {exc}; the register in force is unchanged"
        ) from None
    except PermissionDenied as exc:
        raise CliError(str(exc)) from None
    if result.error is not None:
        raise CliError(f"register refused ({result.error.code}): {result.error}; {UNCHANGED}")
    if result.outcome == "unchanged":
        print(f"register serial {result.serial} is already in force")
        return 0
    print(f"register serial {result.serial} accepted ({len(result.changes)} change(s))")
    for change in result.changes:
        print(f"  {change.state} {change.what}: {change.change}")
    return 0


def read_jwk(text: str) -> dict[str, str]:
    candidate = Path(text)
    raw = candidate.read_text(encoding="utf-8") if candidate.exists() else text
    try:
        value = json.loads(raw)
    except ValueError:
        raise CliError("the key must be a JWK in JSON (or a file holding one)") from None
    if isinstance(value, dict) and "keys" in value and isinstance(value["keys"], list):
        signing = [k for k in value["keys"] if isinstance(k, dict) and k.get("crv") == "Ed25519"]
        value = signing[0] if signing else value
    if not isinstance(value, dict):
        raise CliError("the key must be a JSON object (a JWK)")
    return {str(k): str(v) for k, v in value.items()}


def run_trust(args: argparse.Namespace) -> int:
    _setup()
    from hanoinet.node.register.actions import do_trust_secretariat_key

    try:
        signer = do_trust_secretariat_key(_actor("trust"), read_jwk(args.key))
    except ValueError as exc:
        raise CliError(str(exc)) from None
    print(f"secretariat key {signer.kid} is trusted for register documents")
    return 0


def run_export(args: argparse.Namespace) -> int:
    _setup()
    from hanoinet.core.register.model import state_to_json
    from hanoinet.node.register.convert import entries_in_force

    entries = entries_in_force()
    if args.format == "json":
        json.dump([state_to_json(e) for e in entries], sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(["state", "name", "languages", "endpoint", "signing_keys"])
        for entry in entries:
            keys = [k.kid for k in entry.node.keys if k.use == "sig"] if entry.node else []
            writer.writerow(
                [
                    entry.code,
                    entry.name,
                    " ".join(entry.languages),
                    entry.node.endpoint if entry.node else "",
                    " ".join(keys),
                ]
            )
    return 0


def run_set_state(args: argparse.Namespace) -> int:
    """Secretariat: create or replace one State's entry from its JSON (as in the register)."""
    _setup()
    from django.core.exceptions import PermissionDenied

    from hanoinet.core.register.errors import RegisterFormatError
    from hanoinet.core.register.model import state_from_json
    from hanoinet.node.register.actions import do_save_state

    try:
        raw = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CliError(f"cannot read {args.file}: {exc.strerror}") from None
    except ValueError as exc:
        raise CliError(f"{args.file} is not valid JSON: {exc}") from None
    try:
        entry = state_from_json(raw, "state")
        do_save_state(_actor("set-state"), entry, reason=args.reason)
    except RegisterFormatError as exc:
        raise CliError(str(exc)) from None
    except PermissionDenied as exc:
        raise CliError(str(exc)) from None
    print(f"{entry.code} saved; run `hanoinet register publish` to circulate it")
    return 0


def run_add_node(args: argparse.Namespace) -> int:
    """Secretariat: put a node's endpoint and public keys into its State's entry."""
    _setup()
    from django.core.exceptions import PermissionDenied

    from hanoinet.core.register.errors import RegisterFormatError
    from hanoinet.node.register.actions import do_save_node
    from hanoinet.node.register.fetch import SourceError, read_node_description

    try:
        description = read_node_description(args.source)
        entry = do_save_node(_actor("add-node"), description, reason=args.reason)
    except (SourceError, RegisterFormatError) as exc:
        raise CliError(str(exc)) from None
    except PermissionDenied as exc:
        raise CliError(str(exc)) from None
    assert entry.node is not None  # noqa: S101  (do_save_node always sets it)
    print(f"{entry.code}: node {entry.node.endpoint} with keys:")
    for key in entry.node.keys:
        print(f"  {key.use} {key.kid}")
    print("Check these fingerprints with the State's authorities, then publish.")
    return 0


def run_rotate_key(args: argparse.Namespace) -> int:
    _setup()
    from django.core.exceptions import PermissionDenied

    from hanoinet.node.register.actions import do_rotate_secretariat_key

    try:
        rotation = do_rotate_secretariat_key(_actor("rotate-key"))
    except PermissionDenied as exc:
        raise CliError(str(exc)) from None
    print(f"secretariat key rotated: {rotation.old_kid} -> {rotation.new_kid}")
    print("The announcement is served with the register; publish to sign with the new key.")
    return 0


def run_describe(args: argparse.Namespace) -> int:
    """Print this node's description (as served at /.well-known/hanoinet/node)."""
    _setup()
    from hanoinet.node.register.describe import node_description

    print(json.dumps(node_description(), indent=1))
    return 0


def run_key(args: argparse.Namespace) -> int:
    """Print this node's public signing key (the secretariat's key, on a secretariat)."""
    _setup()
    from django.conf import settings

    from hanoinet.core.keys import load_node_keys

    jwk = load_node_keys(settings.HANOINET_KEYS_DIR).signing_public_jwk()
    print(json.dumps(jwk))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("register", help="the register of States Parties")
    sub = parser.add_subparsers(dest="register_command", metavar="ACTION", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="the node's data folder (default: $HANOINET_DATA_DIR)")

    publish = sub.add_parser(
        "publish", parents=[common], help="secretariat: sign and publish the register"
    )
    publish.add_argument("--days", type=int, default=30, help="validity in days (default 30)")
    publish.add_argument("--out", help="also write the signed document to this file")
    publish.set_defaults(handler=run_publish)

    imp = sub.add_parser(
        "import", parents=[common], help="node: verify and install a register from a URL or file"
    )
    imp.add_argument("source", help="secretariat URL, or a file holding the bundle or JWS")
    imp.set_defaults(handler=run_import)

    trust = sub.add_parser("trust", parents=[common], help="node: pin the secretariat's public key")
    trust.add_argument("key", help="the key as JWK JSON, or a file holding it")
    trust.set_defaults(handler=run_trust)

    export = sub.add_parser("export", parents=[common], help="print the register in force")
    export.add_argument("--format", choices=["json", "csv"], default="json")
    export.set_defaults(handler=run_export)

    set_state = sub.add_parser(
        "set-state", parents=[common], help="secretariat: create or replace a State entry"
    )
    set_state.add_argument("file", help="JSON of one State, as in the register document")
    set_state.add_argument("--reason", required=True, help="why (kept in the audit trail)")
    set_state.set_defaults(handler=run_set_state)

    add_node = sub.add_parser(
        "add-node", parents=[common], help="secretariat: enter a node's endpoint and keys"
    )
    add_node.add_argument(
        "source", help="the node's URL, or a file of its /.well-known/hanoinet/node"
    )
    add_node.add_argument("--reason", required=True, help="why (kept in the audit trail)")
    add_node.set_defaults(handler=run_add_node)

    rotate = sub.add_parser(
        "rotate-key", parents=[common], help="secretariat: replace the signing key"
    )
    rotate.set_defaults(handler=run_rotate_key)

    describe = sub.add_parser("describe", parents=[common], help="print this node's description")
    describe.set_defaults(handler=run_describe)

    key = sub.add_parser("key", parents=[common], help="print this node's public signing key (JWK)")
    key.set_defaults(handler=run_key)
