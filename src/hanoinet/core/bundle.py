"""The court bundle: a BagIt bag (RFC 8493) whose tag files carry the custody proofs, and
its offline verification.

Layout::

    bagit.txt  bag-info.txt  manifest-sha256.txt  tagmanifest-sha256.txt
    data/<exhibit files>
    hanoinet/custody.json     the custody events (leaf bytes), their leaf indexes and
                              inclusion proofs against the checkpoint
    hanoinet/checkpoint.txt   the ledger's signed checkpoint (C2SP note; witnesses may co-sign)
    hanoinet/keys.json        the public keys of the log and of its witnesses
    hanoinet/items.json       what each payload file is: exhibit, description, acquisition
    hanoinet/witnessed.json   earlier checkpoints co-signed by witnesses, each with the
                              consistency proof to the bundle's checkpoint
    hanoinet/provenance.jsonld  the same provenance as a CASE/UCO JSON-LD graph (files,
                              hashes, exhibits, custody events as investigative actions),
                              for forensic tools (see hanoinet.core.provenance)
    hanoinet/receipts.json    the federation delivery receipts of every transfer that took
                              an item across a border, each with the keys to check it and,
                              where the node holds it, the sender's signed message (see
                              hanoinet.core.envelope.delivery); an empty list otherwise
    hanoinet/register.jws     the newest register the bundling node accepted (the
                              secretariat's signed document, verbatim); empty if none
    hanoinet/register-signers.json  the secretariat keys that node trusts, with the key
                              rotation announcements it holds (hanoinet.core.register.court)
    hanoinet/seal.txt         the seal: a signed note (the log's key) over the SHA-256 of
                              tagmanifest-sha256.txt, which hashes every other file; the
                              one tag file the tag manifest cannot list

:func:`verify_bundle` needs nothing but the folder: no database, no node, no network.
It runs every check, even after one fails, and names each one.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hanoinet.core.envelope.delivery import DeliveryEntry, check_delivery
from hanoinet.core.errors import CoreError
from hanoinet.core.evidence.transfer import TransferError, unpack
from hanoinet.core.jsonio import JsonError, loads_strict
from hanoinet.core.ledger import (
    BadProofError,
    CustodyEvent,
    LedgerError,
    UnknownSignerError,
    VerifiedCheckpoint,
    leaf_hash,
    parse_checkpoint,
    verify_checkpoint,
    verify_consistency,
    verify_inclusion,
)
from hanoinet.core.ledger.note import Note, parse_note, sign_text, verify_note
from hanoinet.core.provenance import (
    ProvenanceError,
    ProvenanceFile,
    file_hashes,
    provenance_graph,
)
from hanoinet.core.register.court import (
    REGISTER_FILE,
    SIGNERS_FILE,
    KeyClaim,
    check_keys,
    check_register,
    signers_json,
)

BAGIT = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
TAG_FILES = (
    "custody.json",
    "checkpoint.txt",
    "keys.json",
    "items.json",
    "witnessed.json",
    "provenance.jsonld",
    "receipts.json",
    REGISTER_FILE,
    SIGNERS_FILE,
)
READ = 1 << 20
# The seal: the log's key signs the tag manifest, which holds the hash of every other
# file (the payload through manifest-sha256.txt). It is the one tag file the tag manifest
# cannot list. Without it, whoever holds the bundle could edit what items.json says
# (exhibit numbers, descriptions, who acquired what) and recompute the manifests.
SEAL_FILE = "hanoinet/seal.txt"
SEAL_TITLE = "hanoinet court bundle seal v1"
# Signer names in keys.json: the log (hanoinet.ledger.origin) and witnesses
# (hanoinet.node.evidence.witness.witness_name) of a State, by its lower-case code.
SIGNER_NAME = re.compile(r"^hanoinet\.([a-z]{3})/(custody|witness)$")


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    def add(self, name: str, ok: bool, detail: str = "") -> None:
        self.checks.append(Check(name, ok, detail))

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checks": [{"check": c.name, "ok": c.ok, "detail": c.detail} for c in self.checks],
        }

    def text(self) -> str:
        lines = [
            f"{'PASS' if c.ok else 'FAIL'}  {c.name}{': ' + c.detail if c.detail else ''}"
            for c in self.checks
        ]
        lines.append(
            "bundle verified: every check passed"
            if self.ok
            else f"bundle NOT verified: {sum(not c.ok for c in self.checks)} check(s) failed"
        )
        return "\n".join(lines)


def sha256_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as source:
        while chunk := source.read(READ):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


# Writing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Payload:
    """One exhibit: its name in ``data/``, its content as chunks, and what it is."""

    name: str
    chunks: Iterable[bytes]
    item: dict[str, Any]


def _safe_name(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or "\n" in name:
        raise CoreError(f"{name!r} is not a safe file name inside a bag")
    return str(path)


def write_bundle(
    folder: Path,
    *,
    payloads: Iterable[Payload],
    custody: list[dict[str, Any]],
    checkpoint: str,
    keys: dict[str, str],
    info: dict[str, str],
    witnessed: list[dict[str, Any]] | None = None,
    receipts: list[DeliveryEntry] | None = None,
    register: str = "",
    register_signers: list[dict[str, str]] | None = None,
    key_rotations: list[str] | None = None,
    seal_key: Ed25519PrivateKey,
) -> Path:
    """Write the bag into ``folder`` (which must not exist yet): payload streamed and
    hashed as it is written, then the tag files, both manifests, and the seal: the tag
    manifest signed with ``seal_key``, the log's key (the one that signs ``checkpoint``)."""
    if folder.exists():
        raise CoreError(f"{folder} exists already: a bundle is written into a new folder")
    (folder / "data").mkdir(parents=True)
    (folder / "hanoinet").mkdir()
    manifest: list[tuple[str, str]] = []
    items: list[dict[str, Any]] = []
    files: list[ProvenanceFile] = []
    octets = 0
    for payload in payloads:
        relative = f"data/{_safe_name(payload.name)}"
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        with target.open("xb") as out:
            for chunk in payload.chunks:
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
        octets += size
        manifest.append((digest.hexdigest(), relative))
        items.append({**payload.item, "path": relative, "sha256": digest.hexdigest()})
        files.append(_provenance_file(payload, relative, digest.hexdigest(), size))
    (folder / "bagit.txt").write_text(BAGIT, encoding="utf-8")
    lines = [f"{key}: {value}" for key, value in info.items()]
    lines.append(f"Payload-Oxum: {octets}.{len(manifest)}")
    (folder / "bag-info.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "manifest-sha256.txt").write_text(
        "".join(f"{digest}  {path}\n" for digest, path in sorted(manifest, key=lambda m: m[1])),
        encoding="utf-8",
    )
    tags = {
        "custody.json": json.dumps(custody, indent=1, ensure_ascii=False),
        "checkpoint.txt": checkpoint,
        "keys.json": json.dumps(keys, indent=1),
        "items.json": json.dumps(items, indent=1, ensure_ascii=False),
        "witnessed.json": json.dumps(witnessed or [], indent=1),
        "provenance.jsonld": json.dumps(
            provenance_graph(files, _events(custody)), indent=1, ensure_ascii=False
        ),
        "receipts.json": json.dumps(receipts or [], indent=1, ensure_ascii=False),
        REGISTER_FILE: register.strip(),
        SIGNERS_FILE: signers_json(register_signers or [], key_rotations or []),
    }
    for name, text in tags.items():
        (folder / "hanoinet" / name).write_text(text, encoding="utf-8")
    tagged = ["bagit.txt", "bag-info.txt", "manifest-sha256.txt"] + [
        f"hanoinet/{name}" for name in TAG_FILES
    ]
    (folder / "tagmanifest-sha256.txt").write_text(
        "".join(f"{sha256_file(folder / name)[0]}  {name}\n" for name in tagged),
        encoding="utf-8",
    )
    text = seal_text(sha256_file(folder / "tagmanifest-sha256.txt")[0])
    origin = parse_checkpoint(checkpoint).checkpoint.origin
    (folder / SEAL_FILE).write_text(
        Note(text, (sign_text(text, origin, seal_key),)).serialise(), encoding="utf-8"
    )
    return folder


