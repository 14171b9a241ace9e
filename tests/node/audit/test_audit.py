"""The audit trail: append-only, and readable only by auditors."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from hanoinet.node.accounts.models import User
from hanoinet.node.audit.models import AuditEvent, AuditTrailError
from hanoinet.node.audit.record import record
from tests.conftest import actor_for

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


def test_events_cannot_be_changed_or_deleted(alice: User) -> None:
    event = record(actor_for(alice), "case.read", object_type="cases.case", object_id="x")
    event.reason = "rewritten"
    with pytest.raises(AuditTrailError):
        event.save()
    with pytest.raises(AuditTrailError):
        event.delete()
    with pytest.raises(AuditTrailError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(AuditTrailError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_postgres_refuses_raw_update_and_delete(alice: User) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only; SQLite relies on the model")
    event = record(actor_for(alice), "case.read", object_type="cases.case", object_id="x")
    for statement in (
        "UPDATE audit_auditevent SET reason = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_auditor_reads_and_filters_the_trail(
    verified_client: ClientFor, audrey: User, alice: User
) -> None:
    record(actor_for(alice), "case.read", object_type="cases.case", object_id="case-1")
    record(actor_for(alice), "case.open", object_type="cases.case", object_id="case-2")
    client = verified_client(audrey)
    page = client.get("/audit/")
    assert page.status_code == 200
    assert b"case-1" in page.content
    filtered = client.get("/audit/", {"action": "case.open", "actor_label": "alice"})
    assert b"case-2" in filtered.content
    assert b"case-1" not in filtered.content
    searches = AuditEvent.objects.filter(action="audit.search", actor=audrey)
    assert searches.count() == 2
    assert searches.first().extra == {"action": "case.open", "actor_label": "alice"}  # type: ignore[union-attr]


def test_only_auditors_read_the_trail(verified_client: ClientFor, alice: User) -> None:
    assert verified_client(alice).get("/audit/").status_code == 403
    assert AuditEvent.objects.filter(action="audit.search", outcome="denied").count() == 1


def test_bad_filters_are_reported(verified_client: ClientFor, audrey: User) -> None:
    page = verified_client(audrey).get("/audit/", {"since": "yesterday-ish", "outcome": "maybe"})
    assert page.status_code == 200
    assert b"Enter a valid date/time." in page.content
    assert b"Select a valid choice." in page.content


def test_client_address_respects_trusted_proxies(
    verified_client: ClientFor, alice: User, settings: object
) -> None:
    client = verified_client(alice)
    client.get("/cases/", headers={"X-Forwarded-For": "203.0.113.9"})
    assert AuditEvent.objects.filter(action="case.list").latest("id").client_ip == "127.0.0.1"
    settings.HANOINET_TRUSTED_PROXIES = 1  # type: ignore[attr-defined]
    client.get("/cases/", headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.9"})
    assert AuditEvent.objects.filter(action="case.list").latest("id").client_ip == "203.0.113.9"


def test_many_events_are_appended_with_every_field(alice: User) -> None:
    """``record_many`` (federation batches) writes what ``record`` would, field by field."""
    from hanoinet.node.audit.actor import Actor
    from hanoinet.node.audit.record import event, record_many

    events = [
        event(
            actor_for(alice),
            "federation.received",
            object_type="federation.inboxmessage",
            object_id=f"m{i}",
            extra={"from": "KHM", "n": i, "text": "é"},
        )
        for i in range(3)
    ]
    events.append(
        event(
            Actor(user=None, label="federation:inbox", client_ip="192.0.2.7"),
            "federation.rejected",
            outcome=AuditEvent.Outcome.DENIED,
            reason="bad signature",
            object_type="federation.envelope",
            object_id="",
        )
    )
    record_many(events)
    record_many([])
    stored = list(AuditEvent.objects.filter(action__startswith="federation.").order_by("id"))
    assert [(e.actor, e.action, e.object_id, e.extra) for e in stored[:3]] == [
        (alice, "federation.received", f"m{i}", {"from": "KHM", "n": i, "text": "é"})
        for i in range(3)
    ]
    last = stored[3]
    assert (last.actor, last.actor_label, last.client_ip) == (None, "federation:inbox", "192.0.2.7")
    assert (last.outcome, last.reason, last.extra) == ("denied", "bad signature", {})
    assert all(e.at == events[i].at for i, e in enumerate(stored))


def test_one_event_is_stored_with_every_field_and_returned_as_stored(alice: User) -> None:
    """``record`` returns the event it stored: its id, every field as read back."""
    from hanoinet.node.audit.actor import Actor

    actor = Actor(user=alice, label="alice", client_ip="2001:db8::1", user_agent="Firefox")
    first = record(actor, "request.list", object_type="requests.cooperationrequest")
    event = record(
        actor,
        "request.read",
        outcome=AuditEvent.Outcome.DENIED,
        reason="missing or not accessible",
        object_type="requests.cooperationrequest",
        object_id="abc",
        extra={"q": "R-1", "text": "é"},
    )
    assert event.pk is not None
    assert event.pk > first.pk
    stored = AuditEvent.objects.get(pk=event.pk)
    fields = [f.attname for f in AuditEvent._meta.concrete_fields]
    assert [getattr(stored, f) for f in fields] == [getattr(event, f) for f in fields]
    assert (stored.actor, stored.client_ip, stored.extra) == (alice, "2001:db8::1", event.extra)
    anonymous = record(Actor(user=None, label="anonymous"), "login", object_type="accounts.user")
    assert AuditEvent.objects.get(pk=anonymous.pk).actor is None
    with pytest.raises(AuditTrailError):
        event.save()
