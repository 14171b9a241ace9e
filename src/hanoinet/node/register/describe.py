"""What a node says about itself, for the secretariat to put into the register."""

from __future__ import annotations

from django.conf import settings

from hanoinet.core.keys import load_node_keys

PROTOCOLS = ("hanoinet/1",)


def node_description() -> dict[str, object]:
    keys = load_node_keys(settings.HANOINET_KEYS_DIR)
    return {
        "state": settings.HANOINET_STATE,
        "mode": settings.HANOINET_MODE,
        "endpoint": settings.HANOINET_BASE_URL + "/",
        "protocols": list(PROTOCOLS),
        "keys": [keys.signing_public_jwk(), keys.encryption_public_jwk()],
    }