def seal_text(tag_manifest_sha256: str) -> str:
    """What the seal signs: a title no checkpoint can have, and the tag manifest's hash."""
    return f"{SEAL_TITLE}\ntagmanifest-sha256 {tag_manifest_sha256}\n"


def _provenance_file(payload: Payload, relative: str, sha256: str, size: int) -> ProvenanceFile:
    item = payload.item
    parts = PurePosixPath(payload.name).parts
    return ProvenanceFile(
        path=relative,
        sha256=sha256,
        size=size,
        exhibit=str(item.get("exhibit_number") or (parts[0] if len(parts) > 1 else parts[-1])),
        description=str(item.get("description") or ""),
        media_type=str(item.get("media_type") or ""),
        code=str(item.get("code") or ""),
    )


def _events(custody: list[dict[str, Any]]) -> list[tuple[int, CustodyEvent]]:
    """The custody entries as (leaf index, event); a malformed leaf is refused here rather
    than written into a bundle that could never verify."""
    return [
        (int(entry["index"]), CustodyEvent.from_leaf_bytes(str(entry["leaf"]).encode("utf-8")))
        for entry in custody
    ]


# Verifying ----------------------------------------------------------------------------


def _manifest(path: Path) -> dict[str, str] | None:
    if not path.is_file():
        return None
    entries: dict[str, str] = {}
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return None  # not UTF-8 (RFC 8493 §2.1.3): as unreadable as a missing manifest
    for line in text.splitlines():
        digest, _sep, name = line.partition("  ")
        if len(digest) != 64 or not name:
            return None
        entries[name] = digest
    return entries


