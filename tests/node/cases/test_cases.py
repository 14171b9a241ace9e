"""Case files: only members of the owning unit with a case role can open them."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from hanoinet.node.accounts.models import User
from hanoinet.node.audit.models import AuditEvent
from hanoinet.node.cases.actions import do_open_case
from hanoinet.node.cases.models import Case
from tests.conftest import actor_for

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


@pytest.fixture
def case_of_alice(alice: User) -> Case:
    return do_open_case(
        actor_for(alice), reference="HCM-1", title="Investment scam", summary="Wallet bc1q…"
    )


@pytest.fixture
def case_of_bob(bob: User) -> Case:
    return do_open_case(actor_for(bob), reference="HN-9", title="Ransomware", summary="")


def test_it_lists_only_the_units_cases(
    verified_client: ClientFor, alice: User, case_of_alice: Case, case_of_bob: Case
) -> None:
    response = verified_client(alice).get("/cases/")
    assert response.status_code == 200
    assert b"HCM-1" in response.content
    assert b"HN-9" not in response.content


def test_it_shows_a_case_and_audits_the_read(
    verified_client: ClientFor, alice: User, case_of_alice: Case
) -> None:
    response = verified_client(alice).get(f"/cases/{case_of_alice.code}/")
    assert response.status_code == 200
    assert b"Investment scam" in response.content
    event = AuditEvent.objects.filter(action="case.read").get()
    assert (event.actor_id, event.object_id, event.outcome) == (
        alice.pk,
        str(case_of_alice.code),
        "ok",
    )


@pytest.mark.parametrize("who", ["bob", "mallory", "audrey"])
def test_it_checks_access(
    verified_client: ClientFor,
    request: pytest.FixtureRequest,
    case_of_alice: Case,
    who: str,
) -> None:
    outsider: User = request.getfixturevalue(who)
    response = verified_client(outsider).get(f"/cases/{case_of_alice.code}/")
    assert response.status_code == 404
    denied = AuditEvent.objects.get(action="case.read", actor=outsider)
    assert denied.outcome == "denied"


def test_a_missing_case_looks_like_a_forbidden_one(verified_client: ClientFor, bob: User) -> None:
    assert verified_client(bob).get(f"/cases/{uuid.uuid4()}/").status_code == 404


def test_it_requires_login(client: Client, case_of_alice: Case) -> None:
    response = client.get(f"/cases/{case_of_alice.code}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_officer_opens_a_case(verified_client: ClientFor, alice: User) -> None:
    client = verified_client(alice)
    response = client.post(
        "/cases/new/", {"reference": "HCM-2", "title": "Phishing", "summary": "SMS lure"}
    )
    case = Case.objects.get(reference="HCM-2")
    assert response["Location"] == f"/cases/{case.code}/"
    assert case.unit == alice.unit
    assert AuditEvent.objects.filter(action="case.open", object_id=str(case.code)).exists()


def test_it_rejects_bad_input(verified_client: ClientFor, alice: User, case_of_alice: Case) -> None:
    client = verified_client(alice)
    empty = client.post("/cases/new/", {"reference": "", "title": ""})
    assert empty.status_code == 200
    assert b"This field is required." in empty.content
    duplicate = client.post("/cases/new/", {"reference": "HCM-1", "title": "Again"})
    assert b"already has a case with this reference" in duplicate.content
    too_long = client.post("/cases/new/", {"reference": "R" * 65, "title": "x"})
    assert b"at most 64 characters" in too_long.content
    assert Case.objects.count() == 1


def test_script_in_free_text_is_escaped(verified_client: ClientFor, alice: User) -> None:
    client = verified_client(alice)
    client.post("/cases/new/", {"reference": "X-1", "title": "<script>alert(1)</script>"})
    case = Case.objects.get(reference="X-1")
    page = client.get(f"/cases/{case.code}/")
    assert b"<script>alert(1)</script>" not in page.content
    assert b"&lt;script&gt;" in page.content


def test_officers_without_a_case_role_cannot_open_cases(
    verified_client: ClientFor, mallory: User
) -> None:
    client = verified_client(mallory)
    assert client.get("/cases/new/").status_code == 403
    assert client.post("/cases/new/", {"reference": "M-1", "title": "x"}).status_code == 403
    assert not Case.objects.exists()


def test_the_list_runs_a_constant_number_of_queries(
    verified_client: ClientFor,
    alice: User,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = verified_client(alice)
    for number in range(30):
        do_open_case(actor_for(alice), reference=f"R-{number}", title="t", summary="")
    client.get("/cases/")  # warm the session
    with django_assert_max_num_queries(12):
        response = client.get("/cases/")
    assert response.content.count(b"/cases/") >= 30


def test_search_filters_the_list(
    verified_client: ClientFor, alice: User, case_of_alice: Case
) -> None:
    client = verified_client(alice)
    do_open_case(actor_for(alice), reference="HCM-7", title="Sextortion", summary="")
    response = client.get("/cases/", {"q": "sextortion"}, headers={"HX-Request": "true"})
    assert b"HCM-7" in response.content
    assert b"HCM-1" not in response.content
    assert b"<html" not in response.content  # htmx gets the table fragment only
