"""Extending a preservation (Art. 42), the inbox's "due soon" filter and search, and the
deadlines board (Cambodia played in-process)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hanoinet.core.convention.examples import example
from hanoinet.node.accounts.models import Unit, User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.models import AuditEvent
from hanoinet.node.federation.delivery import deliver_due
from hanoinet.node.requests.deadlines import remind_deadlines
from hanoinet.node.requests.models import CooperationRequest
from tests.node.federation.conftest import Peer
from tests.node.federation.test_followups_and_assets import events_of, from_khm, send_from_khm
from tests.node.federation.test_requests import call, draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def poc(make_user: Callable[..., User], db: None) -> User:
    unit = Unit.objects.create(name="24/7 desk", kind=Unit.Kind.POINT_OF_CONTACT)
    return make_user("linh", unit, [Role.POINT_OF_CONTACT])


def executed_preservation(client: Client, khm: Peer, poc: User) -> str:
    code = send_from_khm(client, khm, "preservation", example("preservation"))
    for event in ("acknowledge", "start", "execute"):
        call(client, poc, "post", f"/{code}/events", {"event": event})
    return code


def test_the_requested_state_extends_and_the_reminders_start_again(
    client: Client, khm: Peer, poc: User
) -> None:
    code = executed_preservation(client, khm, poc)
    CooperationRequest.objects.filter(code=code).update(
        preserved_until=timezone.now() + timedelta(days=5)
    )
    assert remind_deadlines() == 1
    from_khm(
        client,
        khm,
        "request.preservation",
        code,
        {"request": code, "action": "ask", "days": 60, "reasons": "MLA request in translation"},
    )
    assert events_of(code)[-1] == "extension_requested"
    before = CooperationRequest.objects.get(code=code).preserved_until
    assert before is not None
    for days in (0, 400):
        status, body = call(client, poc, "post", f"/{code}/preservation/extend", {"days": days})
        assert (status, "between 1 and 365" in body["error"]) == (409, True)
    status, body = call(client, poc, "post", f"/{code}/preservation/extend", {"days": 60})
    assert status == 200, body
    row = CooperationRequest.objects.get(code=code)
    assert row.preserved_until == before + timedelta(days=60)
    assert row.reminders_sent == []
    deliver_due()
    extended = khm.received[-1].body
    assert (extended["action"], extended["days"]) == ("extend", 60)
    assert extended["preserved_until"] == row.preserved_until.isoformat()
    # The requested State cannot ask itself; held data needs no extension.
    assert call(client, poc, "post", f"/{code}/preservation/ask-extension", {"days": 30})[0] == 409
    CooperationRequest.objects.filter(code=code).update(held_pending_mla=True)
    status, body = call(client, poc, "post", f"/{code}/preservation/extend", {"days": 30})
    assert (status, "no extension is needed" in body["error"]) == (409, True)


def test_the_requesting_state_asks_and_receives_the_new_end(
    client: Client, khm: Peer, poc: User
) -> None:
    code = draft(client, poc, example("preservation"))
    call(client, poc, "post", f"/{code}/send")
    deliver_due()
    # Not executed yet: nothing to extend.
    assert call(client, poc, "post", f"/{code}/preservation/ask-extension", {"days": 30})[0] == 409
    until = timezone.now() + timedelta(days=3)
    for event in ("acknowledge", "start", "execute"):
        body = {"request": code, "event": event}
        if event == "execute":
            body["preserved_until"] = until.isoformat()
        from_khm(client, khm, "request.status", code, body)
    assert CooperationRequest.objects.get(code=code).preserved_until == until
    status, _ = call(
        client,
        poc,
        "post",
        f"/{code}/preservation/ask-extension",
        {"days": 30, "reasons": "translation"},
    )
    assert status == 200
    deliver_due()
    assert khm.received[-1].body["action"] == "ask"
    new_end = until + timedelta(days=30)
    from_khm(
        client,
        khm,
        "request.preservation",
        code,
        {"request": code, "action": "extend", "days": 30, "preserved_until": new_end.isoformat()},
    )
    assert CooperationRequest.objects.get(code=code).preserved_until == new_end
    assert events_of(code)[-1] == "preservation_extended"


def test_due_soon_and_search_filter_the_inbox(
    client: Client, khm: Peer, poc: User, verified_client: Callable[[User], Client]
) -> None:
    ending = executed_preservation(client, khm, poc)
    later = executed_preservation(client, khm, poc)
    CooperationRequest.objects.filter(code=ending).update(
        preserved_until=timezone.now() + timedelta(days=3), their_reference="KHM-END-9"
    )
    _s, body = call(client, poc, "get", "?due=soon")
    assert [row["code"] for row in body["requests"]] == [ending]
    _s, body = call(client, poc, "get", "?q=end-9")
    assert [row["code"] for row in body["requests"]] == [ending]
    _s, body = call(client, poc, "get", f"?q={later}")
    assert [row["code"] for row in body["requests"]] == [later]
    _s, body = call(client, poc, "get", "?q=" + "x" * 500)
    assert body["requests"] == []
    assert AuditEvent.objects.filter(action="request.list", extra={"q": "end-9"}).exists()
    page = verified_client(poc).get("/requests/?due=soon&q=END").content.decode()
    assert f"/requests/{ending}/" in page
    assert f"/requests/{later}/" not in page


def test_the_deadlines_board_lists_every_running_deadline(
    client: Client, khm: Peer, poc: User, verified_client: Callable[[User], Client]
) -> None:
    ending = executed_preservation(client, khm, poc)
    CooperationRequest.objects.filter(code=ending).update(
        preserved_until=timezone.now() + timedelta(days=3), their_reference="KHM-END-9"
    )
    emergency = send_from_khm(
        client,
        khm,
        "emergency",
        {**example("emergency"), "formalisation": True},
        followup_due=(timezone.now() - timedelta(days=1)).isoformat(),
    )
    CooperationRequest.objects.filter(code=emergency).update(their_reference="KHM-EMG-1")
    page = verified_client(poc).get("/requests/deadlines/").content.decode()
    assert "KHM-END-9" in page
    assert "due soon" in page
    assert "KHM-EMG-1" in page
    assert "overdue" in page
    assert AuditEvent.objects.filter(action="request.deadlines").exists()
