"""Cross-border hit/no-hit on our node's side: asking, answering under a policy, hits,
refusals, and that the messages reveal nothing beyond the shared identifiers. The peer
(Cambodia) is played here with the core protocol functions."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from hanoinet.core.matching import (
    finish,
    hash_identifiers,
    learn,
    match_context,
    parse_disclosure,
    parse_request,
    parse_response,
    prepare,
    respond,
    start,
)
from hanoinet.node.accounts.models import User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.actor import system_actor
from hanoinet.node.audit.models import AuditEvent
from hanoinet.node.federation.models import InboxMessage, OutboxMessage
from hanoinet.node.linking import matching
from hanoinet.node.linking.models import MatchHit, MatchPolicy, MatchSession
from hanoinet.node.requests.models import CooperationRequest
from hanoinet.node.victims.actions import ReportInput, do_submit_report
from tests.conftest import actor_for

pytestmark = pytest.mark.django_db

SHARED_PHONE = "phone:+84912345678"
OUR_ONLY = "phone:+84987654321"
THEIR_ONLY = "phone:+85512345678"


@pytest.fixture
def node(khm: object, make_user: Callable[..., User], unit_x: object) -> User:
    """Our node (Viet Nam) with two victims' reports and a policy sharing phones with KHM."""
    for phone in ("0912 345 678", "0987 654 321"):
        do_submit_report(
            system_actor("portal"),
            ReportInput(
                category="investment_scam",
                what_happened="scam",
                language="vi",
                consent=True,
                identifiers=[("phone", phone), ("email", "boss@scam.vn")],
            ),
        )
    admin = make_user("root", unit_x, [Role.NODE_ADMIN])
    matching.do_set_policy(
        actor_for(admin), "khm", kinds=["phone", "wallet"], bulk=True, queries_per_hour=5
    )
    return make_user("anna", unit_x, [Role.ANALYST, Role.POINT_OF_CONTACT])


def sent(message_type: str) -> dict[str, Any]:
    message = OutboxMessage.objects.filter(message_type=message_type).latest("id")
    assert message.recipient_state == "KHM"
    body: dict[str, Any] = message.body
    return body


def arrive(message_type: str, body: dict[str, Any]) -> None:
    """A message from Cambodia, as the inbox hands it to its handler."""
    from hanoinet.node.federation.handlers import dispatch

    dispatch(InboxMessage(sender_state="KHM", message_type=message_type, body=body))


def test_we_ask_and_learn_only_what_both_hold(node: User) -> None:
    run = matching.do_ask(actor_for(node), "KHM", mode="bulk")
    assert sorted(run.items) == [SHARED_PHONE, OUR_ONLY]  # e-mails are not shared with KHM
    request = parse_request(sent("match.request")["psi"])
    context = match_context("KHM", "VNM", run.session)
    theirs = prepare(context, [SHARED_PHONE, THEIR_ONLY, "wallet:tron:TX"])
    arrive("match.response", {"psi": dict(respond(theirs, request).to_json())})
    assert matching.work_on_runs() == 1
    hit = MatchHit.objects.get()
    assert (hit.peer, hit.link_key, hit.kind) == ("KHM", SHARED_PHONE, "phone")
    run.refresh_from_db()
    assert (run.status, run.hit_count, run.peer_count) == ("done", 1, 3)
    assert run.key == ""
    assert run.items == []
    # Cambodia learns the same one identifier from our disclosure, and nothing else.
    disclosure = parse_disclosure(sent("match.disclosure")["psi"])
    assert learn(theirs, disclosure, asked=request.count) == {SHARED_PHONE}
    assert AuditEvent.objects.filter(action="match.hit", extra__kind="phone").exists()


def test_our_message_resists_a_dictionary_attack(node: User) -> None:
    run = matching.do_ask(actor_for(node), "KHM", mode="bulk")
    body = sent("match.request")
    text = str(body)
    assert "84987654321" not in text
    assert "84912345678" not in text
    points = base64.b64decode(body["psi"]["points"])
    sent_points = {points[i : i + 32] for i in range(0, len(points), 32)}
    # An eavesdropper (or Cambodia) hashing every Vietnamese mobile number it can think
    # of finds none of ours: the points are blinded with a key that never left our node.
    context = match_context("VNM", "KHM", run.session)
    dictionary = [f"phone:+849{n:08d}" for n in range(12345000, 12346000)]
    dictionary += [SHARED_PHONE, OUR_ONLY]
    assert sent_points.isdisjoint(hash_identifiers(context, dictionary))


