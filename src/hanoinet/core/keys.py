"""Node key pairs: Ed25519 for signing, X25519 for encryption.

Keys are generated at ``hanoinet init`` and kept as PKCS#8 PEM files readable only by
the node's user. Public halves are published in the register as JWKs (RFC 8037) and
named by their RFC 7638 thumbprint, the key id that travels in envelope headers.

>>> pair = generate_node_keys()
>>> pair.signing_public_jwk()["crv"]
'Ed25519'
>>> len(pair.signing_key_id()) == 43
True
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey,
    X25519PublicKey,
)

from hanoinet.core.errors import CoreError

SIGNING_KEY_FILE = "signing-ed25519.pem"
ENCRYPTION_KEY_FILE = "encryption-x25519.pem"


class KeyFileError(CoreError):
    """A key file is missing, unreadable or not the expected kind of key."""


def b64url(data: bytes) -> str:
    """Base64url without padding, as JOSE uses it.

    >>> b64url(b"\\xff\\xfe")
    '__4'
    """
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """The inverse of :func:`b64url`.

    >>> b64url_decode("__4")
    b'\\xff\\xfe'
    """
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jwk_thumbprint(jwk: dict[str, str]) -> str:
    """RFC 7638 thumbprint of an OKP public key (members crv, kty, x).

    >>> x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    >>> jwk_thumbprint({"kty": "OKP", "crv": "Ed25519", "x": x})
    'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k'
    """
    required = {"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"]}
    canonical = json.dumps(required, separators=(",", ":"), sort_keys=True)
    return b64url(hashlib.sha256(canonical.encode("ascii")).digest())


def _raw_public(key: Ed25519PublicKey | X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_jwk(key: Ed25519PublicKey | X25519PublicKey) -> dict[str, str]:
    """The JWK of a public key (RFC 8037) with its RFC 7638 thumbprint as ``kid``."""
    crv = "Ed25519" if isinstance(key, Ed25519PublicKey) else "X25519"
    jwk = {"kty": "OKP", "crv": crv, "x": b64url(_raw_public(key))}
    return {**jwk, "kid": jwk_thumbprint(jwk)}


@dataclass(frozen=True, slots=True)
class NodeKeys:
    """The private keys of one node."""

    signing: Ed25519PrivateKey
    encryption: X25519PrivateKey

    def signing_public_jwk(self) -> dict[str, str]:
        return {**public_jwk(self.signing.public_key()), "use": "sig"}

    def encryption_public_jwk(self) -> dict[str, str]:
        return {**public_jwk(self.encryption.public_key()), "use": "enc"}

    def signing_key_id(self) -> str:
        return self.signing_public_jwk()["kid"]

    def encryption_key_id(self) -> str:
        return self.encryption_public_jwk()["kid"]


def generate_node_keys() -> NodeKeys:
    """Fresh signing and encryption key pairs."""
    return NodeKeys(signing=Ed25519PrivateKey.generate(), encryption=X25519PrivateKey.generate())


def _pem(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def write_node_keys(keys: NodeKeys, folder: Path) -> None:
    """Write both private keys to ``folder`` with owner-only permissions.

    Refuses to overwrite: replacing a node key silently would strand every peer that
    pinned the old one (rotation goes through the register instead).
    """
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for name, key in ((SIGNING_KEY_FILE, keys.signing), (ENCRYPTION_KEY_FILE, keys.encryption)):
        path = folder / name
        # O_EXCL: never overwrite an existing key; 0600 from the first byte written.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(_pem(key))


def load_node_keys(folder: Path) -> NodeKeys:
    """Read the node's private keys; a clear :class:`KeyFileError` if they are unusable."""
    signing = _load_private(folder / SIGNING_KEY_FILE)
    encryption = _load_private(folder / ENCRYPTION_KEY_FILE)
    if not isinstance(signing, Ed25519PrivateKey):
        raise KeyFileError(f"{folder / SIGNING_KEY_FILE} is not an Ed25519 private key")
    if not isinstance(encryption, X25519PrivateKey):
        raise KeyFileError(f"{folder / ENCRYPTION_KEY_FILE} is not an X25519 private key")
    return NodeKeys(signing=signing, encryption=encryption)


def _load_private(path: Path) -> object:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise KeyFileError(f"key file {path} is missing; run `hanoinet init`") from None
    except OSError as exc:
        raise KeyFileError(f"key file {path} cannot be read: {exc.strerror}") from None
    try:
        return serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise KeyFileError(f"key file {path} is not a readable PEM private key") from None


RETIRED_PREFIX = "retired-"


def rotate_node_keys(folder: Path) -> tuple[NodeKeys, NodeKeys]:
    """Replace the node's key pairs; keep the old private keys as ``retired-*`` files.

    The retired encryption key keeps opening envelopes that peers sealed before they
    imported the register listing the new key; the retired signing key is kept so that
    the history stays explainable. Returns ``(old, new)``. Each file is written whole
    (temporary file, then rename) with owner-only permissions.
    """
    old = load_node_keys(folder)
    for prefix, key, kid in (
        ("sig", old.signing, old.signing_key_id()),
        ("enc", old.encryption, old.encryption_key_id()),
    ):
        path = folder / f"{RETIRED_PREFIX}{prefix}-{kid}.pem"
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(_pem(key))
    new = generate_node_keys()
    for name, key in ((SIGNING_KEY_FILE, new.signing), (ENCRYPTION_KEY_FILE, new.encryption)):
        temporary = folder / f".{name}.new"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(_pem(key))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, folder / name)
    return old, new
