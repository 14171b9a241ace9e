"""Node key rotation: old keys keep working for what they covered, and only that."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from hanoinet.core.keys import generate_node_keys, rotate_node_keys
from hanoinet.node.federation.keyring import forget_own_keys
from hanoinet.node.register.models import RegisterKey
from tests.node.federation.conftest import Peer, register_node

pytestmark = pytest.mark.django_db
INBOX = "/federation/v1/inbox"


def post(client: Client, token: str) -> dict[str, object]:
    response = client.post(INBOX, data=token, content_type="application/jose")
    return {"status": response.status_code, **json.loads(response.content)}


def test_envelopes_sealed_to_our_retired_key_still_open(
    client: Client, khm: Peer, settings: object
) -> None:
    old = khm.vnm
    rotate_node_keys(Path(settings.HANOINET_KEYS_DIR))  # type: ignore[attr-defined]
    forget_own_keys()
    khm.vnm = old  # Cambodia has not imported the new register yet
    _message, token = khm.envelope()
    assert post(client, token)["status"] == 200


def test_a_peer_s_old_key_verifies_only_what_it_signed_before_its_end(
    client: Client, khm: Peer
) -> None:
    old_keys = khm.keys
    now = timezone.now()
    # Cambodia rotated an hour ago: the register ends its old key and lists the new one.
    RegisterKey.objects.filter(state__code="KHM", kid=old_keys.signing_key_id()).update(
        valid_until=now - timedelta(hours=1)
    )
    new_keys = generate_node_keys()
    register_node("KHM", new_keys, "http://khm.test", since=now - timedelta(hours=1))

    # Signed with the old key two hours ago (it was in transit): still verifies.
    _m, before = khm.envelope(now=now - timedelta(hours=2))
    assert post(client, before)["status"] == 200
    # Signed with the old key after its end: refused.
    _m, after = khm.envelope(now=now)
    assert post(client, after)["code"] == "unknown_sender"
    # The new key works.
    khm.keys = new_keys
    _m, fresh = khm.envelope(now=now)
    assert post(client, fresh)["status"] == 200