def _files(root: Path) -> Iterator[str]:
    for directory, _dirs, names in os.walk(root):
        for name in names:
            yield (Path(directory) / name).relative_to(root.parent).as_posix()


def _check_manifest(
    report: Report, bag: Path, manifest: dict[str, str] | None, what: str, expected: set[str]
) -> dict[str, str]:
    name = f"{what} complete and every hash matches"
    if manifest is None:
        report.add(name, False, f"{what} is missing or malformed")
        return {}
    problems = []
    for path in sorted(expected - manifest.keys()):
        problems.append(f"{path} is not listed")
    for path, digest in sorted(manifest.items()):
        file = bag / path
        if not file.is_file():
            problems.append(f"{path} is listed but missing")
        elif sha256_file(file)[0] != digest:
            problems.append(f"{path} does not match its SHA-256")
    report.add(name, not problems, "; ".join(problems[:10]))
    return manifest


def _check_witnessed(
    report: Report,
    bag: Path,
    keys: dict[str, Ed25519PublicKey],
    verified: VerifiedCheckpoint | None,
    required: bool,
) -> None:
    """Earlier checkpoints co-signed by witnesses, and proofs that the bundle's log
    extends them: the log did not show the court a history its witnesses never saw."""
    name = "the checkpoint extends a witnessed checkpoint"
    try:
        entries = loads_strict((bag / "hanoinet" / "witnessed.json").read_bytes())
        if not isinstance(entries, list):
            raise JsonError("witnessed.json must be a list")
    except (OSError, JsonError) as exc:
        report.add(name, False, str(exc))
        return
    if not entries:
        report.add(name, not required, "no witness co-signature in this bundle")
        return
    if verified is None:
        report.add(name, False, "no verified checkpoint to compare with")
        return
    problems, seen = [], []
    for position, entry in enumerate(entries):
        try:
            earlier = verify_checkpoint(str(entry["note"]), keys)
            log = earlier.checkpoint.origin
            witnesses = [signer for signer in earlier.signers if signer != log]
            if log != verified.checkpoint.origin or log not in earlier.signers or not witnesses:
                raise UnknownSignerError("needs the log's signature and a witness's")
            verify_consistency(
                earlier.checkpoint.size,
                verified.checkpoint.size,
                earlier.checkpoint.root,
                verified.checkpoint.root,
                [bytes.fromhex(h) for h in entry["consistency"]],
            )
            seen.append(f"{', '.join(witnesses)} at size {earlier.checkpoint.size}")
        except (KeyError, TypeError, ValueError, LedgerError) as exc:
            problems.append(f"entry {position}: {exc}")
    report.add(name, not problems, "; ".join(problems[:10]) or "witnessed by " + "; ".join(seen))


PROVENANCE = "provenance graph (CASE/UCO) gives every payload file its SHA-256"


