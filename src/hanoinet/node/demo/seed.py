"""Seed data of a demo node, written inside the node (run as
``python -m hanoinet.node.demo.seed STATE [--history N]`` with the node's environment).

This is set-up, not the story: officers, their second factors, API tokens for the
scripted story, the 24/7 roster, two case files, and historical threads bulk-written for
the dashboards and the statistics. Everything the story does later goes through HTTP.
Only a demo node (``HANOINET_DEMO=1``, a data folder inside a marked demo folder) is
seeded: the password is public.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

DEMO_PASSWORD = "demo-Hanoi-2025"  # noqa: S105  (demo only: loopback, marked folder)
HISTORY_STATES = ("VNM", "KHM", "FRA")
# Historical threads are identified alike on both nodes of a pair, so that each node's
# copy tells the same story (its code is derived from the pair and the number).
HISTORY_NAMESPACE = uuid.UUID("6f1c1f5e-6e61-4f6e-8e65-74646f6d6f21")


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    unit: str
    roles: tuple[str, ...]


UNITS = {
    "poc": ("National 24/7 point of contact", "point_of_contact"),
    "central": ("Central authority for mutual legal assistance", "central_authority"),
    "investigator": ("Cybercrime investigation department", "law_enforcement"),
    "analyst": ("Analysis and victim liaison unit", "law_enforcement"),
    "auditor": ("Inspectorate", "oversight"),
    "admin": ("Node administration", "administration"),
}
ROLES = {
    "poc": ("point_of_contact",),
    "central": ("central_authority",),
    "investigator": ("investigator", "analyst"),
    # Links the victims' reports, asks other States (hit/no-hit), tells the victims.
    "analyst": ("analyst", "victim_support"),
    "auditor": ("auditor",),
    "admin": ("node_admin",),
}
NAMES = {
    "VNM": (
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Minh Châu",
        "Võ Thị Giang",
        "Phạm Thu Dung",
        "Hoàng Đức Em",
    ),
    "KHM": (
        "Sok Dara",
        "Chan Sophea",
        "Keo Vannak",
        "Ouk Chanthy",
        "Meas Sreymom",
        "Lim Bunthoeun",
    ),
    "FRA": (
        "Camille Martin",
        "Julien Bernard",
        "Léa Dubois",
        "Nathalie Girard",
        "Hugo Lefèvre",
        "Inès Moreau",
    ),
    "": ("", "", "", "", "", "Amina Diallo"),
}


# A telecom operator registered on a node's provider portal, and its liaison officer:
# node state -> (provider, country, legal desk, liaison's username, liaison's name).
PROVIDERS = {
    "KHM": (
        "Mekong Mobile",
        "KHM",
        "Legal desk, lawful-requests@mekong.demo.invalid",
        "mekong",
        "Sreng Mealea",
    ),
}


def users_for(state: str) -> tuple[DemoUser, ...]:
    """The officers of a node: the six roles on a national node, an administrator on the
    secretariat; and the liaison officer of the node's demo provider, if it has one."""
    names = dict(zip(UNITS, NAMES[state], strict=True))
    wanted = ("admin",) if not state else tuple(UNITS)
    officers = tuple(
        DemoUser(username, names[username], UNITS[username][0], ROLES[username])
        for username in wanted
    )
    if state not in PROVIDERS:
        return officers
    provider, _country, _contact, username, full_name = PROVIDERS[state]
    return (*officers, DemoUser(username, full_name, provider, ("provider_liaison",)))


DEMO_CASES = {
    "VNM": (
        (
            "HCM-2026-0142",
            "Investment scam via messaging app",
            "Victims were asked to pay into a crypto wallet.",
        ),
        (
            "HN-2026-0077",
            "Ransomware at a provincial hospital",
            "Files encrypted; ransom note names a Tor site.",
        ),
    ),
}
# Who may hold API tokens for the scripted story (never printed to the terminal).
STORY_USERS = ("poc", "central", "mekong")
# Cross-border hit/no-hit (node configuration): each national node shares these kinds of
# identifier with each other one, in queries and in scheduled bulk runs.
MATCH_KINDS = ["phone", "wallet"]


