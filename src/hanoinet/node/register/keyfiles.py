"""Replacing the node's signing key file, keeping the old one aside."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hanoinet.core.keys import SIGNING_KEY_FILE, load_node_keys
from hanoinet.core.register.trust import public_jwk


def _pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def current_signing_key(folder: Path) -> Ed25519PrivateKey:
    return load_node_keys(folder).signing


def install_signing_key(folder: Path, old: Ed25519PrivateKey, new: Ed25519PrivateKey) -> None:
    """Make ``new`` the signing key; keep ``old`` as ``retired-<kid>.pem``.

    The new key is written to a temporary file and renamed over the old one, so a crash
    leaves either the old or the new key in place, never a torn file.
    """
    retired = folder / f"retired-{public_jwk(old)['kid']}.pem"
    fd = os.open(retired, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(_pem(old))
    temporary = folder / f".{SIGNING_KEY_FILE}.new"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(_pem(new))
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(folder / SIGNING_KEY_FILE)
