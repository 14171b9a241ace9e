"""Sign-in: password, then TOTP (enrolment the first time), audited and throttled."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from hanoinet.node.accounts.models import User
from hanoinet.node.audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def test_anonymous_visitor_is_sent_to_login(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_every_page_requires_login(client: Client) -> None:
    for path in ("/cases/", "/audit/", "/accounts/tokens/", "/accounts/preferences/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/login/" in response["Location"], path


def test_health_and_login_pages_are_public(client: Client) -> None:
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 200


def test_password_then_enrolment_then_dashboard(client: Client, alice: User) -> None:
    response = client.post(
        "/accounts/login/?next=/cases/", {"username": "alice", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/second-factor/"
    # Password alone opens nothing.
    assert client.get("/cases/")["Location"] == "/accounts/second-factor/"

    page = client.get("/accounts/second-factor/")
    assert b"Set up your authenticator" in page.content
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=alice, confirmed=False)

    with time_machine.travel(timezone.now(), tick=False) as clock:
        wrong = client.post("/accounts/second-factor/", {"token": "000000"})
        assert wrong.status_code == 200
        assert b"That code is not valid" in wrong.content
        assert not TOTPDevice.objects.get(pk=device.pk).confirmed
        clock.shift(30)  # past django-otp's throttle after one failure, and a new code
        done = client.post("/accounts/second-factor/", {"token": current_code(device)})
    assert done.status_code == 302
    assert done["Location"] == "/cases/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/cases/").status_code == 200


def test_enrolled_officer_must_give_a_valid_code(client: Client, alice: User) -> None:
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    page = client.get("/accounts/second-factor/")
    assert b"Set up" not in page.content

    rejected = client.post("/accounts/second-factor/", {"token": "12345"})
    assert b"Enter the 6-digit code." in rejected.content
    assert client.get("/")["Location"] == "/accounts/second-factor/"

    accepted = client.post("/accounts/second-factor/", {"token": current_code(device)})
    assert accepted.status_code == 302
    assert client.get("/").status_code == 200


def test_login_and_second_factor_are_audited(client: Client, alice: User) -> None:
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    client.post("/accounts/login/", {"username": "alice", "password": "wrong password!"})
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    client.post("/accounts/second-factor/", {"token": current_code(device)})
    client.post("/accounts/logout/")
    events = list(
        AuditEvent.objects.filter(action__startswith="auth.")
        .order_by("id")
        .values_list("action", "outcome", "object_id")
    )
    assert events == [
        ("auth.login", "failed", "alice"),
        ("auth.login", "ok", str(alice.code)),
        ("auth.second_factor", "ok", str(alice.code)),
        ("auth.logout", "ok", str(alice.code)),
    ]
    assert AuditEvent.objects.filter(action="auth.login", client_ip="127.0.0.1").count() == 2


def test_repeated_failures_lock_the_account_for_a_while(
    client: Client, alice: User, settings: object
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(5):
            client.post("/accounts/login/", {"username": "alice", "password": "wrong password!"})
        locked = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
        assert locked.status_code == 200
        assert b"Too many failed attempts" in locked.content
        assert AuditEvent.objects.filter(action="auth.login", outcome="denied").count() == 1
        clock.shift(16 * 60)
        unlocked = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
        assert unlocked.status_code == 302


def test_open_redirects_are_refused(client: Client, alice: User) -> None:
    device = TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    client.post(
        "/accounts/login/?next=https://evil.example/", {"username": "alice", "password": PASSWORD}
    )
    response = client.post("/accounts/second-factor/", {"token": current_code(device)})
    assert response["Location"] == "/"


def test_logout_requires_post(verified_client: Callable[[User], Client], alice: User) -> None:
    client = verified_client(alice)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302
