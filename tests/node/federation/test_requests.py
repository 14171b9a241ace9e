"""Cooperation requests between two nodes (Cambodia played in-process): draft, send,
receive, answer — through the API, checked against the Convention at every step."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from hanoinet.core.convention.examples import example
from hanoinet.node.accounts.models import Unit, User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.models import AuditEvent
from hanoinet.node.federation.delivery import deliver_due
from hanoinet.node.federation.models import OutboxMessage
from hanoinet.node.oncall.models import Page
from hanoinet.node.requests.models import CooperationRequest
from tests.node.api.test_api import bearer
from tests.node.federation.conftest import Peer

pytestmark = pytest.mark.django_db


@pytest.fixture
def poc(make_user: Callable[..., User], db: None) -> User:
    unit = Unit.objects.create(name="24/7 desk", kind=Unit.Kind.POINT_OF_CONTACT)
    return make_user("linh", unit, [Role.POINT_OF_CONTACT])


def call(
    client: Client, user: User, method: str, path: str, body: object = None
) -> tuple[int, Any]:
    response = getattr(client, method)(
        f"/api/v1/requests{path}",
        data=json.dumps(body) if body is not None else None,
        content_type="application/json",
        headers=bearer(user),
    )
    return response.status_code, json.loads(response.content)


def draft(client: Client, user: User, fields: dict[str, object], kind: str = "preservation") -> str:
    status, body = call(
        client,
        user,
        "post",
        "",
        {"kind": kind, "counterpart": "KHM", "fields": fields, "reference": "VNM-42"},
    )
    assert status == 200, body
    return str(body["code"])


def test_an_incomplete_request_cannot_be_sent_and_the_error_names_element_and_article(
    client: Client, khm: Peer, poc: User
) -> None:
    fields = example("preservation")
    del fields["custodian_or_location"]
    code = draft(client, poc, fields)
    status, body = call(client, poc, "post", f"/{code}/send")
    assert status == 422
    assert body["detail"] == [
        {
            "code": "missing",
            "element": "custodian_or_location",
            "article": 42,
            "message": body["detail"][0]["message"],
        }
    ]
    assert not OutboxMessage.objects.exists()
    assert CooperationRequest.objects.get(code=code).status == "draft"


def test_send_deliver_and_the_receipt_moves_the_status(
    client: Client, khm: Peer, poc: User
) -> None:
    code = draft(client, poc, example("preservation"))
    status, body = call(client, poc, "post", f"/{code}/send")
    assert (status, body["status"]) == (200, "sent")
    deliver_due()
    [received] = khm.received
    assert received.header.type == "request.submit"
    sent_fields = received.body["fields"]
    assert isinstance(sent_fields, dict)
    assert sent_fields["custodian_or_location"] == example("preservation")["custodian_or_location"]
    _status, body = call(client, poc, "get", f"/{code}")
    assert body["status"] == "delivered"
    assert [e["event"] for e in body["events"]] == ["draft", "send", "receipt"]


def test_a_request_from_cambodia_arrives_pages_and_is_answered(
    client: Client, khm: Peer, poc: User
) -> None:
    import uuid

    code = str(uuid.uuid4())
    fields = {
        **example("preservation"),
        "urgency": "emergency",
        "urgency_reason": "deletion in 24 h",
    }
    _m, token = khm.envelope(
        type="request.submit",
        thread=code,
        body={
            "request": code,
            "kind": "preservation",
            "fields": fields,
            "urgency": "emergency",
            "urgency_reason": "deletion in 24 h",
            "reference": "KHM-7",
            "subject": "Preservation",
        },
    )
    assert (
        client.post("/federation/v1/inbox", data=token, content_type="application/jose").status_code
        == 200
    )
    incoming = CooperationRequest.objects.get(code=code)
    assert (incoming.direction, incoming.status, incoming.their_reference) == (
        "incoming",
        "delivered",
        "KHM-7",
    )
    assert Page.objects.filter(urgency="emergency").exists()  # the 24/7 desk is paged
    # Refusing without grounds, reasons and consultation is refused, naming what is missing.
    status, body = call(client, poc, "post", f"/{code}/events", {"event": "refuse"})
    assert status == 422
    assert {p["element"] for p in body["detail"]} == {"grounds", "reasons", "consultation"}
    # Non-conformity is not a ground to refuse preservation (Art. 42).
    status, body = call(
        client,
        poc,
        "post",
        f"/{code}/events",
        {
            "event": "refuse",
            "grounds": ["non_conformity"],
            "reasons": "x",
            "consultation_offered": True,
        },
    )
    assert status == 422
    # Acknowledge, start, execute: each goes to Cambodia as a signed message.
    for event in ("acknowledge", "start", "execute"):
        status, body = call(
            client, poc, "post", f"/{code}/events", {"event": event, "note": "done"}
        )
        assert status == 200, body
    assert body["status"] == "executed"
    # The requested side may not withdraw; that is the requester's.
    status, _ = call(client, poc, "post", f"/{code}/events", {"event": "withdraw"})
    assert status == 409
    deliver_due()
    assert [m.body["event"] for m in khm.received] == ["acknowledge", "start", "execute"]
    assert AuditEvent.objects.filter(action="request.execute").exists()


def test_the_other_side_s_status_changes_apply_to_our_copy(
    client: Client, khm: Peer, poc: User
) -> None:
    code = draft(client, poc, example("preservation"))
    call(client, poc, "post", f"/{code}/send")
    deliver_due()
    for event, extra in (
        ("acknowledge", {}),
        (
            "refuse",
            {
                "grounds": ["essential_interests"],
                "reasons": "national security",
                "consultation_offered": True,
            },
        ),
    ):
        _m, token = khm.envelope(
            type="request.status", thread=code, body={"request": code, "event": event, **extra}
        )
        client.post("/federation/v1/inbox", data=token, content_type="application/jose")
    _status, body = call(client, poc, "get", f"/{code}")
    assert body["status"] == "refused"
    refusal = body["events"][-1]
    assert refusal["details"]["grounds"] == ["essential_interests"]
    assert "objections" not in refusal["details"]


def test_an_unlawful_refusal_by_the_other_side_is_recorded_with_objections(
    client: Client, khm: Peer, poc: User
) -> None:
    code = draft(client, poc, example("preservation"))
    call(client, poc, "post", f"/{code}/send")
    deliver_due()
    _m, token = khm.envelope(
        type="request.status",
        thread=code,
        body={"request": code, "event": "refuse", "grounds": ["bank_secrecy"]},
    )
    client.post("/federation/v1/inbox", data=token, content_type="application/jose")
    _status, body = call(client, poc, "get", f"/{code}")
    assert body["status"] == "refused"
    objections = body["events"][-1]["details"]["objections"]
    assert any("Bank secrecy" in o["message"] for o in objections)


def test_bad_input_names_the_problem(client: Client, khm: Peer, poc: User) -> None:
    status, body = call(
        client, poc, "post", "", {"kind": "preservation", "counterpart": "ZZZ", "fields": {}}
    )
    assert (status, body["error"]) == (400, "ZZZ is not in the register in force")
    status, body = call(
        client, poc, "post", "", {"kind": "nonsense", "counterpart": "KHM", "fields": {}}
    )
    assert status == 400
    status, body = call(
        client, poc, "post", "", {"kind": "preservation", "counterpart": "KHM", "fields": "x"}
    )
    assert status == 422
    code = draft(client, poc, example("preservation"))
    status, body = call(client, poc, "post", f"/{code}/events", {"event": "explode"})
    assert status == 422


def test_a_central_authority_kind_is_not_for_the_point_of_contact(
    client: Client, khm: Peer, poc: User
) -> None:
    status, _ = call(
        client, poc, "post", "", {"kind": "stored_data", "counterpart": "KHM", "fields": {}}
    )
    assert status == 404


def test_the_officer_drafts_and_sends_in_the_browser(
    khm: Peer, poc: User, verified_client: Callable[[User], Client]
) -> None:
    client = verified_client(poc)
    page = client.get("/requests/new/preservation/").content.decode()
    assert "Custodian of the data or location of the ICT system (Art. 42)" in page
    assert "None available" in page
    form = {
        "counterpart": "KHM",
        "reference": "VNM-A05-9",
        "requesting_authority": "A05",
        "offences": '[{"code": "art13", "provision": "CC 290", "max_penalty_years": 20}]',
        "facts": "Investment fraud",
        "data_to_preserve": "Subscriber and traffic data of +85512345678",
        "link_to_offence": "Support line of the fraudulent platform",
        "custodian_or_location__none": "on",
        "necessity": "Retention 90 days",
    }
    response = client.post("/requests/new/preservation/", form)
    assert response.status_code == 302
    detail_url = response["Location"]
    page = client.get(detail_url).content.decode()
    # Not yet sendable: the Art. 42 statement that an MLA request will follow is missing.
    assert "A mutual legal assistance request will follow" in page
    page = client.post(detail_url, {"action": "send"}).content.decode()
    assert "Missing: A mutual legal assistance request will follow" in page
    row = CooperationRequest.objects.get()
    assert row.status == "draft"
    assert row.fields["custodian_or_location"] == {"none_available": True}
    row.fields["mla_to_follow"] = True
    row.save()
    assert client.post(detail_url, {"action": "send"}).status_code == 302
    assert CooperationRequest.objects.get().status == "sent"
    listing = client.get("/requests/?direction=outgoing").content.decode()
    assert "preservation" in listing
    assert "VNM-A05-9" in listing


def test_bad_json_in_a_structured_field_is_named(
    khm: Peer, poc: User, verified_client: Callable[[User], Client]
) -> None:
    client = verified_client(poc)
    page = client.post(
        "/requests/new/preservation/", {"counterpart": "KHM", "offences": "[{oops"}
    ).content.decode()
    assert "Not valid JSON" in page
    assert not CooperationRequest.objects.exists()


def _incoming_preservation(client: Client, khm: Peer, days: int | None = None) -> str:
    import uuid

    code = str(uuid.uuid4())
    fields = example("preservation")
    if days:
        fields["preservation_days"] = days
    _m, token = khm.envelope(
        type="request.submit",
        thread=code,
        body={"request": code, "kind": "preservation", "fields": fields, "reference": "KHM-P1"},
    )
    assert (
        client.post("/federation/v1/inbox", data=token, content_type="application/jose").status_code
        == 200
    )
    return code


def test_executing_a_preservation_starts_the_60_day_clock_on_both_sides(
    client: Client, khm: Peer, poc: User, verified_client: Callable[[User], Client]
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    code = _incoming_preservation(client, khm)
    for event in ("acknowledge", "start", "execute"):
        call(client, poc, "post", f"/{code}/events", {"event": event})
    row = CooperationRequest.objects.get(code=code)
    assert row.preserved_until is not None
    assert row.preserved_at is not None
    assert row.preserved_until - row.preserved_at == timedelta(days=60)
    deliver_due()
    executed = khm.received[-1]
    assert executed.body["event"] == "execute"
    assert str(executed.body["preserved_until"]).startswith(row.preserved_until.date().isoformat())
    # Ending in under 14 days shows on the dashboard.
    CooperationRequest.objects.filter(code=code).update(
        preserved_until=timezone.now() + timedelta(days=5)
    )
    page = verified_client(poc).get("/").content.decode()
    assert "Preservations ending soon" in page
    assert "KHM-P1" in page


def test_a_longer_requested_period_is_kept(client: Client, khm: Peer, poc: User) -> None:
    from datetime import timedelta

    code = _incoming_preservation(client, khm, days=90)
    for event in ("start", "execute"):
        call(client, poc, "post", f"/{code}/events", {"event": event})
    row = CooperationRequest.objects.get(code=code)
    assert row.preserved_until is not None
    assert row.preserved_at is not None
    assert row.preserved_until - row.preserved_at == timedelta(days=90)


def test_the_mla_request_that_follows_holds_the_preservation(
    client: Client, khm: Peer, poc: User
) -> None:
    import uuid

    code = _incoming_preservation(client, khm)
    for event in ("start", "execute"):
        call(client, poc, "post", f"/{code}/events", {"event": event})
    follow_up = str(uuid.uuid4())
    fields = {**example("stored_data"), "preservation_reference": "KHM-P1"}
    _m, token = khm.envelope(
        type="request.submit",
        thread=follow_up,
        body={
            "request": follow_up,
            "kind": "stored_data",
            "fields": fields,
            "reference": "KHM-MLA-1",
        },
    )
    client.post("/federation/v1/inbox", data=token, content_type="application/jose")
    row = CooperationRequest.objects.get(code=code)
    assert row.held_pending_mla is True
    assert row.preserved_until is None


def test_a_provider_in_a_third_state_is_reported_and_a_draft_prepared(
    client: Client, khm: Peer, poc: User
) -> None:
    from tests.node.federation.conftest import register_node

    register_node(
        "FRA",
        __import__("hanoinet.core.keys", fromlist=["x"]).generate_node_keys(),
        "http://fra.test",
    )
    # Requested side (we are asked by Cambodia): report the provider in France.
    code = _incoming_preservation(client, khm)
    status, body = call(
        client,
        poc,
        "post",
        f"/{code}/third-country",
        {"state": "FRA", "provider": "Exchange SAS, Paris", "path": "KHM carrier -> FRA exchange"},
    )
    assert status == 200, body
    deliver_due()
    assert khm.received[-1].header.type == "request.provider"
    assert khm.received[-1].body["third_state"] == "FRA"
    status, body = call(
        client,
        poc,
        "post",
        f"/{code}/third-country",
        {"state": "ZZZ", "provider": "x", "path": "y"},
    )
    assert (status, body["error"]) == (400, "ZZZ is not in the register in force")
    # Requesting side (our request to Cambodia): Cambodia reports; a draft to France is ready.
    ours = draft(client, poc, example("preservation"))
    call(client, poc, "post", f"/{ours}/send")
    deliver_due()
    _m, token = khm.envelope(
        type="request.provider",
        thread=ours,
        body={"request": ours, "third_state": "FRA", "provider": "Exchange SAS", "path": "via KHM"},
    )
    client.post("/federation/v1/inbox", data=token, content_type="application/jose")
    prepared = CooperationRequest.objects.get(counterpart="FRA", direction="outgoing")
    assert prepared.status == "draft"
    assert prepared.fields["custodian_or_location"].startswith("Exchange SAS (FRA)")
    assert prepared.reference == "VNM-42-FRA"


def test_four_eyes_a_second_officer_approves_and_the_request_leaves(
    client: Client, khm: Peer, poc: User, make_user: Callable[..., User], settings: object
) -> None:
    settings.HANOINET_FOUR_EYES_KINDS = ["preservation"]  # type: ignore[attr-defined]
    second = make_user("tuan", poc.unit, [Role.POINT_OF_CONTACT])
    code = draft(client, poc, example("preservation"))
    status, body = call(client, poc, "post", f"/{code}/send")
    assert (status, "approval" in body["error"]) == (409, True)
    status, body = call(client, poc, "post", f"/{code}/submit")
    assert body["status"] == "awaiting_approval"
    status, body = call(client, poc, "post", f"/{code}/approve")
    assert status == 422  # the drafter cannot approve
    assert "another officer" in body["detail"][0]["message"]
    status, body = call(client, second, "post", f"/{code}/approve")
    assert (status, body["status"]) == (200, "sent")
    deliver_due()
    assert khm.received[-1].header.type == "request.submit"


def test_an_incomplete_draft_cannot_even_be_submitted_for_approval(
    client: Client, khm: Peer, poc: User, settings: object
) -> None:
    settings.HANOINET_FOUR_EYES_KINDS = ["preservation"]  # type: ignore[attr-defined]
    fields = example("preservation")
    del fields["necessity"]
    code = draft(client, poc, fields)
    status, body = call(client, poc, "post", f"/{code}/submit")
    assert status == 422
    assert body["detail"][0]["element"] == "necessity"


def test_approval_and_provider_report_in_the_browser(
    client: Client,
    khm: Peer,
    poc: User,
    make_user: Callable[..., User],
    settings: object,
    verified_client: Callable[[User], Client],
) -> None:
    from tests.node.federation.conftest import register_node

    settings.HANOINET_FOUR_EYES_KINDS = ["preservation"]  # type: ignore[attr-defined]
    second = make_user("tuan", poc.unit, [Role.POINT_OF_CONTACT])
    code = draft(client, poc, example("preservation"))
    drafter = verified_client(poc)
    page = drafter.get(f"/requests/{code}/").content.decode()
    assert "Submit for approval" in page
    drafter.post(f"/requests/{code}/", {"action": "submit"})
    page = drafter.post(f"/requests/{code}/", {"action": "approve"}).content.decode()
    assert "another officer must approve" in page
    verified_client(second).post(f"/requests/{code}/", {"action": "approve"})
    assert CooperationRequest.objects.get(code=code).status == "sent"

    register_node(
        "FRA",
        __import__("hanoinet.core.keys", fromlist=["x"]).generate_node_keys(),
        "http://fra.test",
    )
    incoming = _incoming_preservation(client, khm)
    call(client, poc, "post", f"/{incoming}/events", {"event": "start"})
    page = drafter.get(f"/requests/{incoming}/").content.decode()
    assert "Provider in a third State (Art. 43)" in page
    response = drafter.post(
        f"/requests/{incoming}/",
        {
            "action": "third_country",
            "third_state": "FRA",
            "provider": "Exchange SAS",
            "path": "via KHM",
        },
    )
    assert response.status_code == 302
    assert (
        CooperationRequest.objects.get(code=incoming)
        .events.filter(event="third_country_provider")
        .exists()
    )


def test_conditions_bind_before_release_and_onward_transfer_needs_authorisation(
    client: Client, khm: Peer, poc: User
) -> None:
    from tests.node.federation.conftest import register_node

    register_node(
        "FRA",
        __import__("hanoinet.core.keys", fromlist=["x"]).generate_node_keys(),
        "http://fra.test",
    )
    # Requested side: conditions attached; execution waits for acceptance.
    incoming = _incoming_preservation(client, khm)
    call(client, poc, "post", f"/{incoming}/events", {"event": "start"})
    status, body = call(client, poc, "post", f"/{incoming}/conditions", {"conditions": ["bribery"]})
    assert status == 400
    status, body = call(
        client,
        poc,
        "post",
        f"/{incoming}/conditions",
        {"conditions": ["confidentiality", "limitation_of_use"], "text": "Only for case KHM-7"},
    )
    assert status == 200
    status, body = call(client, poc, "post", f"/{incoming}/events", {"event": "execute"})
    assert (status, "not accepted the conditions" in body["error"]) == (409, True)
    _m, token = khm.envelope(
        type="request.conditions", thread=incoming, body={"request": incoming, "action": "accept"}
    )
    client.post("/federation/v1/inbox", data=token, content_type="application/jose")
    status, body = call(client, poc, "post", f"/{incoming}/events", {"event": "execute"})
    assert (status, body["status"]) == (200, "executed")

    # Requesting side: data from Cambodia may not go to France without its authorisation.
    ours = draft(client, poc, example("preservation"))
    call(client, poc, "post", f"/{ours}/send")
    deliver_due()
    status, body = call(
        client, poc, "post", f"/{ours}/forward", {"state": "FRA", "information": "wallet T..."}
    )
    assert status == 403
    assert "prior authorisation (Art. 36)" in body["error"]
    _m, token = khm.envelope(
        type="request.conditions",
        thread=ours,
        body={
            "request": ours,
            "action": "authorise_onward",
            "state": "FRA",
            "at": "2026-11-23T03:00:00Z",
        },
    )
    client.post("/federation/v1/inbox", data=token, content_type="application/jose")
    status, body = call(
        client, poc, "post", f"/{ours}/forward", {"state": "FRA", "information": "wallet T..."}
    )
    assert (status, body["kind"], body["counterpart"], body["status"]) == (
        200,
        "spontaneous",
        "FRA",
        "draft",
    )
    assert AuditEvent.objects.filter(action="request.forward", outcome="denied").exists()


@pytest.mark.parametrize("page", ["/requests/", "/api/v1/requests", "/federation/"])
def test_list_pages_make_a_constant_number_of_queries(
    client: Client,
    khm: Peer,
    poc: User,
    verified_client: Callable[[User], Client],
    page: str,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    officer = verified_client(poc)
    headers = bearer(poc) if page.startswith("/api/") else {}

    def queries_for(n: int) -> int:
        for i in range(n):
            draft(client, poc, {**example("preservation"), "reference": f"R{i}"})
        officer.get(page, headers=headers)  # once first: a token's "last used" is written once
        with CaptureQueriesContext(connection) as captured:
            assert officer.get(page, headers=headers).status_code == 200
        return len(captured)

    few = queries_for(3)
    many = queries_for(30)
    assert many == few


def test_an_oversized_or_hostile_draft_is_refused_cleanly(
    client: Client, khm: Peer, poc: User
) -> None:
    big = {"kind": "preservation", "counterpart": "KHM", "fields": {"facts": "x" * 3_000_000}}
    status, _ = call(client, poc, "post", "", big)
    assert 400 <= status < 500
    hostile = {**example("preservation"), "facts": "<script>alert(1)</script>"}
    code = draft(client, poc, hostile)
    page = client.get(f"/api/v1/requests/{code}", headers=bearer(poc)).content.decode()
    assert "<script>" in page  # JSON keeps the text as given; the HTML pages escape it
    assert not CooperationRequest.objects.filter(fields__facts="x" * 3_000_000).exists()


def test_our_own_art42_reservation_lets_us_refuse_preservation_for_fraud(
    client: Client, khm: Peer, poc: User
) -> None:
    from hanoinet.node.register.models import RegisterState

    refusal = {
        "event": "refuse",
        "grounds": ["dual_criminality_reservation"],
        "reasons": "x",
        "consultation_offered": True,
    }
    code = _incoming_preservation(client, khm)  # offence: Art. 13 fraud
    status, _ = call(client, poc, "post", f"/{code}/events", refusal)
    assert status == 422  # without our reservation, dual criminality cannot be required
    RegisterState.objects.filter(code="VNM").update(art42_reservation=True)
    status, body = call(client, poc, "post", f"/{code}/events", refusal)
    assert (status, body["status"]) == (200, "refused")


def _request_read_after_timeline(get: Callable[[], Any]) -> Any:
    """Run ``get`` and check its last read of the request comes after its timeline read."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = get()
    assert response.status_code == 200
    selects = [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith("SELECT")]
    timeline = max(i for i, sql in enumerate(selects) if '"requests_requestevent"' in sql)
    request_reads = [
        i
        for i, sql in enumerate(selects)
        if 'FROM "requests_cooperationrequest"' in sql and '"requests_requestevent"' not in sql
    ]
    assert request_reads
    assert max(request_reads) > timeline
    return response


def test_a_request_is_read_after_its_timeline_so_it_reflects_every_event_shown(
    client: Client, khm: Peer, poc: User, verified_client: Callable[[User], Client]
) -> None:
    """A peer's status message changes the request and adds an event in one transaction,
    but the API and the page read them with two queries. Reading the timeline first and
    the request after it means the request can be a step ahead of its timeline, never
    behind."""
    code = draft(client, poc, example("preservation"))
    response = _request_read_after_timeline(
        lambda: client.get(f"/api/v1/requests/{code}", headers=bearer(poc))
    )
    assert json.loads(response.content)["events"][0]["event"] == "draft"
    web = verified_client(poc)
    page = _request_read_after_timeline(lambda: web.get(f"/requests/{code}/"))
    assert "draft" in page.content.decode()
