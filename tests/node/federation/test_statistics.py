"""The Conference report through the API and the CLI: aggregates of real requests, no
case data, for the roles allowed to see it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hanoinet.core.convention.examples import example
from hanoinet.node.accounts.models import Unit, User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.models import AuditEvent
from tests.node.api.test_api import bearer
from tests.node.federation.conftest import Peer
from tests.node.federation.test_followups_and_assets import send_from_khm
from tests.node.federation.test_requests import call, draft
from tests.node.test_cli import run

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user: Callable[..., User], db: None) -> User:
    unit = Unit.objects.create(name="Central authority", kind=Unit.Kind.POINT_OF_CONTACT)
    return make_user("an", unit, [Role.POINT_OF_CONTACT, Role.CENTRAL_AUTHORITY])


def test_the_report_counts_what_happened_and_holds_no_case_data(
    client: Client, khm: Peer, officer: User, make_user: Callable[..., User]
) -> None:
    for _ in range(5):
        code = send_from_khm(client, khm, "preservation", example("preservation"))
        call(client, officer, "post", f"/{code}/events", {"event": "acknowledge"})
    refused = send_from_khm(client, khm, "preservation", example("preservation"))
    call(
        client,
        officer,
        "post",
        f"/{refused}/events",
        {
            "event": "refuse",
            "grounds": ["essential_interests"],
            "reasons": "national security",
            "consultation_offered": True,
        },
    )
    sent = draft(client, officer, example("preservation"))
    call(client, officer, "post", f"/{sent}/send")
    draft(client, officer, example("mla"), kind="mla")  # a draft is not counted

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/statistics", headers=bearer(officer))
    assert response.status_code == 200
    report = response.json()
    assert report["state"] == "VNM"
    assert report["requests"] == {"outgoing": "1-4", "incoming": 6}
    assert report["by_status"]["incoming"] == {"acknowledged": 5, "refused": "1-4"}
    assert report["refusal_grounds"] == {"incoming": {"essential_interests": "1-4"}}
    assert report["by_state"] == {"incoming": {"KHM": 6}, "outgoing": {"KHM": "1-4"}}
    assert report["median_hours_to_acknowledge"]["incoming:routine"] is not None
    # Nothing of the cases themselves: no references, facts, identifiers or reasons.
    text = json.dumps(report)
    for secret in ("KHM-1", "VNM-42", "+85512345678", "national security", "Cellcard"):
        assert secret not in text
    assert len(queries) < 12  # a few queries, not one per request
    assert AuditEvent.objects.filter(action="statistics.report").exists()

    # Another period; a period that ends before it starts is refused.
    empty = client.get(
        "/api/v1/statistics?start=2020-01-01&end=2020-12-31", headers=bearer(officer)
    )
    assert empty.json()["requests"] == {"outgoing": 0, "incoming": 0}
    assert (
        client.get(
            "/api/v1/statistics?start=2026-12-01&end=2026-01-01", headers=bearer(officer)
        ).status_code
        == 400
    )
    assert client.get(
        "/api/v1/statistics?start=yesterday", headers=bearer(officer)
    ).status_code in (400, 422)

    # A 24/7 officer without the central authority role does not see it.
    desk = make_user("desk", officer.unit, [Role.POINT_OF_CONTACT])
    assert client.get("/api/v1/statistics", headers=bearer(desk)).status_code == 403


def test_the_cli_names_a_bad_date() -> None:
    result = run("statistics", "--from", "31/12/2026")
    assert result.returncode != 0
    assert "--from '31/12/2026' is not a date such as 2026-01-31" in result.stderr
    result = run("statistics", "--from", str(date(2026, 5, 1)), "--to", "2026-04-01")
    assert "--to 2026-04-01 is before --from 2026-05-01" in result.stderr
