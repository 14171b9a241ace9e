"""Two nodes started from the CLI exchange messages over HTTP, with receipts, and survive
a receiver that is down, a receiver killed mid-batch and a sender's worker killed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django_otp.oath import totp

from tests.flows.network import LiveNode, make_network, start_nodes, wait_for
from tests.flows.test_serve import Browser

pytestmark = pytest.mark.slow

ENQUEUE = """
from django.db import transaction
from hanoinet.node.federation.outbox import enqueue
with transaction.atomic():
    for i in range({n}):
        enqueue(recipient_state="KHM", message_type="message.note",
                body={{"n": i, "subject": "bulk"}}, thread_id="{thread}" if "{thread}" else "")
"""
COUNT = """
from hanoinet.node.federation.models import InboxMessage
notes = InboxMessage.objects.filter(message_type="message.note").order_by("id")
rows = list(notes.values_list("body", "thread_id"))
print("COUNT", len(rows), len({{str(b) for b, _ in rows}}))
print("ORDER=" + ",".join(str(b["n"]) for b, t in rows if t == "{thread}"))
"""
OFFICER = """
from hanoinet.node.accounts.models import Unit, User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.accounts.actions import do_create_user
from hanoinet.node.audit.actor import system_actor
from django_otp.plugins.otp_totp.models import TOTPDevice
unit = Unit.objects.create(name="24/7 desk", kind=Unit.Kind.POINT_OF_CONTACT)
user = do_create_user(system_actor("test"), username="sok", email="sok@example.org", unit=unit,
                      roles=[Role.POINT_OF_CONTACT], password="a long enough officer password")
device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
print("KEY=" + device.bin_key.hex())
"""


@pytest.fixture
def pair(
    tmp_path: Path, database_for: Callable[[str], str | None]
) -> Iterator[tuple[LiveNode, LiveNode]]:
    _secretariat, (vnm, khm) = make_network(tmp_path, ["VNM", "KHM"], database_for)
    try:
        yield vnm, khm
    finally:
        vnm.stop()
        khm.stop()


def delivered(node: LiveNode) -> int:
    counts = node.status()["counts"]
    assert isinstance(counts, dict)
    return int(counts["delivered"])


def count_at(node: LiveNode, thread: str = "") -> tuple[int, int, list[int]]:
    output = node.python(COUNT.format(thread=thread))
    counts = re.search(r"COUNT (\d+) (\d+)", output)
    order = re.search(r"ORDER=([\d,]*)", output)
    assert counts
    assert order
    numbers = [int(x) for x in order.group(1).split(",") if x]
    return int(counts.group(1)), int(counts.group(2)), numbers


def test_messages_with_receipts_delivered_and_retrieved(pair: tuple[LiveNode, LiveNode]) -> None:
    vnm, khm = pair
    start_nodes(pair)
    found = re.search(r"KEY=([0-9a-f]+)", khm.python(OFFICER))
    assert found
    key = bytes.fromhex(found.group(1))
    assert "signed receipt in" in vnm.ok("federation", "ping", "KHM")
    sent = vnm.ok(
        "federation",
        "send",
        "KHM",
        "--subject",
        "Preservation follow-up",
        "--text",
        "Please confirm.",
        "--urgency",
        "urgent",
        "--reason",
        "provider deletes logs in 48 h",
        "--json",
    )
    message_id = re.search(r'"message_id": "([^"]+)"', sent)
    assert message_id
    wait_for(lambda: delivered(vnm) == 1, 30, "delivery with a signed receipt")
    # Cambodia's officer signs in (password + TOTP), sees the page and opens the thread.
    browser = Browser(khm.url)
    _, page = browser.get("/accounts/login/")
    _, page = browser.post_form(
        "/accounts/login/", page, {"username": "sok", "password": "a long enough officer password"}
    )
    _, page = browser.post_form("/accounts/second-factor/", page, {"token": f"{totp(key):06d}"})
    _, page = browser.get("/oncall/")
    assert "VNM: Preservation follow-up" in page  # the urgent message paged the 24/7 desk
    _, page = browser.get("/federation/")
    thread = re.search(r'href="/federation/threads/([^/]+)/"', page)
    assert thread
    _, page = browser.get(f"/federation/threads/{thread.group(1)}/")
    assert "Please confirm." in page

    # The sender's thread shows submitted, delivered and retrieved.
    def retrieved() -> bool:
        messages = vnm.status()["messages"]
        assert isinstance(messages, list)
        return any(m["message_id"] == message_id.group(1) and m["retrieved"] for m in messages)

    wait_for(retrieved, 30, "the retrieved notice")
    messages = vnm.status()["messages"]
    assert isinstance(messages, list)
    [entry] = [m for m in messages if m["message_id"] == message_id.group(1)]
    assert entry["submitted"] <= entry["delivered"] <= entry["retrieved"]


def test_receiver_down_then_up_everything_delivered_in_order(
    pair: tuple[LiveNode, LiveNode],
) -> None:
    vnm, khm = pair
    thread = "0c5a2d4e-1f3b-4a5c-9d7e-8f9a0b1c2d3e"
    vnm.python(ENQUEUE.format(n=30, thread=thread))
    vnm.start_worker()
    vnm.ok("federation", "deliver")  # the receiver is down: this round fails
    assert delivered(vnm) == 0
    khm.start_server()
    wait_for(lambda: delivered(vnm) == 30, 90, "delivery after the receiver came up")
    total, distinct, order = count_at(khm, thread)
    assert (total, distinct) == (30, 30)
    assert order == list(range(30))


def test_receiver_killed_mid_batch_every_message_once(pair: tuple[LiveNode, LiveNode]) -> None:
    vnm, khm = pair
    vnm.python(ENQUEUE.format(n=1200, thread=""))
    khm.start_server(workers=2)
    vnm.start_worker()
    wait_for(lambda: count_at(khm)[0] > 100, 60, "the batch to be under way")
    khm.kill_server()  # SIGKILL, mid-batch
    khm.start_server(workers=2)
    wait_for(lambda: delivered(vnm) == 1200, 180, "every message delivered")
    total, distinct, _ = count_at(khm)
    assert (total, distinct) == (1200, 1200)  # exactly once by effect


def test_sender_worker_killed_mid_batch_every_message_once(pair: tuple[LiveNode, LiveNode]) -> None:
    vnm, khm = pair
    vnm.python(ENQUEUE.format(n=1200, thread=""))
    khm.start_server(workers=2)
    vnm.start_worker()
    wait_for(lambda: count_at(khm)[0] > 100, 60, "the batch to be under way")
    vnm.kill_worker()  # SIGKILL: claimed messages stay claimed until their lease lapses
    vnm.start_worker()
    wait_for(lambda: delivered(vnm) == 1200, 240, "every message delivered")
    total, distinct, _ = count_at(khm)
    assert (total, distinct) == (1200, 1200)
