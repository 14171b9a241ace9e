"""Fast rows (hanoinet.node.rows): what they store is what the ORM stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import models

from hanoinet.node.accounts.models import User
from hanoinet.node.audit.models import AuditEvent
from hanoinet.node.federation.models import InboxMessage
from hanoinet.node.rows import insert_rows, new_row

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert('x')</script> \u202e ' OR 1=1; -- \U0001f600 \u0000".replace("\u0000", "")


def _stored(model: type[models.Model], pk: int) -> dict[str, Any]:
    values = model.objects.filter(pk=pk).values().get()  # type: ignore[attr-defined]
    values.pop("id")
    return dict(values)


def _last(model: type[models.Model]) -> int:
    return int(model.objects.order_by("-pk").values_list("pk", flat=True)[0])  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "fields",
    [
        {
            "client_ip": "2001:db8::1",
            "outcome": AuditEvent.Outcome.DENIED,
            "extra": {"a": [1, {"b": None}]},
        },
        {"client_ip": None, "outcome": "ok", "extra": {}, "reason": HOSTILE},
        {
            "client_ip": "192.0.2.7",
            "outcome": "failed",
            "extra": {"n": 1.5, "t": True},
            "user_agent": "",
        },
    ],
)
def test_audit_rows_store_what_save_stores(alice: User, fields: dict[str, Any]) -> None:
    values = {
        "at": datetime(2026, 12, 1, 3, 4, 5, 678901, tzinfo=UTC),
        "actor_id": alice.pk,
        "actor_label": alice.username,
        "action": "case.read",
        "object_type": "cases.case",
        "object_id": "C-1",
        **fields,
    }
    new_row(AuditEvent, values).save(force_insert=True)
    by_orm = _stored(AuditEvent, _last(AuditEvent))
    insert_rows(AuditEvent, [new_row(AuditEvent, values)])
    assert _stored(AuditEvent, _last(AuditEvent)) == by_orm


def test_inbox_rows_store_what_save_stores() -> None:
    created = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    values = {
        "sender_state": "VNM",
        "sender_kid": "k" * 20,
        "message_type": "message.note",
        "thread_id": "t",
        "in_reply_to": "",
        "body": {"text": HOSTILE, "list": [1, 2, 3], "nested": {"x": None}},
        "created_at": created,
        "expires_at": created + timedelta(days=2),
        "digest": "d" * 64,
        "signed": "a.b.c",
        "receipt": "r.s.t",
    }
    new_row(InboxMessage, {"message_id": "m-1", **values}).save(force_insert=True)
    row = new_row(InboxMessage, {"message_id": "m-2", **values})
    insert_rows(InboxMessage, [row])
    assert not row._state.adding
    by_orm = _stored(InboxMessage, InboxMessage.objects.get(message_id="m-1").pk)
    fast = _stored(InboxMessage, InboxMessage.objects.get(message_id="m-2").pk)
    assert by_orm.pop("message_id") == "m-1"
    assert fast.pop("message_id") == "m-2"
    assert by_orm.pop("received_at")
    assert fast.pop("received_at")
    assert fast == by_orm


def test_new_row_takes_defaults_and_names_an_unknown_field() -> None:
    row = new_row(AuditEvent, {"action": "x"})
    assert row._state.adding
    assert row.extra == {}
    assert row.at is not None
    with pytest.raises(KeyError, match="actor'"):
        new_row(AuditEvent, {"actor": None})  # the attribute name is actor_id
