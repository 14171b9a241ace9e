"""``/api/v1/providers``: a provider's own systems list orders and upload responses."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from hanoinet.node.accounts.models import User
from hanoinet.node.evidence.models import EvidenceItem, LedgerLeaf
from hanoinet.node.providers.models import ProviderOrder, ProviderResponse, ServiceProvider
from tests.node.api.test_api import bearer

pytestmark = pytest.mark.django_db


def file(name: str, content: bytes) -> io.BytesIO:
    stream = io.BytesIO(content)
    stream.name = name
    return stream


def test_it_works(client: Client, van: User, order: ProviderOrder, evidence_dir: Path) -> None:
    headers = bearer(van)
    listed = client.get("/api/v1/providers/orders", headers=headers).json()
    assert [(o["code"], o["kind"], o["article"], o["overdue"]) for o in listed] == [
        (str(order.code), "preserve", 42, False)
    ]
    acknowledged = client.post(
        f"/api/v1/providers/orders/{order.code}/acknowledge", headers=headers
    )
    assert acknowledged.json()["status"] == "acknowledged"
    answer = client.post(
        f"/api/v1/providers/orders/{order.code}/responses",
        {"statement": "Preserved.", "files": [file("a.csv", b"a,b\n1,2\n"), file("b.txt", b"log")]},
        headers=headers,
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert sorted(i["filename"] for i in body["items"]) == ["a.csv", "b.txt"]
    item = EvidenceItem.objects.get(filename="a.csv")
    assert item.source == "provider_response"
    assert set(LedgerLeaf.objects.filter(item=item).values_list("kind", flat=True)) == {
        "acquired",
        "hashed",
        "sealed",
    }
    detail = client.get(f"/api/v1/providers/orders/{order.code}", headers=headers).json()
    assert detail["status"] == "answered"
    assert len(detail["responses"]) == 1


def test_it_requires_a_token(client: Client, order: ProviderOrder) -> None:
    assert client.get("/api/v1/providers/orders").status_code == 401


def test_it_checks_access(
    client: Client, phuong: User, poc: User, order: ProviderOrder, evidence_dir: Path
) -> None:
    other = bearer(phuong)
    assert client.get("/api/v1/providers/orders", headers=other).json() == []
    assert client.get(f"/api/v1/providers/orders/{order.code}", headers=other).status_code == 404
    answer = client.post(
        f"/api/v1/providers/orders/{order.code}/responses",
        {"statement": "x", "files": [file("a.csv", b"a")]},
        headers=other,
    )
    assert answer.status_code == 404
    assert client.get("/api/v1/providers/orders", headers=bearer(poc)).status_code == 403
    assert not ProviderResponse.objects.exists()


def test_it_rejects_bad_input(
    client: Client, van: User, order: ProviderOrder, evidence_dir: Path
) -> None:
    headers = bearer(van)
    url = f"/api/v1/providers/orders/{order.code}/responses"
    answer = client.post(url, {}, headers=headers)
    assert answer.status_code == 400
    assert "write a statement" in answer.json()["detail"]
    answer = client.post(
        url, {"statement": "x", "files": [file("x.exe", b"MZ\x00\x00")]}, headers=headers
    )
    assert answer.status_code == 400
    assert not EvidenceItem.objects.exists()
    assert (
        client.post(
            f"/api/v1/providers/orders/{order.code}/acknowledge", headers=headers
        ).status_code
        == 200
    )
    assert (
        client.post(
            f"/api/v1/providers/orders/{order.code}/acknowledge", headers=headers
        ).status_code
        == 409
    )


def test_provider_add_registers_a_provider_and_its_unit(db: None) -> None:
    out = io.StringIO()
    call_command("provider_add", "Viettel Telecom", "--country", "vnm", stdout=out)
    provider = ServiceProvider.objects.get()
    assert (provider.country, provider.unit.kind, provider.unit.name) == (
        "VNM",
        "service_provider",
        "Viettel Telecom",
    )
    assert "provider_liaison" in out.getvalue()
    with pytest.raises(CommandError, match="exists already"):
        call_command("provider_add", "Viettel Telecom", "--country", "VNM")
    with pytest.raises(CommandError, match="three letters"):
        call_command("provider_add", "Mobifone", "--country", "Viet Nam")
