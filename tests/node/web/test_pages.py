"""The shell: security headers, navigation by role, dashboard, preferences."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client

from hanoinet.node.accounts.models import User

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


def test_security_headers(client: Client) -> None:
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_csrf_is_enforced(alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "alice", "password": "x"})
    assert response.status_code == 403


def test_navigation_follows_roles(verified_client: ClientFor, alice: User, audrey: User) -> None:
    officer = verified_client(alice).get("/").content
    assert b'href="/cases/"' in officer
    assert b'href="/audit/"' not in officer
    auditor = verified_client(audrey).get("/").content
    assert b'href="/audit/"' in auditor
    assert b'href="/cases/"' not in auditor


def test_the_reused_header_parts_follow_roles_page_and_language(
    verified_client: ClientFor, alice: User, audrey: User
) -> None:
    """The menu and the language choices are rendered once per roles, page and language
    and then reused: each officer, page and language still gets its own."""
    officer, auditor = verified_client(alice), verified_client(audrey)
    for _ in range(2):  # the second round is served from what the first one rendered
        home = officer.get("/").content.decode()
        assert '<a href="/" aria-current="page">Dashboard</a>' in home
        assert 'href="/cases/"' in home
        cases = officer.get("/cases/").content.decode()
        assert '<a href="/cases/" aria-current="page">Cases</a>' in cases
        assert '<a href="/">Dashboard</a>' in cases
        audit = auditor.get("/").content.decode()
        assert 'href="/audit/"' in audit
        assert 'href="/cases/"' not in audit
        assert '<option value="en" lang="en" selected>' in home
        officer.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
        vietnamese = officer.get("/").content.decode()
        assert '<option value="vi" lang="vi" selected>' in vietnamese
        assert '<option value="en" lang="en">' in vietnamese
        assert ">Dashboard<" not in vietnamese
        del officer.cookies[settings.LANGUAGE_COOKIE_NAME]


def test_dashboard_counts_the_units_open_cases(verified_client: ClientFor, alice: User) -> None:
    page = verified_client(alice).get("/")
    assert page.status_code == 200
    assert b"Cases of your unit" in page.content
    assert b"Prosecutor / investigator" in page.content


def test_preferences_change_the_time_zone(verified_client: ClientFor, alice: User) -> None:
    client = verified_client(alice)
    assert (
        client.post("/accounts/preferences/", {"time_zone": "Asia/Ho_Chi_Minh"}).status_code == 302
    )
    alice.refresh_from_db()
    assert alice.time_zone == "Asia/Ho_Chi_Minh"
    bad = client.post("/accounts/preferences/", {"time_zone": "Mars/Olympus"})
    assert b"Select a valid choice." in bad.content
    alice.refresh_from_db()
    assert alice.time_zone == "Asia/Ho_Chi_Minh"


def test_the_admin_needs_the_second_factor_too(
    client: Client, make_user: Callable[..., User]
) -> None:
    admin = make_user("root", None, ["node_admin"])
    client.force_login(admin)
    assert client.get("/admin/")["Location"] == "/accounts/second-factor/"


def test_officers_change_their_password(verified_client: ClientFor, alice: User) -> None:
    from hanoinet.node.audit.models import AuditEvent
    from tests.conftest import PASSWORD

    client = verified_client(alice)
    weak = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert b"This password is too short." in weak.content
    done = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "another long passphrase 42",
            "new_password2": "another long passphrase 42",
        },
    )
    assert done["Location"] == "/accounts/preferences/"
    alice.refresh_from_db()
    assert alice.check_password("another long passphrase 42")
    assert client.get("/").status_code == 200  # the session survives the change
    assert AuditEvent.objects.filter(action="user.password_change", actor=alice).count() == 1


def test_every_aria_reference_of_a_form_names_an_element_of_the_page(client: Client) -> None:
    """Django points each widget at ``<id>_helptext`` and ``<id>_error``; the field partial
    must give those ids, or screen readers never read the help text."""
    import re

    page = client.post("/report/", {"what_happened": ""}).content.decode()
    ids = set(re.findall(r'\sid="([^"]+)"', page))
    references = {
        name for value in re.findall(r'aria-describedby="([^"]+)"', page) for name in value.split()
    }
    assert "id_what_happened_helptext" in references
    assert "id_what_happened_error" in references
    assert references <= ids, references - ids
