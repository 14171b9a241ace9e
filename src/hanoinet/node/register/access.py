"""Reading the register: any signed-in officer may browse it; reads are audited."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404

from hanoinet.core.keys import KeyFileError
from hanoinet.core.register.trust import public_jwk
from hanoinet.node.audit.actor import Actor
from hanoinet.node.audit.record import record
from hanoinet.node.register.keyfiles import current_signing_key
from hanoinet.node.register.models import (
    KeyRotation,
    RegisterDocument,
    RegisterState,
    TrustedSigner,
)


def _require_officer(actor: Actor) -> None:
    if actor.user is None or not actor.user.is_active:
        raise Http404


def search_states(
    actor: Actor, *, query: str = "", language: str = "", capability: str = ""
) -> QuerySet[RegisterState]:
    _require_officer(actor)
    states = RegisterState.objects.prefetch_related("authorities", "keys")
    if query:
        states = states.filter(Q(code__iexact=query) | Q(name__icontains=query))
    rows = list(states)
    # Languages and capabilities are JSON lists: filtered in Python, the register is
    # small (a few hundred States) and JSON containment differs between databases.
    codes = [
        row.code
        for row in rows
        if (not language or language in row.languages)
        and (not capability or capability in row.capabilities)
    ]
    record(
        actor,
        "register.search",
        object_type="register.state",
        extra={
            k: v
            for k, v in {"q": query, "language": language, "capability": capability}.items()
            if v
        },
    )
    return states.filter(code__in=codes)


def get_state(actor: Actor, code: str) -> RegisterState:
    _require_officer(actor)
    try:
        state = RegisterState.objects.prefetch_related("authorities", "keys").get(code=code.upper())
    except RegisterState.DoesNotExist:
        raise Http404("no such State in the register") from None
    record(actor, "register.read", object_type="register.state", object_id=state.code)
    return state


@dataclass(frozen=True)
class SignedRegister:
    """The newest signed register this node holds, as a court bundle carries it."""

    token: str
    signers: list[dict[str, str]]  # the secretariat keys this node trusts, as JWKs
    rotations: list[str]  # the key-rotation announcements this node holds


def signed_register() -> SignedRegister | None:
    """For a court bundle (the bundling action is audited, so this read is not): the
    document with the highest serial — accepted, or on the secretariat published — with
    the secretariat keys that verify it; ``None`` when the node holds no register."""
    document = RegisterDocument.objects.order_by("-serial").first()
    if document is None:
        return None
    signers = [signer.jwk for signer in TrustedSigner.objects.order_by("pinned_at", "id")]
    if not signers:
        signers = _secretariat_keys(document.signer_kid)
    return SignedRegister(
        token=document.token,
        signers=signers,
        rotations=list(KeyRotation.objects.values_list("token", flat=True)),
    )


def _secretariat_keys(signer_kid: str) -> list[dict[str, str]]:
    """On the secretariat nothing is pinned: its own signing key is the one nodes pin,
    and a document signed before a rotation needs the retired key that signed it (kept
    as ``retired-<kid>.pem``; its rotation announcement leads from it to today's key)."""
    folder = Path(settings.HANOINET_KEYS_DIR)
    try:
        keys = [current_signing_key(folder)]
    except (KeyFileError, OSError, ValueError):
        return []
    retired = folder / f"retired-{signer_kid}.pem"
    if retired.is_file():
        key = load_pem_private_key(retired.read_bytes(), password=None)
        if isinstance(key, Ed25519PrivateKey):
            keys.insert(0, key)
    return [
        {name: jwk[name] for name in ("kty", "crv", "x", "kid")}
        for jwk in (public_jwk(key) for key in keys)
    ]
