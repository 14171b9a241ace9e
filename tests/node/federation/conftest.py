"""A node (VNM, the test settings' State) and a peer (KHM) known through the register."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings

from hanoinet.core.envelope import (
    DecryptionKey,
    EncryptionKey,
    EnvelopeError,
    Message,
    SigningKey,
    VerifyKey,
    new_message,
    open_envelope,
    outer_thread,
    seal,
    sign_receipt,
)
from hanoinet.core.keys import NodeKeys, generate_node_keys, load_node_keys, write_node_keys
from hanoinet.node.federation.keyring import forget_own_keys
from hanoinet.node.federation.transport import Response
from hanoinet.node.register.models import RegisterKey, RegisterState


def register_node(
    code: str, keys: NodeKeys, endpoint: str, since: datetime | None = None
) -> RegisterState:
    state, _ = RegisterState.objects.update_or_create(
        code=code, defaults={"name": code, "endpoint": endpoint, "protocols": ["hanoinet/1"]}
    )
    since = since or datetime(2025, 1, 1, tzinfo=UTC)
    for use, jwk in (("sig", keys.signing_public_jwk()), ("enc", keys.encryption_public_jwk())):
        RegisterKey.objects.update_or_create(
            state=state, kid=jwk["kid"], defaults={"use": use, "x": jwk["x"], "valid_from": since}
        )
    return state


@pytest.fixture
def vnm_keys(settings: Settings, tmp_path: Path) -> Iterator[NodeKeys]:
    folder = tmp_path / "keys"
    write_node_keys(generate_node_keys(), folder)
    settings.HANOINET_KEYS_DIR = folder
    settings.HANOINET_STATE = "VNM"
    forget_own_keys()
    yield load_node_keys(folder)
    forget_own_keys()


@dataclass
class Peer:
    """Cambodia's node, played in-process with the core alone."""

    keys: NodeKeys
    vnm: NodeKeys
    received: list[Message] = field(default_factory=list)
    refuse: Callable[[Message], str | None] = lambda message: None
    down: bool = False

    def signer(self) -> SigningKey:
        return SigningKey(self.keys.signing_key_id(), self.keys.signing)

    def envelope(
        self, now: datetime | None = None, recipient: str = "VNM", **options: object
    ) -> tuple[Message, str]:
        values: dict[str, object] = {
            "sender": "KHM",
            "sender_kid": self.keys.signing_key_id(),
            "recipient": recipient,
            "type": "message.note",
            "body": {"subject": "Status of request", "text": "Any news?", "urgency": "routine"},
            "now": now or timezone.now(),
            **options,
        }
        message = new_message(**values)  # type: ignore[arg-type]
        to = EncryptionKey(self.vnm.encryption_key_id(), self.vnm.encryption.public_key())
        return message, seal(message, self.signer(), to)

    def inbox(self, url: str, body: bytes, content_type: str) -> Response:
        """What KHM's inbox answers to VNM's delivery worker."""
        from hanoinet.node.federation.transport import TransportError

        if self.down:
            raise TransportError("khm.test: connection refused")
        assert url == "http://khm.test/federation/v1/inbox"
        results: list[dict[str, object]] = []
        refused_threads: set[str] = set()
        for token in json.loads(body)["envelopes"]:
            thread = outer_thread(token)
            if thread in refused_threads:
                results.append({"deferred": "an earlier message of this thread was refused"})
                continue
            try:
                opened = open_envelope(
                    token,
                    state="KHM",
                    keys={
                        self.keys.encryption_key_id(): DecryptionKey(
                            self.keys.encryption_key_id(), self.keys.encryption
                        )
                    },
                    sender_key=lambda state, kid, at: (
                        VerifyKey(kid, self.vnm.signing.public_key())
                        if state == "VNM" and kid == self.vnm.signing_key_id()
                        else None
                    ),
                    now=timezone.now(),
                )
            except EnvelopeError as exc:
                results.append({"problem": {"code": str(exc.code), "detail": exc.detail}})
                refused_threads.add(str(thread))
                continue
            refusal = self.refuse(opened.message)
            if refusal:
                results.append({"problem": {"code": refusal, "detail": "refused by the test"}})
                refused_threads.add(str(thread))
                continue
            if all(m.header.id != opened.message.header.id for m in self.received):
                self.received.append(opened.message)
            receipt = sign_receipt(
                message_id=opened.message.header.id,
                digest=opened.digest,
                received_at=timezone.now(),
                receiver="KHM",
                sender="VNM",
                signer=self.signer(),
            )
            results.append({"receipt": receipt.token})
        return Response(200, json.dumps({"results": results}).encode(), "application/json")


@pytest.fixture
def khm(vnm_keys: NodeKeys, db: None, monkeypatch: pytest.MonkeyPatch) -> Peer:
    peer = Peer(keys=generate_node_keys(), vnm=vnm_keys)
    register_node("KHM", peer.keys, "http://khm.test")
    register_node("VNM", vnm_keys, "http://vnm.test")
    monkeypatch.setattr("hanoinet.node.federation.delivery.post", peer.inbox)
    return peer


def later(seconds: float) -> datetime:
    return timezone.now() + timedelta(seconds=seconds)
