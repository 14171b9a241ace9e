"""The evidence pages: an officer takes an item in, sees its chain of custody, verifies
and downloads it (with a reason); roles without case work see nothing."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from hanoinet.node.accounts.models import Unit, User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.evidence.models import EvidenceItem

pytestmark = pytest.mark.django_db


def test_take_in_see_the_custody_verify_and_download(
    make_user: Callable[..., User],
    verified_client: Callable[[User], Client],
    evidence_dir: Path,
) -> None:
    unit = Unit.objects.create(name="Cyber unit", kind=Unit.Kind.POINT_OF_CONTACT)
    browser = verified_client(make_user("an", unit, [Role.INVESTIGATOR]))
    assert 'href="/evidence/"' in browser.get("/").content.decode()
    upload = io.BytesIO(b"wallet export TXYZ" * 100)
    upload.name = "wallet.csv"
    page = browser.post(
        "/evidence/",
        {
            "file": upload,
            "description": "Wallet export",
            "source": "seizure",
            "acquired_by": "Inspector Tran",
            "exhibit_number": "EX-7",
            "method": "export",
        },
        follow=True,
    ).content.decode()
    item = EvidenceItem.objects.get()
    assert "The item is stored, encrypted, with its custody events." in page
    for kind in ("acquired", "hashed", "sealed"):
        assert f"<strong>{kind}</strong>" in page
    assert item.digest in page
    page = browser.post(f"/evidence/{item.code}/", follow=True).content.decode()
    assert "Verified: every chunk intact, SHA-256 matches." in page
    no_reason = browser.get(f"/evidence/{item.code}/content", follow=True).content.decode()
    assert "say why the item is opened" in no_reason
    download = browser.get(f"/evidence/{item.code}/content?reason=copy+for+court")
    assert b"".join(download.streaming_content) == b"wallet export TXYZ" * 100  # type: ignore[attr-defined]
    page = browser.get(f"/evidence/{item.code}/").content.decode()
    assert "<strong>opened</strong>" in page
    assert "copy for court" in page
    # A bad upload is named and nothing is stored.
    page = browser.post("/evidence/", {"description": "x", "source": "seizure"}).content.decode()
    assert "Choose a file." in page
    assert EvidenceItem.objects.count() == 1


def test_an_auditor_sees_no_evidence(
    make_user: Callable[..., User], verified_client: Callable[[User], Client], evidence_dir: Path
) -> None:
    browser = verified_client(make_user("audit", None, [Role.AUDITOR]))
    assert browser.get("/evidence/").status_code == 403
    assert 'href="/evidence/"' not in browser.get("/").content.decode()


def test_a_file_named_in_vietnamese_downloads(
    make_user: Callable[..., User],
    verified_client: Callable[[User], Client],
    evidence_dir: Path,
) -> None:
    unit = Unit.objects.create(name="Cyber unit", kind=Unit.Kind.POINT_OF_CONTACT)
    browser = verified_client(make_user("an", unit, [Role.INVESTIGATOR]))
    upload = io.BytesIO(b"screenshot")
    upload.name = "ảnh chụp màn hình.png"
    browser.post(
        "/evidence/",
        {
            "file": upload,
            "description": "Screenshot",
            "source": "victim_upload",
            "acquired_by": "Victim support desk",
        },
    )
    item = EvidenceItem.objects.get()
    download = browser.get(f"/evidence/{item.code}/content?reason=review")
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith('.png"')
    assert b"".join(download.streaming_content) == b"screenshot"  # type: ignore[attr-defined]


def test_the_custody_picture_and_a_court_bundle_to_download(
    make_user: Callable[..., User],
    verified_client: Callable[[User], Client],
    evidence_dir: Path,
    tmp_path: Path,
) -> None:
    from hanoinet.core.bundle import verify_bundle
    from hanoinet.core.evidence.transfer import unpack
    from hanoinet.node.evidence.actions import do_ingest_item
    from hanoinet.node.evidence.models import LedgerLeaf
    from tests.conftest import actor_for

    unit = Unit.objects.create(name="Cyber unit", kind=Unit.Kind.POINT_OF_CONTACT)
    officer = make_user("an", unit, [Role.INVESTIGATOR])
    item = do_ingest_item(
        actor_for(officer),
        io.BytesIO(b"chat log" * 500),
        filename="chat.txt",
        description="Chat log",
        source_kind="seizure",
        acquired_by="an",
        exhibit_number="EX-9",
    )
    browser = verified_client(officer)
    page = browser.get(f"/evidence/{item.code}/").content.decode()
    assert page.count('<circle cx="20"') == 3  # acquired, hashed, sealed
    assert "The chain of custody: 3 events" in page
    refused = browser.post(f"/evidence/{item.code}/bundle", {"reason": " "}, follow=True)
    assert "No bundle" in refused.content.decode()
    download = browser.post(f"/evidence/{item.code}/bundle", {"reason": "for the court"})
    assert download["Content-Type"] == "application/x-tar"
    archive = tmp_path / "bundle.tar"
    archive.write_bytes(b"".join(download.streaming_content))  # type: ignore[attr-defined]
    unpack(archive, tmp_path / "bag")
    assert verify_bundle(tmp_path / "bag").ok
    assert LedgerLeaf.objects.filter(item=item, kind="exported").count() == 1
    assert '<rect x="12"' in browser.get(f"/evidence/{item.code}/").content.decode()
