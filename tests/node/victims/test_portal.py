"""The public victim portal: report without an account, come back with the reference and
secret, see only what officers shared; abuse controls."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from hanoinet.node.accounts.models import User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.models import AuditEvent
from hanoinet.node.evidence.models import EvidenceItem, LedgerLeaf
from hanoinet.node.victims.models import ReportedIdentifier, StatusUpdate, VictimReport

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
WALLET = "0x52908400098527886E0F7030069857D2E4169EE7"


def form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "category": "investment_scam",
        "what_happened": "Một người trên Telegram mời tôi đầu tư vào nền tảng tiền ảo.",
        "happened_on": "2026-10-01",
        "amount": "120.000.000",
        "currency": "vnd",
        "payment": "crypto",
        "transaction_hash": "",
        "phones": "0912 345 678",
        "emails": "",
        "websites": "https://invest-vip-88.com/login",
        "social": "",
        "wallets": WALLET,
        "banks": "",
        "contact": "email",
        "contact_name": "Nguyễn Thị Lan",
        "contact_email": "lan@example.vn",
        "contact_phone": "",
        "consent": "on",
        "website_url": "",
    }
    data.update(overrides)
    return data


def submit(client: Client, **overrides: object) -> tuple[str, str]:
    response = client.post("/report/", form(**overrides), HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200, response.content.decode()[:2000]
    page = response.content.decode()
    reference = re.search(r"VR-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", page)
    secret = re.search(r"[0-9A-Z]{6}-[0-9A-Z]{6}-[0-9A-Z]{6}-[0-9A-Z]{6}-[0-9A-Z]{2}", page)
    assert reference
    assert secret
    return reference.group(0), secret.group(0)


def test_a_victim_reports_without_an_account_in_vietnamese() -> None:
    client = Client()
    page = client.get("/report/", HTTP_ACCEPT_LANGUAGE="vi")
    assert page.status_code == 200
    assert 'lang="vi"' in page.content.decode()
    reference, _secret = submit(client)
    report = VictimReport.objects.get(reference=reference)
    assert report.language == "vi"
    assert report.offence == "art13"
    assert str(report.amount) == "120000000.00"
    assert report.currency == "VND"
    keys = set(report.identifiers.values_list("link_key", flat=True))
    assert "phone:+84912345678" in keys
    assert "domain:invest-vip-88.com" in keys
    assert any(key.startswith("wallet:") for key in keys)
    assert AuditEvent.objects.filter(action="victim.report", object_id=str(report.code)).exists()


def test_an_invalid_identifier_is_kept_raw_and_flagged() -> None:
    reference, _ = submit(Client(), phones="12", wallets="0xnot-a-wallet")
    rows = ReportedIdentifier.objects.filter(report__reference=reference)
    phone = rows.get(kind="phone")
    assert phone.raw == "12"
    assert not phone.valid
    assert phone.problem
    assert phone.link_key == ""
    assert rows.get(kind="wallet").raw == "0xnot-a-wallet"


def test_missing_answers_are_named_and_nothing_is_stored() -> None:
    response = Client().post("/report/", form(what_happened="", consent="", amount="lots"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "what_happened" in page  # the field with its error is on the page again
    assert VictimReport.objects.count() == 0


def test_script_in_every_text_field_is_escaped_for_officers(
    make_user: Callable[..., User], verified_client: Callable[[User], Client]
) -> None:
    script = "<script>alert(1)</script>"
    reference, _ = submit(
        Client(), what_happened=script, contact_name=script, phones=script, social=script
    )
    report = VictimReport.objects.get(reference=reference)
    officer = make_user("vera", None, [Role.VICTIM_SUPPORT])
    page = verified_client(officer).get(f"/victims/{report.code}/").content.decode()
    assert script not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_honeypot_drops_the_report_silently_but_logs_it() -> None:
    response = Client().post("/report/", form(website_url="http://spam.example"))
    assert response.status_code == 200
    assert VictimReport.objects.count() == 0
    assert AuditEvent.objects.filter(
        action="victim.report", reason="honeypot field filled"
    ).exists()


@override_settings(HANOINET_PORTAL_REPORTS_PER_HOUR=2)
def test_a_flood_from_one_address_is_stopped() -> None:
    client = Client()
    submit(client)
    submit(client)
    response = client.post("/report/", form())
    assert response.status_code == 429
    assert VictimReport.objects.count() == 2


def test_files_go_to_the_evidence_store_with_custody() -> None:
    upload = SimpleUploadedFile("tin-nhan.png", PNG, content_type="image/png")
    reference, _ = submit(Client(), attachments=upload)
    report = VictimReport.objects.get(reference=reference)
    item = report.files.get().item
    assert item.source == EvidenceItem.Source.VICTIM_UPLOAD
    assert item.media_type == "image/png"
    assert set(LedgerLeaf.objects.filter(item=item).values_list("kind", flat=True)) >= {
        "acquired",
        "hashed",
        "sealed",
    }


def test_a_mislabelled_upload_is_refused_and_nothing_is_stored() -> None:
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00\x03" + b"\x00" * 100, "image/png")
    response = Client().post("/report/", form(attachments=fake))
    assert response.status_code == 400
    assert "photo.png" in response.content.decode()
    assert VictimReport.objects.count() == 0
    assert EvidenceItem.objects.count() == 0


@override_settings(HANOINET_PORTAL_MAX_FILE_BYTES=1024)
def test_an_oversized_upload_is_refused() -> None:
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * 2048, "image/png")
    response = Client().post("/report/", form(attachments=big))
    assert response.status_code == 400
    assert VictimReport.objects.count() == 0


def test_the_victim_comes_back_and_sees_only_what_was_shared(
    make_user: Callable[..., User],
) -> None:
    reference, secret = submit(Client())
    report = VictimReport.objects.get(reference=reference)
    officer = make_user("vera", None, [Role.VICTIM_SUPPORT])
    from hanoinet.node.victims.actions import do_share_update
    from tests.conftest import actor_for

    do_share_update(actor_for(officer), [report], "request_sent", state="KHM")
    victim = Client()
    response = victim.post(
        "/report/follow/", {"reference": reference.lower(), "secret": secret}, follow=True
    )
    page = response.content.decode()
    assert reference in page
    assert "KHM" in page
    # What the officer did not share (notes, the contact, other reports) is not there.
    assert "lan@example.vn" not in page


def test_a_wrong_secret_and_an_unknown_reference_look_the_same() -> None:
    reference, _secret = submit(Client())
    victim = Client()
    wrong = victim.post("/report/follow/", {"reference": reference, "secret": "AAAAAA"})
    unknown = victim.post("/report/follow/", {"reference": "VR-0000-0000-0000", "secret": "AAAAAA"})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.content.decode().count("do not match") == 1
    assert unknown.content.decode().count("do not match") == 1
    assert victim.get("/report/status/").status_code == 302


@override_settings(HANOINET_LOGIN_MAX_FAILURES=3)
def test_guessing_references_is_throttled() -> None:
    victim = Client()
    for _ in range(3):
        victim.post("/report/follow/", {"reference": "VR-0000-0000-0000", "secret": "X"})
    assert victim.post("/report/follow/", {"reference": "x", "secret": "y"}).status_code == 429


def test_the_victim_adds_information_and_a_new_identifier_links() -> None:
    first, _ = submit(Client(), wallets="", websites="", phones="0987 654 321")
    second, secret = submit(Client(), phones="0911 111 111", wallets="", websites="")
    victim = Client()
    victim.post("/report/follow/", {"reference": second, "secret": secret})
    response = victim.post(
        "/report/status/",
        {"text": "Họ gọi lại từ số khác", "phones": "0987654321"},
    )
    assert response.status_code == 302
    report = VictimReport.objects.get(reference=second)
    assert report.additions.get().text == "Họ gọi lại từ số khác"
    assert report.membership.cluster == VictimReport.objects.get(reference=first).membership.cluster
    page = victim.get("/report/status/").content.decode()
    assert "1" in page
    assert "linked" in page.lower()


def test_officer_screens_need_a_reading_role(
    mallory: User, make_user: Callable[..., User], verified_client: Callable[[User], Client]
) -> None:
    reference, _ = submit(Client())
    report = VictimReport.objects.get(reference=reference)
    assert verified_client(mallory).get("/victims/").status_code == 403
    assert verified_client(mallory).get(f"/victims/{report.code}/").status_code == 404
    vera = make_user("vera", None, [Role.VICTIM_SUPPORT])
    client = verified_client(vera)
    assert reference in client.get("/victims/").content.decode()
    assert client.get(f"/victims/{report.code}/").status_code == 200
    assert AuditEvent.objects.filter(action="victim.read", object_id=str(report.code)).exists()


def test_victim_support_adds_notes_and_triage(
    make_user: Callable[..., User], verified_client: Callable[[User], Client]
) -> None:
    reference, _ = submit(Client())
    report = VictimReport.objects.get(reference=reference)
    vera = make_user("vera", None, [Role.VICTIM_SUPPORT])
    client = verified_client(vera)
    client.post(f"/victims/{report.code}/note/", {"kind": "referral", "text": "Hotline 111"})
    client.post(f"/victims/{report.code}/triage/", {"triage": "supported"})
    client.post(f"/victims/{report.code}/share/", {"kind": "referred", "state": ""})
    report.refresh_from_db()
    assert report.triage == "supported"
    assert report.notes.get().kind == "referral"
    assert StatusUpdate.objects.filter(report=report, kind="referred").exists()
    # An update naming a State needs the State.
    client.post(f"/victims/{report.code}/share/", {"kind": "funds_frozen", "state": ""})
    assert not StatusUpdate.objects.filter(report=report, kind="funds_frozen").exists()
