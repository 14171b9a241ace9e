"""Every change to the register: atomic and audited."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from hanoinet.core.keys import load_node_keys
from hanoinet.core.register.diff import diff_registers
from hanoinet.core.register.errors import RegisterError
from hanoinet.core.register.model import Change, Register, StateEntry
from hanoinet.core.register.trust import (
    follow_rotations,
    public_jwk,
    read_stored,
    sign_key_rotation,
    sign_register,
    verify_register,
)
from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.actor import Actor
from hanoinet.node.audit.record import Outcome, record
from hanoinet.node.register import convert
from hanoinet.node.register.fetch import Bundle, NodeDescription
from hanoinet.node.register.models import (
    KeyRotation,
    RegisterDocument,
    RegisterImport,
    RegisterState,
    TrustedSigner,
)

DEFAULT_VALIDITY_DAYS = 30


def _require_admin(actor: Actor, *, mode: str) -> None:
    """Register changes are for node administrators (or the node itself) in ``mode``."""
    if mode != settings.HANOINET_MODE:
        raise PermissionDenied(f"only a {mode} node does this")
    if actor.user is not None and not actor.user.has_role(Role.NODE_ADMIN):
        raise PermissionDenied("only node administrators change the register")


def _changes_json(changes: tuple[Change, ...]) -> list[dict[str, str]]:
    return [{"state": c.state, "what": c.what, "change": c.change} for c in changes]


def in_force() -> tuple[RegisterDocument | None, Register | None]:
    """The latest register this node published or accepted, with its parsed form."""
    document = RegisterDocument.objects.order_by("-serial").first()
    if document is None:
        return None, None
    return document, read_stored(document.token)[1]


# --- secretariat --------------------------------------------------------------------


@transaction.atomic
def do_save_state(actor: Actor, entry: StateEntry, reason: str = "") -> RegisterState:
    _require_admin(actor, mode="secretariat")
    existing = RegisterState.objects.filter(code=entry.code).first()
    before = convert.entry_from_row(existing) if existing else None
    row = convert.write_entry(entry)
    after = convert.entry_from_row(row)
    changed = [] if before == after else _changes_json(_diff_entries(before, after))
    record(
        actor,
        "register.state_save",
        object_type="register.state",
        object_id=entry.code,
        reason=reason,
        extra={"changes": changed},
    )
    return row


def _diff_entries(before: StateEntry | None, after: StateEntry) -> tuple[Change, ...]:
    epoch = timezone.now()
    old = Register(1, epoch, epoch, (before,)) if before else None
    return diff_registers(old, Register(2, epoch, epoch, (after,)))


@transaction.atomic
def do_save_node(actor: Actor, description: NodeDescription, reason: str) -> StateEntry:
    """Enter a node's endpoint and keys; keys it no longer lists stay, ended now.

    Ending (not deleting) a replaced key lets peers still verify what it signed before
    its end date; that is how node key rotation travels through the register.
    """
    from hanoinet.core.keys import jwk_thumbprint
    from hanoinet.core.register.errors import RegisterFormatError
    from hanoinet.core.register.model import KEY_CURVES, NodeEntry, PublishedKey
    from hanoinet.node.register.countries import state_name

    now = timezone.now().replace(microsecond=0)
    existing = RegisterState.objects.filter(code=description.state).first()
    entry = (
        convert.entry_from_row(existing)
        if existing
        else StateEntry(code=description.state, name=state_name(description.state, "en"))
    )
    old_keys = {key.kid: key for key in (entry.node.keys if entry.node else ())}
    listed: dict[str, PublishedKey] = {}
    for jwk in description.keys:
        use = jwk.get("use", "")
        if use not in KEY_CURVES or jwk.get("crv") != KEY_CURVES[use] or jwk.get("kty") != "OKP":
            raise RegisterFormatError(
                f"node key {jwk.get('kid', '?')}: not an Ed25519 'sig' or X25519 'enc' key"
            )
        kid = jwk_thumbprint({"kty": "OKP", "crv": jwk["crv"], "x": jwk["x"]})
        if jwk.get("kid") != kid:
            raise RegisterFormatError(f"node key {jwk.get('kid')}: kid is not the key's thumbprint")
        previous = old_keys.get(kid)
        listed[kid] = PublishedKey(
            kid=kid,
            use=use,  # type: ignore[arg-type]
            x=jwk["x"],
            valid_from=previous.valid_from if previous else now,
            valid_until=None,
        )
    ended = [
        PublishedKey(
            kid=k.kid, use=k.use, x=k.x, valid_from=k.valid_from, valid_until=k.valid_until or now
        )
        for kid, k in old_keys.items()
        if kid not in listed
    ]
    node = NodeEntry(
        endpoint=description.endpoint,
        protocols=description.protocols or ("hanoinet/1",),
        capabilities=entry.node.capabilities if entry.node else (),
        keys=tuple(listed.values()) + tuple(ended),
    )
    updated = replace(entry, node=node)
    do_save_state(actor, updated, reason=reason)
    return updated


@transaction.atomic
def do_remove_state(actor: Actor, code: str, reason: str) -> None:
    _require_admin(actor, mode="secretariat")
    deleted, _ = RegisterState.objects.filter(code=code).delete()
    record(
        actor,
        "register.state_remove",
        object_type="register.state",
        object_id=code,
        reason=reason,
        outcome=Outcome.OK if deleted else Outcome.FAILED,
    )


@transaction.atomic
def do_publish_register(
    actor: Actor, *, now: datetime | None = None, validity_days: int = DEFAULT_VALIDITY_DAYS
) -> RegisterDocument:
    """Sign the register in force under the next serial, with its change list."""
    _require_admin(actor, mode="secretariat")
    if not 1 <= validity_days <= 366:
        raise ValueError("a register is valid for 1 to 366 days")
    now = (now or timezone.now()).replace(microsecond=0)
    previous_document, previous = in_force()
    # The serial only grows: lock the latest row so two publishers cannot collide.
    serial = (previous.serial + 1) if previous else 1
    draft = Register(
        serial=serial,
        previous_serial=previous.serial if previous else None,
        issued_at=now,
        expires_at=now + timedelta(days=validity_days),
        states=tuple(convert.entries_in_force()),
    )
    register = Register(
        serial=draft.serial,
        previous_serial=draft.previous_serial,
        issued_at=draft.issued_at,
        expires_at=draft.expires_at,
        states=draft.states,
        changes=diff_registers(previous, draft),
    )
    key = load_node_keys(settings.HANOINET_KEYS_DIR).signing
    document = RegisterDocument.objects.create(
        serial=serial,
        token=sign_register(register, key),
        signer_kid=public_jwk(key)["kid"],
        issued_at=register.issued_at,
        expires_at=register.expires_at,
        changes=_changes_json(register.changes),
        source="published",
    )
    record(
        actor,
        "register.publish",
        object_type="register.document",
        object_id=str(serial),
        extra={
            "changes": len(register.changes),
            "previous": previous_document.serial if previous_document else None,
        },
    )
    return document


# --- node ---------------------------------------------------------------------------


@transaction.atomic
def do_trust_secretariat_key(
    actor: Actor, jwk: dict[str, str], *, via: str = "pinned"
) -> TrustedSigner:
    from hanoinet.core.keys import jwk_thumbprint

    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or not isinstance(jwk.get("x"), str):
        raise ValueError("the secretariat key must be an OKP Ed25519 public JWK")
    kid = jwk_thumbprint({"kty": "OKP", "crv": "Ed25519", "x": jwk["x"]})
    if jwk.get("kid") not in (None, kid):
        raise ValueError("the key's kid is not its RFC 7638 thumbprint")
    signer, _ = TrustedSigner.objects.get_or_create(kid=kid, defaults={"x": jwk["x"], "via": via})
    record(
        actor,
        "register.trust_key",
        object_type="register.signer",
        object_id=kid,
        extra={"via": via},
    )
    return signer


@dataclass(frozen=True, slots=True)
class ImportResult:
    outcome: str
    serial: int | None
    changes: tuple[Change, ...] = ()
    error: RegisterError | None = None


def do_import_register(
    actor: Actor, bundle: Bundle, *, source: str, now: datetime | None = None
) -> ImportResult:
    """Verify and, if acceptable, install a register; otherwise keep the copy in force.

    The import log and the audit trail record refusals too; nothing else changes then.
    """
    _require_admin(actor, mode="node")
    now = now or timezone.now()
    try:
        with transaction.atomic():
            result = _import(actor, bundle, source=source, now=now)
    except RegisterError as exc:
        RegisterImport.objects.create(
            source=source[:500],
            outcome=RegisterImport.Outcome.REFUSED,
            code=exc.code,
            message=str(exc),
        )
        record(
            actor,
            "register.import",
            object_type="register.document",
            outcome=Outcome.FAILED,
            reason=f"{exc.code}: {exc}",
            extra={"source": source[:500]},
        )
        return ImportResult(outcome="refused", serial=None, error=exc)
    return result


def _import(actor: Actor, bundle: Bundle, *, source: str, now: datetime) -> ImportResult:
    pinned = {signer.kid: signer.jwk for signer in TrustedSigner.objects.all()}
    if not pinned:
        from hanoinet.core.register.errors import UnknownSignerError

        raise UnknownSignerError(
            "no secretariat key is trusted yet; run `hanoinet register trust KEY`"
        )
    trusted = follow_rotations(bundle.key_rotations, pinned)
    for kid, jwk in trusted.items():
        if kid not in pinned:
            TrustedSigner.objects.create(kid=kid, x=jwk["x"], via="rotation")
            record(
                actor,
                "register.trust_key",
                object_type="register.signer",
                object_id=kid,
                extra={"via": "rotation"},
            )
    current_document, current = in_force()
    register = verify_register(
        bundle.register,
        trusted,
        now=now,
        in_force=current,
        in_force_token=current_document.token if current_document else None,
    )
    if current is not None and register.serial == current.serial:
        RegisterImport.objects.create(
            source=source[:500], outcome=RegisterImport.Outcome.UNCHANGED, serial=register.serial
        )
        return ImportResult(outcome="unchanged", serial=register.serial)
    changes = diff_registers(current, register)
    header_kid, _ = read_stored(bundle.register)
    RegisterDocument.objects.create(
        serial=register.serial,
        token=bundle.register.strip(),
        signer_kid=header_kid,
        issued_at=register.issued_at,
        expires_at=register.expires_at,
        changes=_changes_json(changes),
        source=source[:500],
    )
    convert.replace_all(register.states)
    RegisterImport.objects.create(
        source=source[:500], outcome=RegisterImport.Outcome.ACCEPTED, serial=register.serial
    )
    record(
        actor,
        "register.import",
        object_type="register.document",
        object_id=str(register.serial),
        extra={"source": source[:500], "changes": _changes_json(changes)[:200]},
    )
    return ImportResult(outcome="accepted", serial=register.serial, changes=changes)


@transaction.atomic
def do_rotate_secretariat_key(actor: Actor, *, now: datetime | None = None) -> KeyRotation:
    """Replace the secretariat's signing key; the old key signs the announcement.

    The old private key is kept as ``keys/retired-<kid>.pem`` (owner-only) so that the
    history stays explainable; nodes learn the new key from the announcement that is
    served with every register from now on.
    """
    _require_admin(actor, mode="secretariat")
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from hanoinet.node.register.keyfiles import current_signing_key, install_signing_key

    folder = settings.HANOINET_KEYS_DIR
    old = current_signing_key(folder)
    new = Ed25519PrivateKey.generate()
    token = sign_key_rotation(old, new, (now or timezone.now()).replace(microsecond=0))
    rotation = KeyRotation.objects.create(
        token=token, old_kid=public_jwk(old)["kid"], new_kid=public_jwk(new)["kid"]
    )
    # The key file changes only once the announcement is committed: a failure before
    # leaves the old key in use and nothing announced.
    transaction.on_commit(lambda: install_signing_key(folder, old, new))
    record(
        actor,
        "register.rotate_key",
        object_type="register.signer",
        object_id=rotation.new_kid,
        extra={"old_kid": rotation.old_kid},
    )
    return rotation