def _check_provenance(report: Report, bag: Path, manifest: dict[str, str]) -> None:
    """The CASE/UCO graph names the same files with the same hashes as the manifest: a
    forensic tool reading only the graph learns nothing the bag contradicts."""
    path = bag / "hanoinet" / "provenance.jsonld"
    if not path.is_file():
        report.add(
            PROVENANCE,
            False,
            "hanoinet/provenance.jsonld is missing (bundles made before it was added must be "
            "made again)",
        )
        return
    try:
        graph = file_hashes(loads_strict(path.read_bytes()))
    except (OSError, JsonError, ProvenanceError) as exc:
        report.add(PROVENANCE, False, f"hanoinet/provenance.jsonld: {exc}")
        return
    problems = [
        f"{name} is not in the graph"
        if name not in graph
        else f"{name}: the graph's SHA-256 differs"
        for name, digest in sorted(manifest.items())
        if graph.get(name) != digest
    ]
    problems += [
        f"{name} is in the graph but not in the payload"
        for name in sorted(graph.keys() - manifest.keys())
    ]
    report.add(PROVENANCE, not problems, "; ".join(problems[:10]) or f"{len(graph)} files")


RECEIPTS = "federation receipts"


def _check_receipts(report: Report, bag: Path) -> None:
    """Each delivery receipt in the bundle proves that the other State received exactly
    the message it names (see hanoinet.core.envelope.delivery); a failure names the
    message and the reason."""
    try:
        entries = loads_strict((bag / "hanoinet" / "receipts.json").read_bytes())
        if not isinstance(entries, list):
            raise JsonError("receipts.json must be a list")
    except (OSError, JsonError) as exc:
        report.add(RECEIPTS, False, f"hanoinet/receipts.json: {exc}")
        return
    if not entries:
        report.add(RECEIPTS, True, "no transfers")
        return
    problems, signed = [], 0
    for position, entry in enumerate(entries):
        try:
            check_delivery(entry)
        except CoreError as exc:
            problems.append(f"{_message_name(position, entry)}: {exc}")
            continue
        if isinstance(entry, dict) and entry.get("signed") is not None:
            signed += 1
    report.add(
        RECEIPTS,
        not problems,
        "; ".join(problems[:10])
        or f"{len(entries)} receipt{'s' if len(entries) > 1 else ''} ({signed} with the "
        "sender's signed message)",
    )


def _message_name(position: int, entry: object) -> str:
    fields = entry if isinstance(entry, dict) else {}
    message_id, kind = fields.get("message_id"), fields.get("type")
    if not isinstance(message_id, str) or not message_id:
        return f"entry {position}"
    return f"message {message_id}" + (f" ({kind})" if isinstance(kind, str) else "")


def _public_keys(raw: object) -> dict[str, Ed25519PublicKey]:
    if not isinstance(raw, dict):
        raise ValueError("keys.json must map signer names to Ed25519 public keys")
    keys = {}
    for name, x in raw.items():
        padded = str(x) + "=" * (-len(str(x)) % 4)
        keys[str(name)] = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(padded))
    return keys


def verify_bundle_archive(
    archive: Path, *, require_witness: bool = False, require_register: bool = False
) -> Report:
    """A bundle as one archive file (the tar a node's page or ``hanoinet evidence bundle
    --out NAME.tar`` writes): unpacked into a temporary folder, regular files only (a
    link, a device or a name that climbs out is refused), then checked as a folder. The
    report's first check says whether the archive could be read."""
    with tempfile.TemporaryDirectory(prefix="hanoinet-verify-") as work:
        folder = Path(work) / "bundle"
        try:
            unpack(archive, folder)
        except (TransferError, tarfile.TarError, OSError) as exc:
            report = Report()
            report.add("bundle archive", False, f"{archive.name} cannot be unpacked: {exc}")
            return report
        count = sum(1 for path in folder.rglob("*") if path.is_file())
        report = Report([Check("bundle archive", True, f"{count} files unpacked from it")])
        inner = verify_bundle(
            folder, require_witness=require_witness, require_register=require_register
        )
        report.checks.extend(inner.checks)
        return report


