"""The JSON API: bearer tokens, scoped access, clear errors, an OpenAPI document."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hanoinet.node.accounts.actions import do_create_api_token, do_revoke_api_token
from hanoinet.node.accounts.models import ApiToken, User
from hanoinet.node.audit.models import AuditEvent
from hanoinet.node.cases.actions import do_open_case
from tests.conftest import actor_for

pytestmark = pytest.mark.django_db


def bearer(user: User) -> dict[str, str]:
    _token, raw = do_create_api_token(actor_for(user), user, name="ci", days=30)
    return {"Authorization": f"Bearer {raw}"}


def test_openapi_document_is_served(client: Client) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "hanoinet node API"
    assert "/api/v1/cases" in document["paths"]


def test_it_requires_a_token(client: Client, alice: User) -> None:
    response = client.get("/api/v1/whoami")
    assert response.status_code == 401
    assert response.json() == {"error": "missing, unknown, expired or revoked API token"}
    wrong = client.get("/api/v1/whoami", headers={"Authorization": "Bearer hn_nope"})
    assert wrong.status_code == 401


def test_it_works(client: Client, alice: User) -> None:
    response = client.get("/api/v1/whoami", headers=bearer(alice))
    assert response.json() == {
        "username": "alice",
        "unit": "Cybercrime unit",
        "roles": ["investigator"],
    }


def test_revoked_and_expired_tokens_stop_working(client: Client, alice: User) -> None:
    token, raw = do_create_api_token(actor_for(alice), alice, name="ci", days=1)
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/whoami", headers=headers).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/whoami", headers=headers).status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + timedelta(days=1))
    do_revoke_api_token(actor_for(alice), token)
    assert client.get("/api/v1/whoami", headers=headers).status_code == 401


def test_only_the_digest_is_stored(alice: User) -> None:
    token, raw = do_create_api_token(actor_for(alice), alice, name="ci", days=1)
    assert raw not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert raw.startswith(token.prefix)


def test_cases_through_the_api_are_scoped_and_audited(
    client: Client, alice: User, bob: User
) -> None:
    case = do_open_case(actor_for(bob), reference="HN-9", title="Ransomware", summary="")
    headers = bearer(alice)
    created = client.post(
        "/api/v1/cases",
        {"reference": "HCM-1", "title": "Scam"},
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201
    code = created.json()["code"]
    listed = client.get("/api/v1/cases", headers=headers).json()
    assert [item["reference"] for item in listed] == ["HCM-1"]
    assert client.get(f"/api/v1/cases/{code}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/cases/{case.code}", headers=headers).status_code == 404
    reads = AuditEvent.objects.filter(action="case.read", actor=alice)
    assert sorted(reads.values_list("outcome", flat=True)) == ["denied", "ok"]


def test_it_rejects_bad_input(client: Client, alice: User) -> None:
    headers = bearer(alice)
    missing = client.post(
        "/api/v1/cases", {"title": "x"}, content_type="application/json", headers=headers
    )
    assert missing.status_code == 422
    assert missing.json()["error"] == "invalid input"
    assert missing.json()["detail"][0]["field"] == "reference"
    garbage = client.post(
        "/api/v1/cases", "{not json", content_type="application/json", headers=headers
    )
    assert garbage.status_code in {400, 422}
    bad_uuid = client.get("/api/v1/cases/not-a-uuid", headers=headers)
    assert bad_uuid.status_code in {404, 422}
    duplicate = {"reference": "R-1", "title": "x"}
    client.post("/api/v1/cases", duplicate, content_type="application/json", headers=headers)
    again = client.post(
        "/api/v1/cases", duplicate, content_type="application/json", headers=headers
    )
    assert again.status_code == 409


def test_officers_manage_their_tokens_in_the_ui(
    verified_client: Callable[[User], Client], alice: User, bob: User
) -> None:
    client = verified_client(alice)
    page = client.post("/accounts/tokens/", {"name": "script", "days": 30})
    assert b"will not be shown again" in page.content
    token = ApiToken.objects.get(user=alice)
    bobs, _raw = do_create_api_token(actor_for(bob), bob, name="bob", days=1)
    assert client.post(f"/accounts/tokens/{bobs.code}/revoke/").status_code == 404
    assert client.post(f"/accounts/tokens/{token.code}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    rejected = client.post("/accounts/tokens/", {"name": "", "days": 9999})
    assert b"This field is required." in rejected.content
    assert ApiToken.objects.filter(user=alice).count() == 1
