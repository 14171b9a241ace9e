"""This node's keys and its peers' keys, in the form the envelope code needs.

Private keys are read from the keys folder once per process. Retired encryption keys
(``retired-enc-<kid>.pem``, kept after a node key rotation) still decrypt envelopes
sealed before the peers learned the new key. Peers' keys come from the register in
force; a key verifies only what was signed inside its validity window, so an old key
still verifies messages signed before its end date.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from django.conf import settings
from django.db.models import Q

from hanoinet.core.envelope import DecryptionKey, EncryptionKey, SigningKey, VerifyKey
from hanoinet.core.keys import b64url_decode, load_node_keys, public_jwk
from hanoinet.node.register.models import RegisterKey, RegisterState

RETIRED_ENCRYPTION_PREFIX = "retired-enc-"  # see hanoinet.core.keys.rotate_node_keys


@functools.cache
def _own(folder: Path) -> tuple[SigningKey, dict[str, DecryptionKey]]:
    keys = load_node_keys(folder)
    signer = SigningKey(keys.signing_key_id(), keys.signing)
    decryption = {
        keys.encryption_key_id(): DecryptionKey(keys.encryption_key_id(), keys.encryption)
    }
    for path in sorted(folder.glob(f"{RETIRED_ENCRYPTION_PREFIX}*.pem")):
        key = load_pem_private_key(path.read_bytes(), password=None)
        if isinstance(key, X25519PrivateKey):
            kid = public_jwk(key.public_key())["kid"]
            decryption.setdefault(kid, DecryptionKey(kid, key))
    return signer, decryption


@functools.cache
def _own_in(folder: str) -> tuple[SigningKey, dict[str, DecryptionKey]]:
    # Keyed by the setting's text: building a Path for every message cost more than this.
    return _own(Path(folder))


def own_signer() -> SigningKey:
    return _own_in(str(settings.HANOINET_KEYS_DIR))[0]


def own_decryption_keys() -> dict[str, DecryptionKey]:
    return _own_in(str(settings.HANOINET_KEYS_DIR))[1]


def forget_own_keys() -> None:
    """After a key rotation, or in tests that switch data folders."""
    _own_in.cache_clear()
    _own.cache_clear()


@functools.lru_cache(maxsize=1024)
def _verify_key(kid: str, x: str) -> VerifyKey:
    return VerifyKey(kid, Ed25519PublicKey.from_public_bytes(b64url_decode(x)))


@functools.lru_cache(maxsize=1024)
def _encryption_key(kid: str, x: str) -> EncryptionKey:
    return EncryptionKey(kid, X25519PublicKey.from_public_bytes(b64url_decode(x)))


def _valid_at(moment: datetime) -> Q:
    return Q(valid_from__lte=moment) & (Q(valid_until__isnull=True) | Q(valid_until__gt=moment))


# Peers' signing keys, read from the register at most every KEY_TABLE_SECONDS per process:
# the inbox checks every message against them, and one query per message would cost more
# than the cryptography. A key removed from the register stops verifying within that time
# (and at once in the process that imported the register: see ``forget_peer_keys``).
KEY_TABLE_SECONDS = 10.0
_key_table: dict[tuple[str, str], list[tuple[datetime, datetime | None, str]]] = {}
_key_table_loaded_at = -1.0


def forget_peer_keys() -> None:
    global _key_table_loaded_at  # noqa: PLW0603 - a per-process cache
    _key_table_loaded_at = -1.0


def _signing_keys() -> dict[tuple[str, str], list[tuple[datetime, datetime | None, str]]]:
    global _key_table, _key_table_loaded_at
    if _key_table_loaded_at < 0 or time.monotonic() - _key_table_loaded_at > KEY_TABLE_SECONDS:
        table: dict[tuple[str, str], list[tuple[datetime, datetime | None, str]]] = {}
        rows = RegisterKey.objects.filter(use=RegisterKey.Use.SIGNING).values_list(
            "state__code", "kid", "valid_from", "valid_until", "x"
        )
        for code, kid, valid_from, valid_until, x in rows:
            table.setdefault((code, kid), []).append((valid_from, valid_until, x))
        _key_table, _key_table_loaded_at = table, time.monotonic()
    return _key_table


def peer_verify_key(state: str, kid: str, signed_at: datetime) -> VerifyKey | None:
    """The sender's signing key with this id, if the register says it was valid then."""
    for valid_from, valid_until, x in _signing_keys().get((state, kid), ()):
        if valid_from <= signed_at and (valid_until is None or signed_at < valid_until):
            return _verify_key(kid, x)
    return None


@dataclass(frozen=True, slots=True)
class Peer:
    state: str
    endpoint: str
    protocols: tuple[str, ...]
    encryption: EncryptionKey
    verify_keys: dict[str, RegisterKey]

    @property
    def inbox_url(self) -> str:
        return self.endpoint.rstrip("/") + "/federation/v1/inbox"


class PeerUnavailableError(Exception):
    """The register gives no way to reach this State's node (yet)."""


def peer(state: str, now: datetime) -> Peer:
    entry = RegisterState.objects.filter(code=state).first()
    if entry is None:
        raise PeerUnavailableError(f"{state} is not in the register in force")
    if not entry.endpoint:
        raise PeerUnavailableError(f"{state} has no node endpoint in the register")
    keys = list(entry.keys.filter(_valid_at(now)).order_by("-valid_from"))
    encryption = next((key for key in keys if key.use == RegisterKey.Use.ENCRYPTION), None)
    if encryption is None:
        raise PeerUnavailableError(f"{state} has no valid encryption key in the register")
    return Peer(
        state=state,
        endpoint=entry.endpoint,
        protocols=tuple(entry.protocols or ()),
        encryption=_encryption_key(encryption.kid, encryption.x),
        verify_keys={key.kid: key for key in keys if key.use == RegisterKey.Use.SIGNING},
    )


def receipt_verify_key(peer_entry: Peer, kid: str) -> VerifyKey | None:
    key = peer_entry.verify_keys.get(kid)
    return _verify_key(key.kid, key.x) if key else None