def verify_bundle(
    folder: Path, *, require_witness: bool = False, require_register: bool = False
) -> Report:
    report = Report()
    bag = Path(folder)
    if not bag.is_dir():
        report.add("bundle folder", False, f"{bag} is not a folder")
        return report
    declaration = bag / "bagit.txt"
    report.add(
        "bagit.txt declares BagIt 1.0",
        declaration.is_file()
        and declaration.read_text(encoding="utf-8", errors="replace") == BAGIT,
    )
    payload_files = set(_files(bag / "data")) if (bag / "data").is_dir() else set()
    manifest = _check_manifest(
        report, bag, _manifest(bag / "manifest-sha256.txt"), "payload manifest", payload_files
    )
    info = (
        # A damaged byte must fail a check (the tag manifest names the file), not the run.
        (bag / "bag-info.txt").read_text(encoding="utf-8", errors="replace")
        if (bag / "bag-info.txt").is_file()
        else ""
    )
    octets = sum((bag / p).stat().st_size for p in payload_files)
    report.add(
        "Payload-Oxum matches the payload",
        f"Payload-Oxum: {octets}.{len(payload_files)}" in info.splitlines(),
    )
    tag_expected = {"bagit.txt", "bag-info.txt", "manifest-sha256.txt"} | {
        f"hanoinet/{name}" for name in TAG_FILES
    }
    # Any other file beside the payload must be listed too: nothing a court might read
    # in the bundle goes unchecked. (The tag manifest and the seal cannot list themselves.)
    tag_expected |= {
        path.relative_to(bag).as_posix()
        for path in bag.rglob("*")
        if path.is_file() and not path.relative_to(bag).as_posix().startswith("data/")
    } - {"tagmanifest-sha256.txt", SEAL_FILE}
    _check_manifest(
        report, bag, _manifest(bag / "tagmanifest-sha256.txt"), "tag manifest", tag_expected
    )
    _check_provenance(report, bag, manifest)

    # The ledger's checkpoint, signed by a key the bundle names.
    verified = None
    keys: dict[str, Ed25519PublicKey] = {}
    try:
        keys = _public_keys(loads_strict((bag / "hanoinet" / "keys.json").read_bytes()))
        verified = verify_checkpoint((bag / "hanoinet" / "checkpoint.txt").read_text("utf-8"), keys)
        if verified.checkpoint.origin not in verified.signers:
            raise UnknownSignerError(f"not signed by the log {verified.checkpoint.origin}")
        report.add(
            "checkpoint signature",
            True,
            f"size {verified.checkpoint.size}, signed by {', '.join(verified.signers)}",
        )
    except (OSError, JsonError, ValueError, LedgerError) as exc:
        report.add("checkpoint signature", False, str(exc))
        verified = None
    _check_seal(report, bag, keys, verified)
    _check_witnessed(report, bag, keys, verified, require_witness)
    _check_custody(report, bag, manifest, verified)
    _check_receipts(report, bag)
    _check_register(report, bag, verified, require_register)
    return report


def _check_seal(
    report: Report,
    bag: Path,
    keys: dict[str, Ed25519PublicKey],
    verified: VerifiedCheckpoint | None,
) -> None:
    """The tag manifest as the log's key signed it: every file the bundle holds is as
    the node that made it wrote it."""
    name = "bundle seal: the tag manifest is signed by the log's key"
    if verified is None:
        report.add(name, False, "no verified checkpoint, so no known log key")
        return
    log = verified.checkpoint.origin
    try:
        raw = (bag / SEAL_FILE).read_bytes()
    except OSError:
        report.add(name, False, f"{SEAL_FILE} is missing: the bundle's contents are unsigned")
        return
    try:
        note = parse_note(raw)
        signers = verify_note(note, {log: keys[log]})
        manifest = sha256_file(bag / "tagmanifest-sha256.txt")[0]
    except (OSError, KeyError, LedgerError) as exc:
        report.add(name, False, str(exc))
        return
    if note.text != seal_text(manifest):
        report.add(
            name, False, "it signs another tag manifest: the bundle was changed after it was sealed"
        )
        return
    report.add(name, True, f"signed by {', '.join(signers)}")


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _check_register(
    report: Report, bag: Path, verified: VerifiedCheckpoint | None, required: bool
) -> None:
    """The register the bundle carries is the secretariat's, and every key the bundle
    relies on is in it for the State it speaks for (see hanoinet.core.register.court).

    A bundle without a register passes unless ``required``: a lone node holds none (nor
    do many of the tests' nodes), its custody proofs still stand on their own, and
    failing it would refuse every such bundle at a receiving node too; a court that
    needs the keys tied to States asks for it (verify-bundle --require-register)."""
    token = _read(bag / "hanoinet" / REGISTER_FILE)
    text = None if token is None else token.decode("utf-8", errors="replace")
    outcome, register = check_register(
        text, _read(bag / "hanoinet" / SIGNERS_FILE), required=required
    )
    report.add(outcome.name, outcome.ok, outcome.detail)
    claims, problems = _key_claims(bag, verified)
    absent = text is not None and not text.strip()
    keys = check_keys(register, claims, problems, absent=absent)
    report.add(keys.name, keys.ok and not (absent and required), keys.detail)


