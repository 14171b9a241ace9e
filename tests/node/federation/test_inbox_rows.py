"""The inbox rows, built in Python: every value escaped, every row linked, labels translated."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from hanoinet.core.convention.examples import example
from hanoinet.node.accounts.models import Unit, User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.requests.models import CooperationRequest
from tests.node.federation.conftest import Peer
from tests.node.federation.test_followups_and_assets import send_from_khm

pytestmark = pytest.mark.django_db


@pytest.fixture
def poc(make_user: Callable[..., User], db: None) -> User:
    unit = Unit.objects.create(name="24/7 desk", kind=Unit.Kind.POINT_OF_CONTACT)
    return make_user("linh", unit, [Role.POINT_OF_CONTACT])


def test_hostile_values_are_escaped_and_rows_link_to_their_request(
    client: Client, khm: Peer, poc: User, verified_client: Callable[[User], Client]
) -> None:
    code = send_from_khm(client, khm, "preservation", example("preservation"), urgency="urgent")
    CooperationRequest.objects.filter(code=code).update(
        their_reference='<script>alert("x")</script>&"'
    )
    browser = verified_client(poc)
    page = browser.get("/requests/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&quot;" in page
    assert f'<a href="/requests/{code}/">preservation</a> <span class="badge">urgent</span>' in page
    assert "<td>received</td><td>delivered</td>" in page
    # In the officer's language.
    browser.post("/i18n/setlang/", {"language": "fr"})
    french = browser.get("/requests/", headers={"accept-language": "fr"}).content.decode()
    assert "<td>reçue</td><td>remis</td>" in french


def test_the_filter_form_keeps_the_chosen_filters_and_offers_the_officer_s_kinds(
    poc: User, verified_client: Callable[[User], Client]
) -> None:
    browser = verified_client(poc)
    page = browser.get("/requests/?status=delivered&kind=preservation").content.decode()
    assert '<option value="delivered" selected>delivered</option>' in page
    assert '<option value="executed">executed</option>' in page
    assert '<option value="preservation" selected>' in page
    assert '<a class="button" href="/requests/new/preservation/">' in page
    # A point of contact does not send mutual legal assistance requests.
    assert 'href="/requests/new/mla/"' not in page
    assert '<option value="mla"' not in page
    # The table refreshing itself comes without the form.
    partial = browser.get("/requests/", headers={"hx-request": "true"}).content.decode()
    assert "<select" not in partial


def test_row_times_are_shown_in_the_officer_s_time_zone(
    client: Client, khm: Peer, poc: User, verified_client: Callable[[User], Client]
) -> None:
    from datetime import UTC, datetime

    code = send_from_khm(client, khm, "preservation", example("preservation"))
    at = datetime(2026, 11, 30, 20, 5, tzinfo=UTC)
    CooperationRequest.objects.filter(code=code).update(updated_at=at)
    browser = verified_client(poc)
    assert "<tr><td>2026-11-30 20:05</td>" in browser.get("/requests/").content.decode()
    poc.time_zone = "Asia/Ho_Chi_Minh"  # UTC+7: already the next day
    poc.save(update_fields=["time_zone"])
    assert "<tr><td>2026-12-01 03:05</td>" in browser.get("/requests/").content.decode()
