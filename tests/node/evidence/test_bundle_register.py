"""A court bundle carries the signed register this node accepted (or, on the secretariat,
published) and the secretariat keys it trusts: ``verify_bundle`` ties the log key and
every receipt key to its State with nothing but the folder."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from hanoinet.core.bundle import verify_bundle
from hanoinet.core.keys import generate_node_keys
from hanoinet.core.register.court import KEYS_IN_REGISTER, REGISTER, fingerprint
from hanoinet.core.register.model import Register
from hanoinet.core.register.trust import public_jwk, sign_register
from hanoinet.node.accounts.models import User
from hanoinet.node.audit.actor import system_actor
from hanoinet.node.evidence.bundle import do_build_bundle
from hanoinet.node.evidence.models import EvidenceItem
from hanoinet.node.register import actions, convert
from hanoinet.node.register.fetch import Bundle
from hanoinet.node.register.models import RegisterKey
from tests.conftest import actor_for
from tests.node.evidence.test_bundle_receipts import sent_and_confirmed
from tests.node.evidence.test_transfer import item, poc  # noqa: F401 - fixtures
from tests.node.federation.conftest import Peer

pytestmark = pytest.mark.django_db


def import_register(secretariat: Ed25519PrivateKey, serial: int = 3) -> str:
    """The secretariat signs the register as this node already holds it (KHM and VNM with
    their node keys); the node pins the secretariat's key and imports the document."""
    actor = system_actor("test")
    actions.do_trust_secretariat_key(actor, public_jwk(secretariat))
    now = timezone.now().replace(microsecond=0)
    register = Register(
        serial=serial,
        issued_at=now,
        expires_at=now + timedelta(days=30),
        states=tuple(convert.entries_in_force()),
    )
    token = sign_register(register, secretariat)
    result = actions.do_import_register(actor, Bundle(token), source="test")
    assert result.outcome == "accepted", result.error
    return token


def test_a_bundle_of_items_that_crossed_a_border_ties_its_keys_to_states(
    client: Client,
    khm: Peer,
    poc: User,  # noqa: F811
    item: EvidenceItem,  # noqa: F811
    tmp_path: Path,
) -> None:
    sent_and_confirmed(client, khm, poc, item)
    secretariat = Ed25519PrivateKey.generate()
    document = import_register(secretariat)

    bag = do_build_bundle(actor_for(poc), [item], tmp_path / "court", "for the court")
    assert (bag / "hanoinet/register.jws").read_text() == document
    signers = json.loads((bag / "hanoinet/register-signers.json").read_text())
    assert signers == {"signers": [public_jwk(secretariat)], "rotations": []}
    report = verify_bundle(bag, require_register=True)
    assert report.ok, report.text()
    detail = {c.name: c.detail for c in report.checks}
    assert "serial 3 issued" in detail[REGISTER]
    assert fingerprint(public_jwk(secretariat)["x"]) in detail[REGISTER]
    # VNM's log key; KHM's receipt of the offer; our receipt of KHM's confirmation and
    # KHM's signature on it.
    assert detail[KEYS_IN_REGISTER] == "4 key uses checked against register serial 3"


def test_a_key_the_register_does_not_give_fails_by_name(
    khm: Peer,
    item: EvidenceItem,  # noqa: F811
    poc: User,  # noqa: F811
    tmp_path: Path,
) -> None:
    """The register the secretariat signed gives Viet Nam another node key than the one
    our log signs with (say, ours was replaced without telling it): the court is told
    which key and why."""
    other = generate_node_keys().signing_public_jwk()
    RegisterKey.objects.filter(state__code="VNM", use=RegisterKey.Use.SIGNING).update(
        kid=other["kid"], x=other["x"]
    )
    import_register(Ed25519PrivateKey.generate())
    bag = do_build_bundle(actor_for(poc), [item], tmp_path / "court", "for the court")
    failed = {c.name: c.detail for c in verify_bundle(bag).checks if not c.ok}
    assert failed == {
        KEYS_IN_REGISTER: f"log key hanoinet.vnm/custody (VNM, key {khm.vnm.signing_key_id()}): "
        "unknown kid, not in the register"
    }


def test_the_secretariat_bundles_the_register_it_published(
    khm: Peer,
    item: EvidenceItem,  # noqa: F811
    poc: User,  # noqa: F811
    settings: Settings,
    tmp_path: Path,
) -> None:
    settings.HANOINET_MODE = "secretariat"
    published = actions.do_publish_register(system_actor("test"))
    bag = do_build_bundle(actor_for(poc), [item], tmp_path / "court", "for the court")
    assert (bag / "hanoinet/register.jws").read_text() == published.token
    report = verify_bundle(bag, require_register=True)
    assert report.ok, report.text()
    assert f"signed by secretariat key {published.signer_kid}" in report.text()
