"""joserfc as the tests' second opinion: the node writes its JOSE directly on
``cryptography`` (core/envelope/jose.py); these tests check a general library reads and
writes the same tokens."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from joserfc import jwe
from joserfc.jwk import OKPKey
from joserfc.registry import HeaderParameter

from hanoinet.core.envelope.seal import SUITES

_SUITE = SUITES["hanoinet/1"]

#: The protocol's JWE header for joserfc: "ver" (the protocol version, authenticated as
#: additional data) and "thr" (the thread id in clear) are required private parameters.
REGISTRY = jwe.JWERegistry(
    header_registry={
        "ver": HeaderParameter("hanoinet protocol version", "str", required=True),
        "thr": HeaderParameter("hanoinet thread id", "str", required=True),
    },
    algorithms=[_SUITE.key_agreement, _SUITE.encryption],
)


def okp(
    key: Ed25519PrivateKey | Ed25519PublicKey | X25519PrivateKey | X25519PublicKey,
) -> OKPKey:
    """A node key as joserfc's key object."""
    return OKPKey.import_key(key)
