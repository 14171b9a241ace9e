"""Deadlines and asset recovery on a thread (Cambodia played in-process): the formal request
after an emergency (Art. 41), preservation reminders (Art. 42), lifting a provisional
measure only after the requesting State was heard (Art. 50), the return of proceeds (Art. 52).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from hanoinet.core.convention.examples import example
from hanoinet.node.accounts.models import Unit, User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.federation.delivery import deliver_due
from hanoinet.node.oncall.models import Page
from hanoinet.node.requests.deadlines import remind_deadlines
from hanoinet.node.requests.models import CooperationRequest
from tests.node.federation.conftest import Peer
from tests.node.federation.test_requests import _incoming_preservation, call

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user: Callable[..., User], db: None) -> User:
    unit = Unit.objects.create(name="24/7 desk", kind=Unit.Kind.POINT_OF_CONTACT)
    return make_user("linh", unit, [Role.POINT_OF_CONTACT, Role.CENTRAL_AUTHORITY])


def send_from_khm(
    client: Client, khm: Peer, kind: str, fields: dict[str, Any], **extra: Any
) -> str:
    code = str(extra.pop("code", uuid.uuid4()))
    _m, token = khm.envelope(
        type="request.submit",
        thread=str(extra.pop("thread", code)),
        body={"request": code, "kind": kind, "fields": fields, "reference": "KHM-1", **extra},
    )
    response = client.post("/federation/v1/inbox", data=token, content_type="application/jose")
    assert response.status_code == 200
    return code


def from_khm(
    client: Client, khm: Peer, message_type: str, thread: str, body: dict[str, Any]
) -> None:
    _m, token = khm.envelope(type=message_type, thread=thread, body=body)
    response = client.post("/federation/v1/inbox", data=token, content_type="application/jose")
    assert response.status_code == 200


def events_of(code: str) -> list[str]:
    return [e.event for e in CooperationRequest.objects.get(code=code).events.all()]


def test_an_emergency_announcing_a_formal_request_is_tracked_until_it_is_sent(
    client: Client, khm: Peer, officer: User
) -> None:
    fields = {**example("emergency"), "formalisation": True}
    _s, body = call(
        client, officer, "post", "", {"kind": "emergency", "counterpart": "KHM", "fields": fields}
    )
    emergency = body["code"]
    assert call(client, officer, "post", f"/{emergency}/send")[0] == 200
    due = CooperationRequest.objects.get(code=emergency).followup_due
    assert due is not None
    assert timedelta(days=29) < due - timezone.now() <= timedelta(days=30)
    deliver_due()
    assert khm.received[-1].body["followup_due"] == due.isoformat()

    # Drafted from the emergency: same thread, pre-filled, linked.
    status, drafted = call(
        client, officer, "post", f"/{emergency}/followup", {"kind": "stored_data"}
    )
    assert status == 200, drafted
    assert (drafted["status"], drafted["thread"], drafted["follows"]) == (
        "draft",
        CooperationRequest.objects.get(code=emergency).thread_id,
        emergency,
    )
    assert drafted["fields"]["requesting_authority"] == fields["requesting_authority"]
    assert "emergency" not in drafted["fields"]  # not an element of the formal request
    followup = drafted["code"]
    status, _ = call(
        client, officer, "put", f"/{followup}/fields", {"fields": example("stored_data")}
    )
    assert status == 200
    assert call(client, officer, "post", f"/{followup}/send")[0] == 200
    assert CooperationRequest.objects.get(code=emergency).followup_due is None
    assert events_of(emergency)[-1] == "formal_followup"
    deliver_due()
    assert khm.received[-1].body["follows"] == emergency

    # Nothing is overdue any more: the deadline job pages nobody.
    assert remind_deadlines() == 0


def test_an_overdue_formal_request_pages_the_sending_unit_once(
    client: Client, khm: Peer, officer: User
) -> None:
    fields = {**example("emergency"), "formalisation": True}
    _s, body = call(
        client, officer, "post", "", {"kind": "emergency", "counterpart": "KHM", "fields": fields}
    )
    code = body["code"]
    call(client, officer, "post", f"/{code}/send")
    CooperationRequest.objects.filter(code=code).update(
        followup_due=timezone.now() - timedelta(minutes=1)
    )
    assert remind_deadlines() == 1
    page = Page.objects.get(object_id=code)
    assert "formal request" in page.subject
    assert page.unit == officer.unit
    assert events_of(code)[-1] == "followup_overdue"
    assert remind_deadlines() == 0  # once


def test_a_follow_up_cannot_be_drafted_from_a_draft_or_as_another_emergency(
    client: Client, khm: Peer, officer: User
) -> None:
    _s, body = call(
        client,
        officer,
        "post",
        "",
        {"kind": "emergency", "counterpart": "KHM", "fields": example("emergency")},
    )
    code = body["code"]
    status, error = call(client, officer, "post", f"/{code}/followup", {"kind": "mla"})
    assert (status, "send this request" in error["error"]) == (409, True)
    call(client, officer, "post", f"/{code}/send")
    assert call(client, officer, "post", f"/{code}/followup", {"kind": "emergency"})[0] == 409
    assert call(client, officer, "post", f"/{code}/followup", {"kind": "nonsense"})[0] == 409


def test_the_requested_side_links_the_formal_request_to_the_emergency(
    client: Client, khm: Peer, officer: User
) -> None:
    due = timezone.now() + timedelta(days=30)
    emergency = send_from_khm(
        client,
        khm,
        "emergency",
        {**example("emergency"), "formalisation": True},
        followup_due=due.isoformat(),
    )
    assert CooperationRequest.objects.get(code=emergency).followup_due == due
    formal = send_from_khm(
        client, khm, "stored_data", example("stored_data"), thread=emergency, follows=emergency
    )
    row = CooperationRequest.objects.get(code=emergency)
    assert row.followup_due is None
    assert events_of(emergency)[-1] == "formal_followup"
    assert CooperationRequest.objects.get(code=formal).follows == row


def test_preservation_reminders_page_once_per_offset_and_stop_when_held(
    client: Client, khm: Peer, officer: User
) -> None:
    code = _incoming_preservation(client, khm)
    for event in ("start", "execute"):
        call(client, officer, "post", f"/{code}/events", {"event": event})
    assert remind_deadlines() == 0  # 60 days left
    CooperationRequest.objects.filter(code=code).update(
        preserved_until=timezone.now() + timedelta(days=6)
    )
    assert remind_deadlines() == 1
    assert remind_deadlines() == 0
    row = CooperationRequest.objects.get(code=code)
    assert row.reminders_sent == ["preservation:7"]
    reminder = row.events.filter(event="reminder").get()
    assert reminder.details["days_before_end"] == 7
    page = Page.objects.get(object_id=code)
    assert "mutual legal assistance request must follow" in page.subject
    assert page.unit == officer.unit  # the 24/7 desk of the requested State
    # Held pending the MLA decision: no end date, no reminder.
    CooperationRequest.objects.filter(code=code).update(
        preserved_until=timezone.now() + timedelta(days=1), held_pending_mla=True
    )
    assert remind_deadlines() == 0


def _executed_measure(client: Client, khm: Peer, officer: User, kind: str) -> str:
    code = send_from_khm(client, khm, kind, example(kind))
    for event in ("acknowledge", "start", "execute"):
        status, body = call(client, officer, "post", f"/{code}/events", {"event": event})
        assert status == 200, body
    return code


def test_a_freeze_is_lifted_only_after_the_requesting_state_was_heard(
    client: Client, khm: Peer, officer: User
) -> None:
    code = _executed_measure(client, khm, officer, "provisional_measures")
    reasons = {"reasons": "the account holder proved a lawful origin"}
    status, body = call(client, officer, "post", f"/{code}/lifting", reasons)
    assert status == 422
    assert [(p["code"], p["article"]) for p in body["detail"]] == [("hearing_required", 50)]

    assert call(client, officer, "post", f"/{code}/lifting/propose", {"reasons": ""})[0] == 409
    assert (
        call(client, officer, "post", f"/{code}/lifting/propose", {**reasons, "days": 0})[0] == 409
    )
    status, _ = call(client, officer, "post", f"/{code}/lifting/propose", {**reasons, "days": 10})
    assert status == 200
    deliver_due()
    proposal = khm.received[-1]
    assert (proposal.body["action"], proposal.body["urgency"]) == ("propose_lifting", "urgent")
    # Within the time given and no answer yet: still refused, the date named.
    status, body = call(client, officer, "post", f"/{code}/lifting", reasons)
    assert status == 422
    assert str(proposal.body["respond_by"])[:10] in body["detail"][0]["message"]

    from_khm(
        client,
        khm,
        "request.measure",
        code,
        {"request": code, "action": "argue_continuation", "reasons": "charges filed yesterday"},
    )
    assert events_of(code)[-1] == "continuation_argued"
    status, _ = call(client, officer, "post", f"/{code}/lifting", reasons)
    assert status == 200
    deliver_due()
    assert (khm.received[-1].body["action"], khm.received[-1].body["heard"]) == ("lift", True)
    assert call(client, officer, "post", f"/{code}/lifting", reasons)[0] == 409  # once


def test_the_requesting_side_is_paged_and_argues_for_its_freeze(
    client: Client, khm: Peer, officer: User
) -> None:
    _s, body = call(
        client,
        officer,
        "post",
        "",
        {
            "kind": "provisional_measures",
            "counterpart": "KHM",
            "fields": example("provisional_measures"),
        },
    )
    code = body["code"]
    call(client, officer, "post", f"/{code}/send")
    # No proposal yet: there is nothing to argue against.
    assert call(client, officer, "post", f"/{code}/lifting/argue", {"reasons": "x"})[0] == 409
    respond_by = (timezone.now() + timedelta(days=14)).isoformat()
    from_khm(
        client,
        khm,
        "request.measure",
        code,
        {
            "request": code,
            "action": "propose_lifting",
            "reasons": "no charges after six months",
            "respond_by": respond_by,
            "urgency": "urgent",
            "subject": "Lifting of a measure proposed",
        },
    )
    assert events_of(code)[-1] == "lifting_proposed"
    assert Page.objects.filter(urgency="urgent").exists()
    status, _ = call(
        client, officer, "post", f"/{code}/lifting/argue", {"reasons": "indictment on 2 December"}
    )
    assert status == 200
    deliver_due()
    assert khm.received[-1].body["action"] == "argue_continuation"
    # The requesting State cannot lift the other State's measure.
    assert call(client, officer, "post", f"/{code}/lifting", {"reasons": "x"})[0] == 409


GOOD_RETURN = {
    "currency": "USD",
    "confiscated": "84000.00",
    "expenses": [{"label": "custody and conversion", "amount": "1200.00"}],
    "returned": "82800.00",
    "to_victims": "82800.00",
    "victims_compensated": 40,
    "priority_to_victims": True,
}


def test_a_return_of_proceeds_is_recorded_itemised_and_checked(
    client: Client, khm: Peer, officer: User
) -> None:
    code = _executed_measure(client, khm, officer, "return_of_proceeds")
    status, body = call(
        client, officer, "post", f"/{code}/disposal", {**GOOD_RETURN, "returned": "84000.00"}
    )
    assert status == 422
    assert [p["element"] for p in body["detail"]] == ["returned"]
    assert "82800.00 USD" in body["detail"][0]["message"]
    assert (
        not CooperationRequest.objects.get(code=code)
        .events.filter(event="proceeds_returned")
        .exists()
    )
    status, body = call(client, officer, "post", f"/{code}/disposal", GOOD_RETURN)
    assert status == 200, body
    recorded = body["events"][-1]
    assert (recorded["event"], recorded["details"]["deducted"]) == ("proceeds_returned", "1200.00")
    deliver_due()
    assert khm.received[-1].body["to_victims"] == "82800.00"


def test_a_peer_s_return_with_wrong_accounts_is_noted_as_rejected(
    client: Client, khm: Peer, officer: User
) -> None:
    fields = example("return_of_proceeds")
    _s, body = call(
        client,
        officer,
        "post",
        "",
        {"kind": "return_of_proceeds", "counterpart": "KHM", "fields": fields},
    )
    code = body["code"]
    call(client, officer, "post", f"/{code}/send")
    bad = {**GOOD_RETURN, "to_victims": "90000"}
    from_khm(client, khm, "request.measure", code, {"request": code, "action": "return", **bad})
    from_khm(
        client, khm, "request.measure", code, {"request": code, "action": "return", **GOOD_RETURN}
    )
    assert events_of(code)[-2:] == ["rejected:proceeds_returned", "proceeds_returned"]
    # Only the requested State records a return.
    status, body = call(client, officer, "post", f"/{code}/disposal", GOOD_RETURN)
    assert status == 409, body


def test_the_request_page_offers_the_asset_steps_and_names_what_is_wrong(
    client: Client, khm: Peer, officer: User, verified_client: Callable[[User], Client]
) -> None:
    freeze = _executed_measure(client, khm, officer, "provisional_measures")
    browser = verified_client(officer)
    page = browser.get(f"/requests/{freeze}/").content.decode()
    assert "Lifting the measure (Art. 50)" in page
    page = browser.post(
        f"/requests/{freeze}/", {"action": "lift", "reasons": "lawful origin shown"}, follow=True
    ).content.decode()
    assert "propose the lifting first" in page
    browser.post(f"/requests/{freeze}/", {"action": "propose_lifting", "reasons": "lawful origin"})
    assert events_of(freeze)[-1] == "lifting_proposed"

    returned = _executed_measure(client, khm, officer, "return_of_proceeds")
    form = {
        "action": "disposal",
        "currency": "USD",
        "confiscated": "84000.00",
        "expenses": "custody and conversion: 1200.00\ncourt fees",
        "returned": "82800.00",
        "to_victims": "82800.00",
        "victims_compensated": "40",
        "priority_to_victims": "on",
    }
    page = browser.post(f"/requests/{returned}/", form).content.decode()
    assert "expenses[1].amount must be an amount of zero or more" in page
    form["expenses"] = "custody and conversion: 1200.00"
    page = browser.post(f"/requests/{returned}/", form, follow=True).content.decode()
    assert "The return is recorded" in page
    assert "deducted 1200.00 (custody and conversion: 1200.00)" in page