def _key_claims(bag: Path, verified: VerifiedCheckpoint | None) -> tuple[list[KeyClaim], list[str]]:
    """Every key the bundle relies on, with the State it is said to belong to: the log's
    and witnesses' keys of keys.json (named by signer name) and the receipt signers' and
    senders' keys of receipts.json (with their kids)."""
    claims: list[KeyClaim] = []
    problems: list[str] = []
    try:
        keys = loads_strict((bag / "hanoinet" / "keys.json").read_bytes())
        if not isinstance(keys, dict):
            raise JsonError("keys.json must map signer names to keys")
    except (OSError, JsonError) as exc:
        problems.append(f"hanoinet/keys.json: {exc}")
        keys = {}
    for name, x in sorted(keys.items()):
        match = SIGNER_NAME.match(str(name))
        if match is None or not isinstance(x, str):
            problems.append(f"key {name}: not a log or witness name of a State, or not a key")
            continue
        log = match.group(2) == "custody"
        at = verified.checkpoint.timestamp if log and verified is not None else None
        claims.append(
            KeyClaim(
                f"{'log' if log else 'witness'} key {name}", match.group(1).upper(), x, None, at
            )
        )
    try:
        entries = loads_strict((bag / "hanoinet" / "receipts.json").read_bytes())
        if not isinstance(entries, list):
            raise JsonError("receipts.json must be a list")
    except (OSError, JsonError) as exc:
        problems.append(f"hanoinet/receipts.json: {exc}")
        entries = []
    for position, entry in enumerate(entries):
        fields = entry if isinstance(entry, dict) else {}
        message = _message_name(position, entry)
        # The receiver signs the receipt, the sender the message.
        for role, field_name, state in (
            ("receipt signer", "receipt_key", fields.get("recipient")),
            ("sender", "sender_key", fields.get("sender")),
        ):
            ref = fields.get(field_name)
            if ref is None and field_name == "sender_key":
                continue
            if not isinstance(ref, dict) or not isinstance(state, str):
                problems.append(f"{message}: no {role} key to check")
                continue
            kid, x = ref.get("kid"), ref.get("x")
            if not isinstance(kid, str) or not isinstance(x, str):
                problems.append(f"{message}: the {role} key needs a kid and an x")
                continue
            claims.append(KeyClaim(f"{role} key of {message}", state, x, kid))
    return claims, problems


def _check_custody(
    report: Report, bag: Path, manifest: dict[str, str], verified: VerifiedCheckpoint | None
) -> None:
    """Every custody event is in the signed log, and concerns a payload file."""
    digests = set(manifest.values())
    try:
        custody = loads_strict((bag / "hanoinet" / "custody.json").read_bytes())
        if not isinstance(custody, list):
            raise JsonError("custody.json must be a list")
    except (OSError, JsonError) as exc:
        report.add("custody events", False, str(exc))
        return
    failures = []
    covered: set[str] = set()
    for position, entry in enumerate(custody):
        try:
            data = str(entry["leaf"]).encode("utf-8")
            event = CustodyEvent.from_leaf_bytes(data)
            if verified is None:
                raise BadProofError("no verified checkpoint to check the proof against")
            verify_inclusion(
                leaf_hash(data),
                int(entry["index"]),
                verified.checkpoint.size,
                [bytes.fromhex(h) for h in entry["inclusion_proof"]],
                verified.checkpoint.root,
            )
        except (KeyError, TypeError, ValueError, LedgerError) as exc:
            failures.append(f"event {position}: {exc}")
            continue
        if event.item_digest not in digests:
            failures.append(f"event {position} ({event.kind}) is about no payload file")
        covered.add(event.item_digest)
    report.add(
        "custody events are in the signed ledger (inclusion proofs)",
        not failures and bool(custody),
        "; ".join(failures[:10]) or f"{len(custody)} events",
    )
    uncovered = sorted(digests - covered)
    report.add(
        "every payload file has its custody events",
        not uncovered,
        ", ".join(d[:16] for d in uncovered),
    )
