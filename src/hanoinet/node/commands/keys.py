"""``hanoinet keys …``: show and rotate this node's own key pairs."""

from __future__ import annotations

import argparse
import json


def _setup() -> None:
    from hanoinet.node.bootstrap import require_data_dir, setup_django
    from hanoinet.node.config import data_dir

    require_data_dir(data_dir())
    setup_django()


def run_show(args: argparse.Namespace) -> int:
    _setup()
    from django.conf import settings

    from hanoinet.core.keys import load_node_keys

    keys = load_node_keys(settings.HANOINET_KEYS_DIR)
    print(json.dumps({"keys": [keys.signing_public_jwk(), keys.encryption_public_jwk()]}, indent=1))
    return 0


def run_rotate(args: argparse.Namespace) -> int:
    _setup()
    from django.conf import settings

    from hanoinet.core.keys import rotate_node_keys
    from hanoinet.node.audit.actor import system_actor
    from hanoinet.node.audit.record import record

    old, new = rotate_node_keys(settings.HANOINET_KEYS_DIR)
    record(
        system_actor("cli:keys rotate"),
        "node.keys_rotated",
        object_type="node.keys",
        object_id=new.signing_key_id(),
        extra={
            "old_signing": old.signing_key_id(),
            "old_encryption": old.encryption_key_id(),
            "new_encryption": new.encryption_key_id(),
        },
    )
    print(f"new signing key {new.signing_key_id()}, new encryption key {new.encryption_key_id()}")
    print("the old keys are kept as retired-*.pem: envelopes sealed to the old key still open.")
    print("next: restart the server and workers, then send the output of")
    print("  hanoinet register describe")
    print("to the secretariat; peers verify the new signatures once they import that register,")
    print("and keep verifying what the old key signed before its end date.")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("keys", help="this node's signing and encryption keys")
    sub = parser.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="the node's data folder (default: $HANOINET_DATA_DIR)")
    show = sub.add_parser("show", parents=[common], help="print the public keys (JWK)")
    show.set_defaults(handler=run_show)
    rotate = sub.add_parser("rotate", parents=[common], help="replace both key pairs")
    rotate.set_defaults(handler=run_rotate)
