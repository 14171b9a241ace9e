"""``hanoinet federation …``: send a message, see delivery and peers, ping a peer."""

from __future__ import annotations

import argparse
import json

from hanoinet.node.errors import CliError


def _setup() -> None:
    from hanoinet.node.bootstrap import require_data_dir, setup_django
    from hanoinet.node.config import data_dir

    require_data_dir(data_dir())
    setup_django()


def run_send(args: argparse.Namespace) -> int:
    _setup()
    from hanoinet.node.audit.actor import system_actor
    from hanoinet.node.federation.actions import SendError, do_send_note

    try:
        message = do_send_note(
            system_actor("cli:federation send"),
            recipient=args.peer,
            subject=args.subject,
            text=args.text,
            urgency=args.urgency,
            urgency_reason=args.reason or "",
            thread_id=args.thread or "",
        )
    except SendError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        print(json.dumps({"message_id": message.message_id, "thread_id": message.thread_id}))
    else:
        print(
            f"queued {message.message_id} to {message.recipient_state} (thread {message.thread_id})"
        )
        print("the worker delivers it; see: hanoinet federation status")
    return 0


def run_status(args: argparse.Namespace) -> int:
    _setup()
    from django.conf import settings

    from hanoinet.node.federation.health import health
    from hanoinet.node.federation.models import OutboxMessage
    from hanoinet.node.register.models import RegisterState

    counts = {
        status: OutboxMessage.objects.filter(status=status).count()
        for status in OutboxMessage.Status.values
    }
    messages = [
        {
            "message_id": row.message_id,
            "to": row.recipient_state,
            "type": row.message_type,
            "thread": row.thread_id,
            "status": row.status,
            "submitted": row.created_at.isoformat(),
            "delivered": row.delivered_at.isoformat() if row.delivered_at else None,
            "retrieved": row.retrieved_at.isoformat() if row.retrieved_at else None,
            "attempts": row.attempts,
            "last_error": row.last_error,
        }
        for row in OutboxMessage.objects.exclude(message_type__startswith="delivery.").order_by(
            "-id"
        )[: args.limit]
    ]
    peers = []
    for code in (
        RegisterState.objects.exclude(endpoint="")
        .exclude(code=settings.HANOINET_STATE)
        .values_list("code", flat=True)
    ):
        h = health(code)
        peers.append(
            {
                "state": code,
                "reachable": h.reachable,
                "availability": h.availability,
                "median_ms": h.median_ms,
                "last_seen": h.last_seen.isoformat() if h.last_seen else None,
            }
        )
    if args.json:
        print(json.dumps({"counts": counts, "messages": messages, "peers": peers}, indent=1))
        return 0
    waiting, done, dead = counts["pending"], counts["delivered"], counts["dead"]
    print(f"outbox: {waiting} waiting, {done} delivered, {dead} undeliverable")
    for m in messages:
        print(
            f"  {str(m['submitted'])[:19]} {m['type']} -> {m['to']}: {m['status']}"
            + (f", delivered {str(m['delivered'])[:19]}" if m["delivered"] else "")
            + (f", retrieved {str(m['retrieved'])[:19]}" if m["retrieved"] else "")
            + (f" ({m['attempts']} attempts: {m['last_error']})" if m["last_error"] else "")
        )
    for p in peers:
        state = (
            "not checked"
            if p["reachable"] is None
            else ("reachable" if p["reachable"] else "UNREACHABLE")
        )
        median = f", median {p['median_ms']:.0f} ms" if p["median_ms"] is not None else ""
        print(f"peer {p['state']}: {state}{median}")
    return 0


def run_ping(args: argparse.Namespace) -> int:
    _setup()
    from hanoinet.node.federation.health import ping

    result = ping(args.peer.upper())
    if not result.ok:
        raise CliError(
            f"{args.peer.upper()} did not answer with a valid signed receipt", exit_code=1
        )
    print(f"{args.peer.upper()}: signed receipt in {result.rtt_ms:.1f} ms")
    return 0


def run_deliver(args: argparse.Namespace) -> int:
    _setup()
    from hanoinet.node.federation.delivery import deliver_due

    total = 0
    while True:
        handled = deliver_due()
        total += handled
        if handled == 0 or not args.all:
            break
    print(f"{total} message(s) handled")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("federation", help="messages to and from other States' nodes")
    sub = parser.add_subparsers(dest="federation_command", metavar="ACTION", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="the node's data folder (default: $HANOINET_DATA_DIR)")

    send = sub.add_parser("send", parents=[common], help="queue a note to another State's node")
    # Not "state": that name sets this node's own State (see cli._set_env).
    send.add_argument(
        "peer", metavar="STATE", help="ISO 3166-1 alpha-3 code of the recipient State"
    )
    send.add_argument("--subject", required=True)
    send.add_argument("--text", required=True)
    send.add_argument("--urgency", choices=["routine", "urgent", "emergency"], default="routine")
    send.add_argument("--reason", help="why it is urgent (required unless routine)")
    send.add_argument("--thread", help="continue this thread")
    send.add_argument("--json", action="store_true")
    send.set_defaults(handler=run_send)

    status = sub.add_parser(
        "status", parents=[common], help="delivery of recent messages and peer health"
    )
    status.add_argument("--limit", type=int, default=20)
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=run_status)

    ping_parser = sub.add_parser(
        "ping", parents=[common], help="send a signed ping and wait for the receipt"
    )
    ping_parser.add_argument("peer", metavar="STATE")
    ping_parser.set_defaults(handler=run_ping)

    deliver = sub.add_parser("deliver", parents=[common], help="run one delivery round now")
    deliver.add_argument("--all", action="store_true", help="repeat until nothing is due")
    deliver.set_defaults(handler=run_deliver)