def test_we_answer_a_peer_within_our_policy(node: User) -> None:
    context = match_context("KHM", "VNM", "khm-run-1")
    pending, request = start(context, [SHARED_PHONE, THEIR_ONLY])
    arrive("match.request", {"mode": "query", "kinds": ["phone"], "psi": dict(request.to_json())})
    assert matching.work_on_runs() == 1
    result = finish(pending, parse_response(sent("match.response")["psi"]))
    assert result.shared == {SHARED_PHONE}
    assert result.peer_count == 2  # our two phones; the e-mail is not shared with KHM
    from hanoinet.core.matching import disclose

    arrive("match.disclosure", {"psi": dict(disclose(result).to_json())})
    run = MatchSession.objects.get(session="khm-run-1")
    assert (run.status, run.direction) == ("done", "answered")
    assert list(MatchHit.objects.values_list("peer", "link_key")) == [("KHM", SHARED_PHONE)]


def request_from_khm(session: str, mode: str = "query", points: str | None = None) -> None:
    _pending, request = start(match_context("KHM", "VNM", session), [THEIR_ONLY])
    psi = dict(request.to_json())
    if points is not None:
        psi["points"] = points
    arrive("match.request", {"mode": mode, "kinds": ["phone"], "psi": psi})


def refusal() -> str:
    return str(sent("match.refused")["code"])


def test_without_a_policy_nothing_is_compared(node: User) -> None:
    MatchPolicy.objects.all().delete()
    request_from_khm("r-1")
    matching.work_on_runs()
    assert refusal() == "not_shared"
    assert not OutboxMessage.objects.filter(message_type="match.response").exists()


def test_a_peer_over_its_rate_is_refused(node: User) -> None:
    for n in range(5):
        request_from_khm(f"r-{n}")
    matching.work_on_runs()
    request_from_khm("r-over")
    matching.work_on_runs()
    assert MatchSession.objects.get(session="r-over").status == "refused"
    assert refusal() == "rate_limited"


def test_a_malformed_request_is_refused_not_crashed(node: User) -> None:
    request_from_khm("r-bad", points=base64.b64encode(b"\xff" * 32).decode())
    matching.work_on_runs()
    run = MatchSession.objects.get(session="r-bad")
    assert run.status == "refused"
    assert refusal() == "malformed"
    # A request without a session is dropped, and logged.
    arrive("match.request", {"psi": "nonsense"})
    assert AuditEvent.objects.filter(action="match.receive", outcome="denied").exists()


def test_bulk_only_where_the_policy_allows(node: User) -> None:
    MatchPolicy.objects.update(bulk=False)
    request_from_khm("r-bulk", mode="bulk")
    matching.work_on_runs()
    assert refusal() == "no_bulk"


def test_asking_for_a_kind_not_shared_is_refused(node: User) -> None:
    with pytest.raises(matching.MatchingActionError, match="shares only"):
        matching.do_ask(actor_for(node), "KHM", mode="query", items=["email:boss@scam.vn"])


def test_a_refusal_from_the_peer_closes_our_run(node: User) -> None:
    run = matching.do_ask(actor_for(node), "KHM", mode="query", items=[SHARED_PHONE])
    arrive("match.refused", {"session": run.session, "code": "rate_limited", "reason": "slow"})
    run.refresh_from_db()
    assert run.status == "refused"
    assert "rate_limited" in run.problem


def test_the_ask_page_and_a_hit_becoming_a_draft(
    node: User, verified_client: Callable[[User], Client]
) -> None:
    client = verified_client(node)
    response = client.post("/linking/matching/", {"kind": "phone", "value": "0912 345 678"})
    assert response.status_code == 302
    run = MatchSession.objects.get()
    assert run.items == [SHARED_PHONE]
    theirs = prepare(match_context("KHM", "VNM", run.session), [SHARED_PHONE])
    request = parse_request(sent("match.request")["psi"])
    arrive("match.response", {"psi": dict(respond(theirs, request).to_json())})
    matching.work_on_runs()
    hit = MatchHit.objects.get()
    assert SHARED_PHONE in client.get("/linking/matching/").content.decode()
    response = client.post(f"/linking/matching/hits/{hit.code}/draft/", {"kind": "preservation"})
    assert response.status_code == 302
    draft = CooperationRequest.objects.get()
    assert draft.counterpart == "KHM"
    assert draft.fields["identifiers"] == [{"kind": "phone", "value": "+84912345678"}]


def test_a_bad_identifier_is_named_on_the_ask_page(
    node: User, verified_client: Callable[[User], Client]
) -> None:
    response = verified_client(node).post("/linking/matching/", {"kind": "phone", "value": "12"})
    assert response.status_code == 200
    assert MatchSession.objects.count() == 0


def test_only_node_admins_set_the_policy(
    node: User, verified_client: Callable[[User], Client]
) -> None:
    assert verified_client(node).get("/linking/matching/policy/").status_code == 403
    admin = User.objects.get(username="root")
    with pytest.raises(matching.MatchingActionError, match="not a peer"):
        matching.do_set_policy(
            actor_for(admin), "ZZZ", kinds=["phone"], bulk=False, queries_per_hour=1
        )
