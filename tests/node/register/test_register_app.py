"""The register on a node: secretariat editing and publishing, node import, browsing."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from hanoinet.core.keys import generate_node_keys, load_node_keys, write_node_keys
from hanoinet.core.register.model import (
    Authority,
    ConventionStatus,
    NodeEntry,
    PublishedKey,
    Register,
    StateEntry,
)
from hanoinet.core.register.trust import public_jwk, sign_register
from hanoinet.node.accounts.models import Unit, User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.actor import system_actor
from hanoinet.node.audit.models import AuditEvent
from hanoinet.node.register import actions
from hanoinet.node.register.fetch import Bundle
from hanoinet.node.register.jobs import refresh_register
from hanoinet.node.register.models import RegisterDocument, RegisterImport, RegisterState
from tests.conftest import actor_for

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]
NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


@pytest.fixture
def keys_dir(settings: Settings, tmp_path: Path) -> Path:
    write_node_keys(generate_node_keys(), tmp_path / "keys")
    settings.HANOINET_KEYS_DIR = tmp_path / "keys"
    return tmp_path / "keys"


@pytest.fixture
def nadia(make_user: Callable[..., User], db: None) -> User:
    unit = Unit.objects.create(name="Administration", kind=Unit.Kind.ADMINISTRATION)
    return make_user("nadia", unit, [Role.NODE_ADMIN])


@pytest.fixture
def secretariat_mode(settings: Settings, keys_dir: Path) -> Settings:
    settings.HANOINET_MODE = "secretariat"
    settings.HANOINET_STATE = ""
    return settings


def cambodia() -> StateEntry:
    keys = generate_node_keys()
    sig = keys.signing_public_jwk()
    return StateEntry(
        code="KHM",
        name="Cambodia",
        status=ConventionStatus(signed_on=date(2025, 10, 25)),
        languages=("en", "km"),
        authorities=(
            Authority(kind="point_of_contact", name="Cybercrime Department", phone="+855 1"),
        ),
        node=NodeEntry(
            endpoint="https://khm.example/",
            protocols=("hanoinet/1",),
            capabilities=("preservation",),
            keys=(PublishedKey(kid=sig["kid"], use="sig", x=sig["x"], valid_from=NOW),),
        ),
    )


def signed(
    serial: int,
    key: Ed25519PrivateKey,
    *,
    states: tuple[StateEntry, ...],
    days: int = 30,
    issued: datetime = NOW,
) -> str:
    issued = issued.replace(microsecond=0)
    register = Register(serial, issued, issued + timedelta(days=days), states)
    return sign_register(register, key)


# --- secretariat -----------------------------------------------------------------------


def test_secretariat_edits_and_publishes(
    secretariat_mode: Settings, verified_client: ClientFor, nadia: User, client: Client
) -> None:
    admin = verified_client(nadia)
    form = {
        "name": "Viet Nam",
        "signed_on": "2025-10-25",
        "consent_kind": "",
        "languages": "vi, en",
        "interpol_channel": "on",
        "reason": "notification of 2025-10-25",
    }
    assert admin.post("/register/VNM/edit/", form)["Location"] == "/register/VNM/"
    state = RegisterState.objects.get(code="VNM")
    assert (state.languages, state.interpol_channel) == (["en", "vi"], True)

    assert admin.post("/register/publish/")["Location"] == "/register/history/"
    document = RegisterDocument.objects.get()
    assert document.serial == 1
    assert document.changes == [{"state": "VNM", "what": "state", "change": "added"}]

    served = client.get("/.well-known/hanoinet/register")
    assert served.status_code == 200
    assert served.json()["register"] == document.token
    assert served.json()["key_rotations"] == []
    events = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"register.state_save", "register.publish"} <= events


def test_the_edit_form_names_bad_input(
    secretariat_mode: Settings, verified_client: ClientFor, nadia: User
) -> None:
    admin = verified_client(nadia)
    page = admin.post(
        "/register/VNM/edit/",
        {
            "name": "Viet Nam",
            "languages": "vi, Vietnamese",
            "consent_kind": "ratification",
            "reason": "x",
        },
    )
    assert b"Not a language code: Vietnamese" in page.content
    assert b"Give both the kind and the date" in page.content
    assert not RegisterState.objects.exists()
    assert admin.get("/register/XYZ/edit/").status_code == 403  # not an ISO 3166 State


def test_only_secretariat_admins_edit(
    secretariat_mode: Settings, verified_client: ClientFor, alice: User
) -> None:
    officer = verified_client(alice)
    assert officer.get("/register/VNM/edit/").status_code == 403
    assert officer.post("/register/publish/").status_code == 403
    assert not RegisterDocument.objects.exists()


def test_a_node_does_not_edit_or_serve_the_register(
    keys_dir: Path, verified_client: ClientFor, nadia: User, client: Client
) -> None:
    assert verified_client(nadia).get("/register/VNM/edit/").status_code == 403
    assert client.get("/.well-known/hanoinet/register").status_code == 404


def test_node_description_is_public(keys_dir: Path, client: Client) -> None:
    description = client.get("/.well-known/hanoinet/node").json()
    assert description["state"] == "VNM"
    signing = load_node_keys(keys_dir).signing_public_jwk()
    assert signing in description["keys"]


def test_rotation_is_announced_with_the_register(
    secretariat_mode: Settings,
    keys_dir: Path,
    client: Client,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    actor = system_actor("test")
    old_kid = load_node_keys(keys_dir).signing_key_id()
    actions.do_save_state(actor, cambodia())
    actions.do_publish_register(actor)
    with django_capture_on_commit_callbacks(execute=True):
        rotation = actions.do_rotate_secretariat_key(actor)
    assert rotation.old_kid == old_kid
    assert load_node_keys(keys_dir).signing_key_id() == rotation.new_kid
    assert (keys_dir / f"retired-{old_kid}.pem").exists()
    second = actions.do_publish_register(actor)
    assert second.signer_kid == rotation.new_kid
    assert client.get("/.well-known/hanoinet/register").json()["key_rotations"] == [rotation.token]


# --- node --------------------------------------------------------------------------------


@pytest.fixture
def secretariat_key(db: None) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    actions.do_trust_secretariat_key(system_actor("test"), public_jwk(key))
    return key


def test_a_node_imports_and_keeps_the_last_good_copy(secretariat_key: Ed25519PrivateKey) -> None:
    actor = system_actor("test")
    first = actions.do_import_register(
        actor, Bundle(signed(1, secretariat_key, states=(cambodia(),))), source="file", now=NOW
    )
    assert (first.outcome, first.serial) == ("accepted", 1)
    assert RegisterState.objects.get(code="KHM").endpoint == "https://khm.example/"

    expired = actions.do_import_register(
        actor,
        Bundle(signed(2, secretariat_key, states=(), days=1)),
        source="file",
        now=NOW + timedelta(days=2),
    )
    assert expired.outcome == "refused"
    assert expired.error is not None
    assert expired.error.code == "expired"
    assert RegisterState.objects.filter(code="KHM").exists()  # the copy in force stays

    impostor = Ed25519PrivateKey.generate()
    forged = actions.do_import_register(
        actor, Bundle(signed(3, impostor, states=())), source="file", now=NOW
    )
    assert forged.error is not None
    assert forged.error.code == "unknown_signer"
    assert list(RegisterImport.objects.values_list("outcome", "code").order_by("id")) == [
        ("accepted", ""),
        ("refused", "expired"),
        ("refused", "unknown_signer"),
    ]
    assert AuditEvent.objects.filter(action="register.import", outcome="failed").count() == 2
    assert RegisterDocument.objects.count() == 1


def test_the_refresh_job_follows_the_secretariat_url(
    secretariat_key: Ed25519PrivateKey, settings: Settings, tmp_path: Path
) -> None:
    settings.HANOINET_REGISTER_URL = str(tmp_path / "bundle.json")
    assert refresh_register() == 0  # unreachable source: logged, nothing changes
    assert RegisterImport.objects.get().code == "unreachable"
    # The job imports at the real clock, so the document is issued now.
    token = signed(1, secretariat_key, states=(cambodia(),), issued=timezone.now())
    (tmp_path / "bundle.json").write_text(json.dumps({"register": token, "key_rotations": []}))
    assert refresh_register() == 1
    assert RegisterState.objects.filter(code="KHM").exists()
    assert refresh_register() == 0  # the same serial again: unchanged
    assert RegisterImport.objects.latest("id").outcome == "unchanged"


# --- officers ----------------------------------------------------------------------------


@pytest.fixture
def register_in_force(secretariat_key: Ed25519PrivateKey) -> None:
    vnm = StateEntry(code="VNM", name="Viet Nam", languages=("en", "vi"))
    result = actions.do_import_register(
        system_actor("test"),
        Bundle(signed(1, secretariat_key, states=(cambodia(), vnm))),
        source="file",
        now=NOW,
    )
    assert result.outcome == "accepted"


def test_officers_browse_and_search(
    register_in_force: None, verified_client: ClientFor, alice: User
) -> None:
    client = verified_client(alice)
    page = client.get("/register/")
    assert b"Cambodia" in page.content
    assert b"Register serial 1" in page.content
    only_khmer = client.get("/register/", {"language": "km"})
    assert b"KHM" in only_khmer.content
    assert b"/register/VNM/" not in only_khmer.content
    by_capability = client.get("/register/", {"capability": "preservation"})
    assert b"/register/KHM/" in by_capability.content
    assert b"/register/VNM/" not in by_capability.content
    bad = client.get("/register/", {"language": "Khmer!"})
    assert b"Use a language code" in bad.content
    detail = client.get("/register/KHM/")
    assert b"Cybercrime Department" in detail.content
    assert b"https://khm.example/" in detail.content
    assert client.get("/register/FRA/").status_code == 404
    french = client.get("/register/", headers={"accept-language": "fr"})
    assert b"Cambodge" in french.content


def test_exports(register_in_force: None, verified_client: ClientFor, alice: User) -> None:
    client = verified_client(alice)
    exported = json.loads(
        b"".join(client.get("/register/export.json").streaming_content)
        if False
        else client.get("/register/export.json").content
    )
    assert [entry["code"] for entry in exported] == ["KHM", "VNM"]
    csv_text = client.get("/register/export.csv").content.decode()
    assert csv_text.splitlines()[0].startswith("state,name,signed_on")
    assert "KHM,Cambodia,2025-10-25" in csv_text
    assert client.get("/register/export.xml/").status_code == 404  # only csv and json
    assert AuditEvent.objects.filter(action="register.export").count() == 2


def test_history_is_for_administrators(
    register_in_force: None, verified_client: ClientFor, alice: User, nadia: User
) -> None:
    assert verified_client(alice).get("/register/history/").status_code == 403
    page = verified_client(nadia).get("/register/history/")
    assert b"KHM state (added)" in page.content


def test_register_api(register_in_force: None, client: Client, alice: User, nadia: User) -> None:
    from hanoinet.node.accounts.actions import do_create_api_token

    _, raw = do_create_api_token(actor_for(alice), alice, name="t", days=1)
    headers = {"Authorization": f"Bearer {raw}"}
    states = client.get("/api/v1/register/states", {"language": "km"}, headers=headers).json()
    assert [s["code"] for s in states] == ["KHM"]
    assert (
        client.get("/api/v1/register/states/KHM", headers=headers).json()["node"]["endpoint"]
        == "https://khm.example/"
    )
    # Editing is for the secretariat only.
    put = client.put(
        "/api/v1/register/states/KHM",
        {"code": "KHM", "name": "x"},
        content_type="application/json",
        headers=headers,
    )
    assert put.status_code == 403


def test_register_api_on_the_secretariat_names_bad_fields(
    secretariat_mode: Settings, client: Client, nadia: User
) -> None:
    from hanoinet.node.accounts.actions import do_create_api_token

    _, raw = do_create_api_token(actor_for(nadia), nadia, name="t", days=1)
    headers = {"Authorization": f"Bearer {raw}"}
    bad = client.put(
        "/api/v1/register/states/KHM",
        {"code": "KHM", "name": "Cambodia", "languages": ["Khmer"]},
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code == 400
    assert bad.json()["error"] == "state.languages[0]: 'Khmer' is not a language code"
    mismatch = client.put(
        "/api/v1/register/states/KHM",
        {"code": "VNM", "name": "x"},
        content_type="application/json",
        headers=headers,
    )
    assert "does not match the URL" in mismatch.json()["error"]
    good = client.put(
        "/api/v1/register/states/KHM?reason=test",
        {"code": "KHM", "name": "Cambodia"},
        content_type="application/json",
        headers=headers,
    )
    assert good.status_code == 200
    published = client.post("/api/v1/register/publish", headers=headers)
    assert published.status_code == 201
    assert published.json()["serial"] == 1
