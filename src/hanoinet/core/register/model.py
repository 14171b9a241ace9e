"""The register document: States, their Convention status, contacts, nodes and keys.

Wire form (the JSON payload of the secretariat's JWS; lists sorted so that the same
register always has the same bytes)::

    {"type": "hanoinet.register", "format": 1, "text": "A/79/460",
     "serial": 7, "previous_serial": 6,
     "issued_at": "2026-11-22T03:00:00Z", "expires_at": "2026-12-22T03:00:00Z",
     "states": [{"code": "VNM", "name": "Viet Nam",
                 "status": {"signed_on": "2025-10-25", "consent_on": null,
                            "consent_kind": null, "in_force_on": null},
                 "declarations": {"art42_dual_criminality_reservation": false,
                                  "interpol_channel": true, "urgent_oral_requests": false},
                 "languages": ["en", "vi"],
                 "authorities": [{"kind": "point_of_contact", "name": "…",
                                  "phone": "…", "email": "…", "address": "…",
                                  "hours": "24/7"}],
                 "node": {"endpoint": "https://…", "protocols": ["hanoinet/1"],
                          "capabilities": ["preservation"],
                          "keys": [{"kid": "…", "use": "sig", "jwk": {…},
                                    "valid_from": "…Z", "valid_until": null}]}}],
     "changes": [{"state": "VNM", "what": "node.keys", "change": "changed"}]}
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, cast

from hanoinet.core.keys import jwk_thumbprint
from hanoinet.core.register import fields as f
from hanoinet.core.register.errors import RegisterFormatError

DOCUMENT_TYPE = "hanoinet.register"
FORMAT = 1
STATE_CODE = re.compile(r"^[A-Z]{3}$")
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")
AUTHORITY_KINDS = ("central_authority", "point_of_contact", "competent_authority")
CONSENT_KINDS = ("ratification", "acceptance", "approval", "accession")
KEY_USES = ("sig", "enc")
KEY_CURVES = {"sig": "Ed25519", "enc": "X25519"}

AuthorityKind = Literal["central_authority", "point_of_contact", "competent_authority"]
KeyUse = Literal["sig", "enc"]


@dataclass(frozen=True, slots=True)
class ConventionStatus:
    signed_on: date | None = None
    consent_on: date | None = None  # ratification, acceptance, approval or accession
    consent_kind: str | None = None
    in_force_on: date | None = None


@dataclass(frozen=True, slots=True)
class Declarations:
    art42_dual_criminality_reservation: bool = False
    interpol_channel: bool = False
    urgent_oral_requests: bool = False


@dataclass(frozen=True, slots=True)
class Authority:
    kind: AuthorityKind
    name: str
    phone: str = ""
    email: str = ""
    address: str = ""
    hours: str = ""


@dataclass(frozen=True, slots=True)
class PublishedKey:
    kid: str
    use: KeyUse
    x: str  # the public key, base64url (RFC 8037)
    valid_from: datetime
    valid_until: datetime | None = None

    @property
    def jwk(self) -> dict[str, str]:
        return {
            "kty": "OKP",
            "crv": KEY_CURVES[self.use],
            "x": self.x,
            "kid": self.kid,
            "use": self.use,
        }

    def valid_at(self, moment: datetime) -> bool:
        return self.valid_from <= moment and (self.valid_until is None or moment < self.valid_until)


@dataclass(frozen=True, slots=True)
class NodeEntry:
    endpoint: str
    protocols: tuple[str, ...] = ()
    capabilities: tuple[str, ...] = ()
    keys: tuple[PublishedKey, ...] = ()

    def key(self, kid: str) -> PublishedKey | None:
        return next((key for key in self.keys if key.kid == kid), None)


@dataclass(frozen=True, slots=True)
class StateEntry:
    code: str
    name: str
    status: ConventionStatus = field(default_factory=ConventionStatus)
    declarations: Declarations = field(default_factory=Declarations)
    languages: tuple[str, ...] = ()
    authorities: tuple[Authority, ...] = ()
    node: NodeEntry | None = None


@dataclass(frozen=True, slots=True)
class Change:
    state: str
    what: str
    change: Literal["added", "removed", "changed"]


@dataclass(frozen=True, slots=True)
class Register:
    serial: int
    issued_at: datetime
    expires_at: datetime
    states: tuple[StateEntry, ...]
    previous_serial: int | None = None
    changes: tuple[Change, ...] = ()
    text: str = "A/79/460"

    def state(self, code: str) -> StateEntry | None:
        return next((entry for entry in self.states if entry.code == code), None)


# --- to JSON -------------------------------------------------------------------------


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def state_to_json(entry: StateEntry) -> dict[str, object]:
    node: dict[str, object] | None = None
    if entry.node is not None:
        node = {
            "endpoint": entry.node.endpoint,
            "protocols": sorted(entry.node.protocols),
            "capabilities": sorted(entry.node.capabilities),
            "keys": [
                {
                    "kid": key.kid,
                    "use": key.use,
                    "jwk": key.jwk,
                    "valid_from": f.timestamp_text(key.valid_from),
                    "valid_until": f.timestamp_text(key.valid_until) if key.valid_until else None,
                }
                for key in sorted(entry.node.keys, key=lambda k: (k.use, k.valid_from, k.kid))
            ],
        }
    declarations = entry.declarations
    return {
        "code": entry.code,
        "name": entry.name,
        "status": {
            "signed_on": _date(entry.status.signed_on),
            "consent_on": _date(entry.status.consent_on),
            "consent_kind": entry.status.consent_kind,
            "in_force_on": _date(entry.status.in_force_on),
        },
        "declarations": {
            "art42_dual_criminality_reservation": declarations.art42_dual_criminality_reservation,
            "interpol_channel": declarations.interpol_channel,
            "urgent_oral_requests": declarations.urgent_oral_requests,
        },
        "languages": sorted(entry.languages),
        "authorities": [
            {
                "kind": a.kind,
                "name": a.name,
                "phone": a.phone,
                "email": a.email,
                "address": a.address,
                "hours": a.hours,
            }
            for a in sorted(entry.authorities, key=lambda a: (a.kind, a.name))
        ],
        "node": node,
    }


def register_to_json(register: Register) -> dict[str, object]:
    return {
        "type": DOCUMENT_TYPE,
        "format": FORMAT,
        "text": register.text,
        "serial": register.serial,
        "previous_serial": register.previous_serial,
        "issued_at": f.timestamp_text(register.issued_at),
        "expires_at": f.timestamp_text(register.expires_at),
        "states": [state_to_json(entry) for entry in sorted(register.states, key=lambda s: s.code)],
        "changes": [
            {"state": c.state, "what": c.what, "change": c.change} for c in register.changes
        ],
    }


# --- from JSON -----------------------------------------------------------------------


def _status(value: object, path: str) -> ConventionStatus:
    obj = f.as_object(value, path, ("signed_on", "consent_on", "consent_kind", "in_force_on"))
    kind = obj.get("consent_kind")
    if kind is not None and kind not in CONSENT_KINDS:
        raise RegisterFormatError(f"{path}.consent_kind: must be one of {', '.join(CONSENT_KINDS)}")
    return ConventionStatus(
        signed_on=f.as_date(obj.get("signed_on"), f"{path}.signed_on"),
        consent_on=f.as_date(obj.get("consent_on"), f"{path}.consent_on"),
        consent_kind=kind,
        in_force_on=f.as_date(obj.get("in_force_on"), f"{path}.in_force_on"),
    )


def _declarations(value: object, path: str) -> Declarations:
    names = ("art42_dual_criminality_reservation", "interpol_channel", "urgent_oral_requests")
    obj = f.as_object(value, path, names)
    return Declarations(
        **{name: f.as_bool(obj.get(name, False), f"{path}.{name}") for name in names}
    )


def _authority(value: object, path: str) -> Authority:
    names = ("kind", "name", "phone", "email", "address", "hours")
    obj = f.as_object(value, path, names)
    kind = f.as_str(f.required(obj, "kind", path), f"{path}.kind")
    if kind not in AUTHORITY_KINDS:
        raise RegisterFormatError(f"{path}.kind: must be one of {', '.join(AUTHORITY_KINDS)}")
    texts = {
        name: f.as_str(obj.get(name, ""), f"{path}.{name}", allow_empty=True)
        for name in ("phone", "email", "address", "hours")
    }
    return Authority(
        kind=cast("AuthorityKind", kind),
        name=f.as_str(f.required(obj, "name", path), f"{path}.name"),
        **texts,
    )


def _key(value: object, path: str) -> PublishedKey:
    obj = f.as_object(value, path, ("kid", "use", "jwk", "valid_from", "valid_until"))
    use = f.as_str(f.required(obj, "use", path), f"{path}.use")
    if use not in KEY_USES:
        raise RegisterFormatError(f"{path}.use: must be 'sig' or 'enc'")
    jwk = f.as_object(
        f.required(obj, "jwk", path), f"{path}.jwk", ("kty", "crv", "x", "kid", "use")
    )
    if jwk.get("kty") != "OKP" or jwk.get("crv") != KEY_CURVES[use]:
        raise RegisterFormatError(
            f"{path}.jwk: a key for {use!r} must be an OKP {KEY_CURVES[use]} key"
        )
    x = f.as_str(f.required(jwk, "x", f"{path}.jwk"), f"{path}.jwk.x", max_length=64)
    kid = f.as_str(f.required(obj, "kid", path), f"{path}.kid", max_length=64)
    if jwk_thumbprint({"kty": "OKP", "crv": KEY_CURVES[use], "x": x}) != kid:
        raise RegisterFormatError(f"{path}.kid: is not the RFC 7638 thumbprint of the key")
    until = obj.get("valid_until")
    return PublishedKey(
        kid=kid,
        use=cast("KeyUse", use),
        x=x,
        valid_from=f.as_timestamp(f.required(obj, "valid_from", path), f"{path}.valid_from"),
        valid_until=None if until is None else f.as_timestamp(until, f"{path}.valid_until"),
    )


def _node(value: object, path: str) -> NodeEntry | None:
    if value is None:
        return None
    obj = f.as_object(value, path, ("endpoint", "protocols", "capabilities", "keys"))
    endpoint = f.as_str(f.required(obj, "endpoint", path), f"{path}.endpoint")
    if not endpoint.startswith(("https://", "http://")):
        raise RegisterFormatError(f"{path}.endpoint: must be an http(s) URL")
    protocols = [
        f.as_str(p, f"{path}.protocols[{i}]", max_length=40)
        for i, p in enumerate(f.as_list(obj.get("protocols", []), f"{path}.protocols"))
    ]
    capabilities = [
        f.as_str(c, f"{path}.capabilities[{i}]", max_length=64)
        for i, c in enumerate(f.as_list(obj.get("capabilities", []), f"{path}.capabilities"))
    ]
    keys = [
        _key(k, f"{path}.keys[{i}]")
        for i, k in enumerate(f.as_list(obj.get("keys", []), f"{path}.keys"))
    ]
    return NodeEntry(
        endpoint=endpoint,
        protocols=tuple(protocols),
        capabilities=tuple(capabilities),
        keys=tuple(keys),
    )


def state_from_json(value: object, path: str) -> StateEntry:
    names = ("code", "name", "status", "declarations", "languages", "authorities", "node")
    obj = f.as_object(value, path, names)
    code = f.as_str(f.required(obj, "code", path), f"{path}.code", max_length=3)
    if not STATE_CODE.match(code):
        raise RegisterFormatError(f"{path}.code: {code!r} is not an ISO 3166-1 alpha-3 code")
    languages = []
    for i, lang in enumerate(
        f.as_list(obj.get("languages", []), f"{path}.languages", max_items=20)
    ):
        text = f.as_str(lang, f"{path}.languages[{i}]", max_length=10)
        if not LANGUAGE_CODE.match(text):
            raise RegisterFormatError(f"{path}.languages[{i}]: {text!r} is not a language code")
        languages.append(text)
    authorities = f.as_list(obj.get("authorities", []), f"{path}.authorities", max_items=50)
    return StateEntry(
        code=code,
        name=f.as_str(f.required(obj, "name", path), f"{path}.name", max_length=200),
        status=_status(obj.get("status", {}), f"{path}.status"),
        declarations=_declarations(obj.get("declarations", {}), f"{path}.declarations"),
        languages=tuple(languages),
        authorities=tuple(
            _authority(a, f"{path}.authorities[{i}]") for i, a in enumerate(authorities)
        ),
        node=_node(obj.get("node"), f"{path}.node"),
    )


def register_from_json(value: object) -> Register:
    names = (
        "type",
        "format",
        "text",
        "serial",
        "previous_serial",
        "issued_at",
        "expires_at",
        "states",
        "changes",
    )
    obj = f.as_object(value, "register", names)
    if obj.get("type") != DOCUMENT_TYPE:
        raise RegisterFormatError(f"register.type: expected {DOCUMENT_TYPE!r}")
    if obj.get("format") != FORMAT:
        raise RegisterFormatError(f"register.format: this node reads format {FORMAT}")
    states = [
        state_from_json(s, f"register.states[{i}]")
        for i, s in enumerate(
            f.as_list(f.required(obj, "states", "register"), "register.states", max_items=400)
        )
    ]
    codes = [entry.code for entry in states]
    if len(set(codes)) != len(codes):
        raise RegisterFormatError("register.states: a State appears twice")
    changes = []
    for i, item in enumerate(
        f.as_list(obj.get("changes", []), "register.changes", max_items=10000)
    ):
        change = f.as_object(item, f"register.changes[{i}]", ("state", "what", "change"))
        kind = change.get("change")
        if kind not in ("added", "removed", "changed"):
            raise RegisterFormatError(
                f"register.changes[{i}].change: must be added, removed or changed"
            )
        changes.append(
            Change(
                state=f.as_str(change.get("state"), f"register.changes[{i}].state", max_length=3),
                what=f.as_str(change.get("what"), f"register.changes[{i}].what", max_length=100),
                change=kind,
            )
        )
    issued = f.as_timestamp(f.required(obj, "issued_at", "register"), "register.issued_at")
    expires = f.as_timestamp(f.required(obj, "expires_at", "register"), "register.expires_at")
    if expires <= issued:
        raise RegisterFormatError("register.expires_at: must be after issued_at")
    previous = obj.get("previous_serial")
    return Register(
        serial=f.as_int(f.required(obj, "serial", "register"), "register.serial", minimum=1),
        previous_serial=None
        if previous is None
        else f.as_int(previous, "register.previous_serial", minimum=1),
        issued_at=issued,
        expires_at=expires,
        states=tuple(states),
        changes=tuple(changes),
        text=f.as_str(obj.get("text", "A/79/460"), "register.text", max_length=40),
    )


def state_index(register: Register) -> Mapping[str, StateEntry]:
    return {entry.code: entry for entry in register.states}
