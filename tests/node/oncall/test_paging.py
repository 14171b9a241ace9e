"""On-call paging: the roster is called at once, escalation follows deadlines, an
acknowledgement stops it; every step is timestamped and audited."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from pytest_django.fixtures import Settings

from hanoinet.node.accounts.models import Unit, User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.actor import system_actor
from hanoinet.node.audit.models import AuditEvent
from hanoinet.node.oncall import actions
from hanoinet.node.oncall.models import Page, PageDelivery
from tests.conftest import actor_for

pytestmark = pytest.mark.django_db

NIGHT = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
ClientFor = Callable[[User], Client]


@pytest.fixture
def poc_unit(db: None) -> Unit:
    return Unit.objects.create(name="24/7 point of contact", kind=Unit.Kind.POINT_OF_CONTACT)


@pytest.fixture
def team(make_user: Callable[..., User], poc_unit: Unit) -> dict[str, User]:
    return {
        name: make_user(name, poc_unit, [Role.POINT_OF_CONTACT]) for name in ("olga", "bao", "sam")
    }


@pytest.fixture
def rostered(team: dict[str, User], poc_unit: Unit) -> None:
    actions.do_add_shift(
        actor_for(team["sam"]),
        poc_unit,
        starts_at=NIGHT - timedelta(hours=2),
        ends_at=NIGHT + timedelta(hours=6),
        primary=team["olga"],
        backup=team["bao"],
        supervisor=team["sam"],
    )


def page_now(unit: Unit, capture: Callable[..., Any], urgency: str = "urgent") -> Page:
    with capture(execute=True):
        return actions.do_page_unit(
            system_actor("inbox"),
            unit,
            urgency=urgency,
            subject="Preservation request from KHM",
            now=NIGHT,
        )


def test_the_officer_on_call_is_paged_at_once(
    rostered: None,
    poc_unit: Unit,
    team: dict[str, User],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    page = page_now(poc_unit, django_capture_on_commit_callbacks)
    assert page.next_escalation_at == NIGHT + timedelta(minutes=15)
    deliveries = list(page.deliveries.values_list("recipient__username", "channel", "ok"))
    assert deliveries == [("olga", "in_app", True), ("olga", "email", True)]
    assert mail.outbox[0].to == ["olga@example.org"]
    assert "Preservation request from KHM" in mail.outbox[0].subject


def test_unacknowledged_pages_escalate_to_backup_then_supervisor(
    rostered: None,
    poc_unit: Unit,
    team: dict[str, User],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    page = page_now(poc_unit, django_capture_on_commit_callbacks, urgency="emergency")
    assert actions.escalate_due_pages(NIGHT + timedelta(minutes=4)) == 0
    assert actions.escalate_due_pages(NIGHT + timedelta(minutes=5)) == 1
    assert actions.escalate_due_pages(NIGHT + timedelta(minutes=10)) == 1
    page.refresh_from_db()
    assert page.level_name == "supervisor"
    called = [d.recipient.username for d in page.deliveries.filter(channel="in_app")]
    assert called == ["olga", "bao", "sam"]
    assert actions.escalate_due_pages(NIGHT + timedelta(minutes=15)) == 0
    page.refresh_from_db()
    assert page.status == Page.Status.EXHAUSTED
    assert AuditEvent.objects.filter(action="oncall.exhausted").count() == 1


def test_acknowledgement_stops_escalation(
    rostered: None,
    poc_unit: Unit,
    team: dict[str, User],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    page = page_now(poc_unit, django_capture_on_commit_callbacks, urgency="emergency")
    actions.escalate_due_pages(NIGHT + timedelta(minutes=5))
    acked = actions.do_acknowledge_page(
        actor_for(team["bao"]), page, now=NIGHT + timedelta(minutes=6)
    )
    assert (acked.status, acked.acknowledged_by, acked.acknowledged_at) == (
        Page.Status.ACKNOWLEDGED,
        team["bao"],
        NIGHT + timedelta(minutes=6),
    )
    assert actions.escalate_due_pages(NIGHT + timedelta(hours=1)) == 0
    assert PageDelivery.objects.filter(recipient=team["sam"]).count() == 0
    # A second acknowledgement changes nothing and is recorded as such.
    again = actions.do_acknowledge_page(
        actor_for(team["olga"]), page, now=NIGHT + timedelta(minutes=7)
    )
    assert again.acknowledged_by == team["bao"]
    event = AuditEvent.objects.filter(action="oncall.acknowledge").latest("id")
    assert (event.outcome, event.reason) == ("failed", "already acknowledged")


def test_without_a_roster_every_point_of_contact_is_called(
    team: dict[str, User], poc_unit: Unit, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    page = page_now(poc_unit, django_capture_on_commit_callbacks)
    called = set(
        page.deliveries.filter(channel="in_app").values_list("recipient__username", flat=True)
    )
    assert called == {"olga", "bao", "sam"}


def test_routine_pages_do_not_escalate(
    rostered: None, poc_unit: Unit, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    page = page_now(poc_unit, django_capture_on_commit_callbacks, urgency="routine")
    assert page.next_escalation_at is None
    assert actions.escalate_due_pages(NIGHT + timedelta(days=1)) == 0


class Gateway(BaseHTTPRequestHandler):
    received: list[tuple[str, bytes]] = []  # noqa: RUF012

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Gateway.received.append((self.headers["X-Hanoinet-Signature"], body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def gateway() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Gateway.received = []
    yield f"http://127.0.0.1:{server.server_port}/sms"
    server.shutdown()
    server.server_close()


def test_the_webhook_is_signed_and_failures_are_recorded(
    rostered: None,
    poc_unit: Unit,
    settings: Settings,
    gateway: str,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    import hashlib
    import hmac

    settings.HANOINET_PAGING_WEBHOOK_URL = gateway
    settings.HANOINET_PAGING_WEBHOOK_SECRET = "s3cret"
    settings.HANOINET_PAGING_CHANNELS = ["webhook"]
    page_now(poc_unit, django_capture_on_commit_callbacks)
    signature, body = Gateway.received[0]
    assert signature == "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert json.loads(body)["to"]["username"] == "olga"

    settings.HANOINET_PAGING_WEBHOOK_URL = "http://127.0.0.1:9/unreachable"
    page = page_now(poc_unit, django_capture_on_commit_callbacks)
    delivery = page.deliveries.get()
    assert not delivery.ok
    assert "gateway unreachable" in delivery.error


def test_officers_see_and_acknowledge_in_the_browser(
    rostered: None,
    poc_unit: Unit,
    team: dict[str, User],
    verified_client: ClientFor,
    alice: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    page = page_now(poc_unit, django_capture_on_commit_callbacks)
    olga = verified_client(team["olga"])
    dashboard = olga.get("/")
    assert b"Preservation request from KHM" in dashboard.content
    fragment = olga.get("/oncall/open/", headers={"HX-Request": "true"})
    assert b'hx-trigger="every 15s"' in fragment.content
    # Another unit's officer cannot see or acknowledge it.
    assert verified_client(alice).get(f"/oncall/{page.code}/").status_code == 404
    assert verified_client(alice).post(f"/oncall/{page.code}/acknowledge/").status_code == 404
    assert olga.post(f"/oncall/{page.code}/acknowledge/").status_code == 302
    page.refresh_from_db()
    assert page.acknowledged_by == team["olga"]


def test_shifts_are_checked(
    team: dict[str, User], poc_unit: Unit, verified_client: ClientFor, alice: User
) -> None:
    client = verified_client(team["sam"])
    bad = client.post(
        "/oncall/",
        {
            "starts_at": "2026-11-22T08:00",
            "ends_at": "2026-11-22T07:00",
            "primary": team["olga"].pk,
            "backup": team["bao"].pk,
            "supervisor": alice.pk,  # not a member of the unit
        },
    )
    assert b"A shift ends after it starts." in bad.content
    assert b"Select a valid choice." in bad.content
    good = client.post(
        "/oncall/",
        {
            "starts_at": "2026-11-22T08:00",
            "ends_at": "2026-11-22T20:00",
            "primary": team["olga"].pk,
            "backup": team["bao"].pk,
            "supervisor": team["sam"].pk,
        },
    )
    assert good.status_code == 302
    assert AuditEvent.objects.filter(action="oncall.shift_add").count() == 1
