"""Checking a draft request through the API, in the caller's language."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from hanoinet.core.convention.examples import example
from hanoinet.node.accounts.models import User
from tests.node.api.test_api import bearer

pytestmark = pytest.mark.django_db


def check(
    client: Client, user: User, kind: str, body: str, language: str = "en"
) -> tuple[int, dict[str, object]]:
    response = client.post(
        f"/api/v1/convention/check/{kind}",
        data=body,
        content_type="application/json",
        headers={**bearer(user), "Accept-Language": language},
    )
    return response.status_code, json.loads(response.content)


def test_a_complete_request_checks_complete(client: Client, alice: User) -> None:
    status, answer = check(client, alice, "preservation", json.dumps(example("preservation")))
    assert status == 200
    assert answer["complete"] is True
    assert answer["problems"] == []


def test_a_missing_element_is_named_with_its_article(client: Client, alice: User) -> None:
    fields = example("realtime_traffic")
    del fields["collection_period"]
    _status, answer = check(client, alice, "realtime_traffic", json.dumps(fields))
    assert answer["complete"] is False
    problems = answer["problems"]
    assert isinstance(problems, list)
    [problem] = problems
    assert problem["element"] == "collection_period"
    assert problem["article"] == 45
    assert problem["message"].startswith("Missing: Collection period.")


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ("{", 400, "invalid JSON"),
        ('{"a": 1, "a": 2}', 400, "invalid JSON"),
        ("{}", 404, "unknown kind"),
    ],
)
def test_bad_input_is_named(
    client: Client, alice: User, body: str, status: int, error: str
) -> None:
    kind = "preservation" if status != 404 else "preserve"
    got, answer = check(client, alice, kind, body)
    assert (got, answer["error"]) == (status, error)


def test_the_check_needs_a_token(client: Client) -> None:
    response = client.post(
        "/api/v1/convention/check/preservation", data="{}", content_type="application/json"
    )
    assert response.status_code == 401


def test_kinds_are_listed(client: Client, alice: User) -> None:
    answer = json.loads(client.get("/api/v1/convention/kinds", headers=bearer(alice)).content)
    assert len(answer["kinds"]) == 14


def test_problems_come_in_the_caller_s_language(client: Client, alice: User) -> None:
    fields = example("preservation")
    del fields["custodian_or_location"]
    _status, answer = check(client, alice, "preservation", json.dumps(fields), language="fr")
    problems = answer["problems"]
    assert isinstance(problems, list)
    assert problems[0]["message"].startswith("Manquant : Gardien des données ou emplacement")
    _status, answer = check(client, alice, "preservation", json.dumps(fields), language="vi")
    problems = answer["problems"]
    assert isinstance(problems, list)
    assert problems[0]["message"].startswith("Còn thiếu: Người lưu giữ dữ liệu")
