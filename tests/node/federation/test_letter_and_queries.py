"""The formal letter of a request (PDF, in a language the requested State accepts) and
status queries answered on the thread (Cambodia played in-process)."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable

import pytest
from django.test import Client
from pypdf import PdfReader

from hanoinet.core.convention import KINDS
from hanoinet.core.convention.examples import example
from hanoinet.node.accounts.models import Unit, User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.models import AuditEvent
from hanoinet.node.federation.delivery import deliver_due
from hanoinet.node.register.models import RegisterState
from hanoinet.node.requests.models import CooperationRequest
from tests.node.api.test_api import bearer
from tests.node.federation.conftest import Peer
from tests.node.federation.test_followups_and_assets import events_of, from_khm, send_from_khm
from tests.node.federation.test_requests import call, draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def poc(make_user: Callable[..., User], db: None) -> User:
    unit = Unit.objects.create(name="24/7 desk", kind=Unit.Kind.POINT_OF_CONTACT)
    return make_user("linh", unit, [Role.POINT_OF_CONTACT])


def pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    text = unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in pages))
    return " ".join(text.split())  # lines wrap anywhere


def test_the_letter_of_a_preservation_request_holds_every_art42_element(
    client: Client, khm: Peer, poc: User
) -> None:
    fields = example("preservation")
    code = draft(client, poc, fields)
    response = client.get(f"/api/v1/requests/{code}/letter", headers=bearer(poc))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for element in KINDS["preservation"].elements:
        if element.article == 42:
            assert element.label in text, element.name
    for name in ("facts", "data_to_preserve", "custodian_or_location", "necessity"):
        assert " ".join(str(fields[name]).split()) in text, name
    assert "Computer-related fraud" in text or "fraud" in text.lower()
    assert "VNM-42" in text  # our reference
    assert "Signature and seal" in text
    assert code in text
    assert AuditEvent.objects.filter(action="request.letter", object_id=code).exists()


def test_the_letter_is_in_a_language_the_requested_state_accepts(
    client: Client, khm: Peer, poc: User, verified_client: Callable[[User], Client]
) -> None:
    RegisterState.objects.filter(code="KHM").update(languages=["km", "fr"])
    code = draft(client, poc, example("preservation"))
    response = client.get(f"/api/v1/requests/{code}/letter", headers=bearer(poc))
    assert response["Content-Language"] == "fr"
    text = pdf_text(response.content)
    assert "Conservation rapide" in text or "conservation" in text.lower()
    assert "Signature et cachet" in text
    # The officer may ask for another of the node's languages; not for any string.
    english = client.get(f"/api/v1/requests/{code}/letter?language=en", headers=bearer(poc))
    assert "Signature and seal" in pdf_text(english.content)
    bad = client.get(f"/api/v1/requests/{code}/letter?language=xx", headers=bearer(poc))
    assert bad.status_code == 400
    # The request page links the letter and says which languages the State accepts.
    page = verified_client(poc).get(f"/requests/{code}/").content.decode()
    assert f"/requests/{code}/letter.pdf" in page
    assert "km, fr" in page
    pdf = verified_client(poc).get(f"/requests/{code}/letter.pdf?language=vi")
    assert "Chữ ký và đóng dấu" in pdf_text(pdf.content)


def test_a_status_query_is_answered_at_once_by_the_requested_node(
    client: Client, khm: Peer, poc: User
) -> None:
    code = send_from_khm(client, khm, "preservation", example("preservation"))
    call(client, poc, "post", f"/{code}/events", {"event": "acknowledge"})
    deliver_due()
    from_khm(client, khm, "request.query", code, {"request": code, "action": "query", "text": "?"})
    assert events_of(code)[-2:] == ["status_query", "status_answer"]
    deliver_due()
    answer = khm.received[-1].body
    assert (answer["action"], answer["status"], answer["last_step"]) == (
        "answer",
        "acknowledged",
        "acknowledge",
    )
    status, _ = call(
        client, poc, "post", f"/{code}/query/answer", {"text": "Order served at 04:10"}
    )
    assert status == 200
    deliver_due()
    assert khm.received[-1].body["text"] == "Order served at 04:10"
    # Only the requesting State queries; an empty answer is refused.
    assert call(client, poc, "post", f"/{code}/query", {"text": "?"})[0] == 409
    assert call(client, poc, "post", f"/{code}/query/answer", {"text": " "})[0] == 409


def test_our_query_travels_and_the_answer_lands_on_our_timeline(
    client: Client, khm: Peer, poc: User
) -> None:
    code = draft(client, poc, example("preservation"))
    assert call(client, poc, "post", f"/{code}/query", {})[0] == 409  # not sent yet
    call(client, poc, "post", f"/{code}/send")
    assert call(client, poc, "post", f"/{code}/query", {"text": "Preserved?"})[0] == 200
    deliver_due()
    assert khm.received[-1].body == {"request": code, "action": "query", "text": "Preserved?"}
    from_khm(
        client,
        khm,
        "request.query",
        code,
        {"request": code, "action": "answer", "status": "in_progress", "last_step": "start"},
    )
    _s, body = call(client, poc, "get", f"/{code}")
    assert body["events"][-1]["event"] == "status_answer"
    assert body["events"][-1]["details"]["status"] == "in_progress"


@pytest.mark.parametrize(
    "message_type",
    [
        "request.status",
        "request.query",
        "request.measure",
        "request.preservation",
        "request.conditions",
        "request.provider",
    ],
)
def test_a_peer_message_about_no_request_of_ours_changes_nothing(
    client: Client, khm: Peer, poc: User, message_type: str
) -> None:
    for reference in ("not-a-uuid", "6f0e1a52-4f4e-4c53-9a43-6a3f6b7c1d2e", 17):
        _m, token = khm.envelope(
            type=message_type, body={"request": reference, "event": "acknowledge", "action": "ask"}
        )
        response = client.post("/federation/v1/inbox", data=token, content_type="application/jose")
        assert response.status_code == 200
    assert not CooperationRequest.objects.exists()