def seed_node(state: str, history: int) -> dict[str, Any]:
    """Users, units, TOTP devices, tokens, roster, cases and history; idempotent."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from hanoinet.node.accounts import actions
    from hanoinet.node.accounts.models import Unit, User
    from hanoinet.node.audit.actor import Actor, system_actor
    from hanoinet.node.cases.actions import do_open_case
    from hanoinet.node.oncall.actions import do_add_shift

    actor = system_actor("demo seed")
    secrets: dict[str, str] = {}
    tokens: dict[str, str] = {}
    for spec in users_for(state):
        unit = Unit.objects.filter(name=spec.unit).first() or (
            seed_provider(actor, state)
            if spec.username not in UNITS
            else actions.do_create_unit(actor, spec.unit, UNITS[spec.username][1])
        )
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            first, _, last = spec.full_name.partition(" ")
            user = actions.do_create_user(
                actor,
                username=spec.username,
                email=f"{spec.username}@{(state or 'un').lower()}.demo.invalid",
                unit=unit,
                roles=spec.roles,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
            )
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
        secrets[spec.username] = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
        if spec.username in STORY_USERS:
            _token, tokens[spec.username] = actions.do_create_api_token(
                actor, user, name="demo story", days=1
            )
    if state:
        poc = User.objects.get(username="poc")
        officer = Actor(user=poc, label=poc.username)
        now = datetime.now(UTC)
        # The 24/7 desk's shift around the clock: this officer is the one paged tonight.
        if poc.unit and not poc.unit.shifts.filter(ends_at__gt=now).exists():
            do_add_shift(
                officer,
                poc.unit,
                starts_at=now - timedelta(hours=12),
                ends_at=now + timedelta(days=7),
                primary=poc,
                backup=poc,
                supervisor=poc,
            )
        investigator = User.objects.get(username="investigator")
        for reference, title, summary in DEMO_CASES.get(state, ()):
            if (
                investigator.unit
                and not investigator.unit.cases.filter(reference=reference).exists()
            ):
                do_open_case(
                    Actor(user=investigator, label=investigator.username),
                    reference=reference,
                    title=title,
                    summary=summary,
                )
    if state:
        seed_match_policies(state)
    seeded = seed_history(state, history) if state else 0
    return {"secrets": secrets, "tokens": tokens, "history": seeded}


def seed_provider(actor: Any, state: str) -> Any:
    """The node's demo provider, registered as ``hanoinet manage provider_add`` would;
    the unit of its liaison officers."""
    from hanoinet.node.providers.actions import do_register_provider

    name, country, contact, _username, _full_name = PROVIDERS[state]
    return do_register_provider(actor, name=name, country=country, contact=contact).unit


def seed_match_policies(state: str) -> None:
    """The matching policy with every other national node, set as the node administrator
    would on *Linking → Ask other States → policy*; idempotent."""
    from hanoinet.node.accounts.models import User
    from hanoinet.node.audit.actor import Actor
    from hanoinet.node.linking.matching import do_set_policy

    admin = User.objects.get(username="admin")
    for peer in HISTORY_STATES:
        if peer != state:
            do_set_policy(
                Actor(user=admin, label=admin.username),
                peer,
                kinds=MATCH_KINDS,
                bulk=True,
                queries_per_hour=60,
            )


def history_plan(per_pair: int) -> list[dict[str, Any]]:
    """The historical threads of the demo network, the same list on every node."""
    rng = random.Random(20251025)  # noqa: S311  (demo data, not security)
    kinds = ("preservation", "stored_data", "mla", "traffic_disclosure", "police_cooperation")
    outcomes = ("executed", "executed", "executed", "refused", "closed")
    now = datetime(2026, 10, 1, tzinfo=UTC)
    plan = []
    for requester in HISTORY_STATES:
        for requested in HISTORY_STATES:
            if requester == requested:
                continue
            for number in range(per_pair):
                sent = now - timedelta(days=rng.randint(20, 540), minutes=rng.randint(0, 1440))
                plan.append(
                    {
                        "code": uuid.uuid5(HISTORY_NAMESPACE, f"{requester}-{requested}-{number}"),
                        "requester": requester,
                        "requested": requested,
                        "kind": kinds[rng.randrange(len(kinds))],
                        "outcome": outcomes[rng.randrange(len(outcomes))],
                        "sent": sent,
                        "delivered": sent + timedelta(seconds=rng.randint(1, 40)),
                        "acknowledged": sent + timedelta(minutes=rng.randint(3, 600)),
                        "ended": sent + timedelta(days=rng.randint(2, 120)),
                        "reference": f"{requester}-{sent:%Y}-H{number:03d}",
                    }
                )
    return plan


def seed_history(state: str, per_pair: int) -> int:
    """Bulk-write this node's side of the historical threads (set-up data only: no
    messages are exchanged for them). Returns how many requests this node holds."""
    from django.db import transaction

    from hanoinet.core.convention import MODEL_VERSION
    from hanoinet.node.requests.models import CooperationRequest, RequestEvent

    if per_pair <= 0 or CooperationRequest.objects.filter(reference__contains="-H").exists():
        return 0
    requests: list[CooperationRequest] = []
    timelines: list[list[tuple[str, str, str, str, datetime]]] = []
    for thread in history_plan(per_pair):
        if state not in (thread["requester"], thread["requested"]):
            continue
        outgoing = thread["requester"] == state
        ours = "requesting" if outgoing else "requested"
        theirs = "requested" if outgoing else "requesting"
        final = thread["outcome"]
        requests.append(
            CooperationRequest(
                code=thread["code"],
                direction="outgoing" if outgoing else "incoming",
                kind=thread["kind"],
                counterpart=thread["requested"] if outgoing else thread["requester"],
                status=final,
                fields={"note": "historical demo thread"},
                reference=thread["reference"] if outgoing else "",
                their_reference="" if outgoing else thread["reference"],
                thread_id=str(thread["code"]),
                model_version=MODEL_VERSION,
                created_at=thread["sent"],
                updated_at=thread["ended"],
            )
        )
        closing = {"refused": "refuse", "closed": "close"}.get(final, "execute")
        steps = [
            ("send" if outgoing else "received", ours if outgoing else theirs, "", "sent"),
            ("receipt", "system", "sent", "delivered"),
            ("acknowledge", theirs if outgoing else ours, "delivered", "acknowledged"),
            (closing, theirs if outgoing else ours, "acknowledged", final),
        ]
        times = (thread["sent"], thread["delivered"], thread["acknowledged"], thread["ended"])
        timelines.append([(*step, at) for step, at in zip(steps, times, strict=True)])
    with transaction.atomic():
        created = CooperationRequest.objects.bulk_create(requests, batch_size=500)
        RequestEvent.objects.bulk_create(
            [
                RequestEvent(
                    request=request,
                    at=at,
                    event=event,
                    side=side,
                    status_before=before,
                    status_after=after,
                    actor_label="demo history",
                )
                for request, timeline in zip(created, timelines, strict=True)
                for event, side, before, after, at in timeline
            ],
            batch_size=1000,
        )
    return len(created)


def main() -> None:
    parser = argparse.ArgumentParser(prog="hanoinet.node.demo.seed")
    parser.add_argument("state", nargs="?", default="")
    parser.add_argument("--history", type=int, default=0, help="historical threads per pair")
    args = parser.parse_args()
    folder = Path(os.environ.get("HANOINET_DATA_DIR", ".")).resolve()
    if os.environ.get("HANOINET_DEMO") != "1" or not (folder.parent / ".hanoinet-demo").exists():
        raise SystemExit("refusing to seed: not a demo node inside a marked demo folder")
    from hanoinet.node.bootstrap import setup_django

    setup_django()
    print(json.dumps(seed_node(args.state, args.history)))


if __name__ == "__main__":
    main()
