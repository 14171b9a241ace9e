"""This node's evidence store, from its settings: the folder and the key-encryption key."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from hanoinet.core.evidence.store import LocalStore

KEY_BYTES = 32


def read_key_file() -> bytes:
    path = settings.HANOINET_EVIDENCE_KEY_FILE
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        raise ImproperlyConfigured(
            f"the evidence key {path} is missing: restore it from backup "
            "(without it no stored evidence can be read), or run `hanoinet init` on a new node"
        ) from None
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(f"the evidence key {path} is unreadable: {exc}") from None
    if len(key) != KEY_BYTES:
        raise ImproperlyConfigured(f"the evidence key {path} is not {KEY_BYTES} bytes")
    return key


def evidence_store() -> LocalStore:
    return LocalStore(settings.HANOINET_EVIDENCE_DIR, read_key_file())
