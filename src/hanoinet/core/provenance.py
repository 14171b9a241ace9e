"""The court bundle's provenance graph: CASE/UCO JSON-LD, as plain dicts.

CASE (Cyber-investigation Analysis Standard Expression) on UCO is the vocabulary that
forensic tools exchange provenance in. The graph names, for CASE 1.5.0 / UCO 1.5.0:

* each payload file, an ``uco-observable:File`` with a ``FileFacet`` (name, path in the
  bag) and a ``ContentDataFacet`` (size, and a ``uco-types:Hash``: SHA-256 as
  ``xsd:hexBinary``);
* each exhibit, a ``case-investigation:ProvenanceRecord`` (exhibit number, the file);
* each custody event, a ``case-investigation:InvestigativeAction`` (kind, time, the
  performer as an ``uco-identity:Identity``, the file and its provenance record, and the
  leaf index of the event in the custody ledger), informed by the item's previous event.

Every node is at the top of ``@graph`` and refers to others by ``@id`` only, so a reader
finds what it needs without a JSON-LD processor. Every IRI is ``kb:<Class>-<UUID>`` under
``urn:hanoinet:kb:``, and the UUIDs are derived, so the same bundle always gives the same
graph: facets and hashes follow case-utils' ``inherent_uuid`` scheme (a facet's UUID is
UUIDv5 of its object's UUID and its class IRI; a hash's is UUIDv5 of
``urn:hash::sha256:<hex>``), a file takes its evidence item's UUID when it has one.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from hanoinet.core.errors import CoreError
from hanoinet.core.ledger import CustodyEvent, leaf_hash

CASE_VERSION: Final = "1.5.0"
KB: Final = "urn:hanoinet:kb:"
UCO: Final = "https://ontology.unifiedcyberontology.org/uco/"
CONTEXT: Final[dict[str, str]] = {
    "kb": KB,
    "case-investigation": "https://ontology.caseontology.org/case/investigation/",
    "uco-action": UCO + "action/",
    "uco-core": UCO + "core/",
    "uco-identity": UCO + "identity/",
    "uco-observable": UCO + "observable/",
    "uco-types": UCO + "types/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
# The root of every UUID this module derives that case-utils has no scheme for.
_NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, KB)

Node = dict[str, object]


class ProvenanceError(CoreError):
    """The provenance graph is not one this module wrote; the message says where."""


@dataclass(frozen=True, slots=True)
class ProvenanceFile:
    """A payload file: its path in the bag, content hash and size, and its exhibit."""

    path: str
    sha256: str
    size: int
    exhibit: str
    description: str = ""
    media_type: str = ""
    code: str = ""  # the evidence item's UUID, when the node knows it


def _ref(iri: str) -> dict[str, str]:
    return {"@id": iri}


def _typed(value: str, datatype: str) -> dict[str, str]:
    return {"@type": f"xsd:{datatype}", "@value": value}


def _iri(cls: str, value: uuid.UUID) -> str:
    return f"kb:{cls}-{value}"


def _file_uuid(file: ProvenanceFile) -> uuid.UUID:
    try:
        return uuid.UUID(file.code)
    except ValueError:
        return uuid.uuid5(_NAMESPACE, f"file:{file.path}:{file.sha256}")


def _facet_iri(owner: uuid.UUID, cls: str) -> str:
    # case_utils.inherent_uuid.get_facet_uriref: UUIDv5(owner's UUID, facet class IRI).
    return _iri(cls, uuid.uuid5(owner, f"{UCO}observable/{cls}"))


def hash_iri(sha256: str) -> str:
    """The IRI of a SHA-256 ``uco-types:Hash`` (case_utils.inherent_uuid's scheme).

    >>> hash_iri("00" * 32)
    'kb:Hash-f36918d2-e884-5a3a-b9d8-91af4c2cdb98'
    """
    return _iri("Hash", uuid.uuid5(uuid.NAMESPACE_URL, f"urn:hash::sha256:{sha256.lower()}"))


def _file_nodes(file: ProvenanceFile) -> tuple[str, str, list[Node]]:
    owner = _file_uuid(file)
    file_iri = _iri("File", owner)
    record_iri = _iri("ProvenanceRecord", uuid.uuid5(owner, "provenance-record"))
    file_facet, content_facet = (
        _facet_iri(owner, "FileFacet"),
        _facet_iri(owner, "ContentDataFacet"),
    )
    content: Node = {
        "@id": content_facet,
        "@type": "uco-observable:ContentDataFacet",
        "uco-observable:hash": [_ref(hash_iri(file.sha256))],
        "uco-observable:sizeInBytes": _typed(str(file.size), "integer"),
    }
    if file.media_type:
        content["uco-observable:mimeType"] = file.media_type
    record: Node = {
        "@id": record_iri,
        "@type": "case-investigation:ProvenanceRecord",
        "case-investigation:exhibitNumber": file.exhibit,
        "uco-core:object": [_ref(file_iri)],
    }
    if file.description:
        record["uco-core:description"] = file.description
    nodes: list[Node] = [
        {
            "@id": file_iri,
            "@type": "uco-observable:File",
            "uco-core:hasFacet": [_ref(file_facet), _ref(content_facet)],
        },
        {
            "@id": file_facet,
            "@type": "uco-observable:FileFacet",
            "uco-observable:fileName": file.path.rsplit("/", 1)[-1],
            "uco-observable:filePath": file.path,
        },
        content,
        record,
    ]
    return file_iri, record_iri, nodes


def provenance_graph(
    files: Sequence[ProvenanceFile], custody: Sequence[tuple[int, CustodyEvent]]
) -> dict[str, object]:
    """The CASE/UCO graph of ``files`` and of their custody events, given as
    ``(leaf index, event)`` in ledger order. An event is linked to every file whose
    SHA-256 it names.

    >>> from datetime import UTC, datetime
    >>> file = ProvenanceFile("data/EX-1/a.txt", "ab" * 32, 3, "EX-1")
    >>> event = CustodyEvent(kind="sealed", actor="Sok", at=datetime(2026, 1, 1, tzinfo=UTC),
    ...                      item_digest="ab" * 32, reason="bagged")
    >>> graph = provenance_graph([file], [(7, event)])
    >>> [node["@type"] for node in graph["@graph"]]  # doctest: +NORMALIZE_WHITESPACE
    ['uco-observable:File', 'uco-observable:FileFacet', 'uco-observable:ContentDataFacet',
     'case-investigation:ProvenanceRecord', 'uco-types:Hash', 'uco-identity:Identity',
     'case-investigation:InvestigativeAction']
    """
    nodes: list[Node] = []
    by_digest: dict[str, list[tuple[str, str]]] = {}
    for file in files:
        file_iri, record_iri, file_nodes = _file_nodes(file)
        nodes.extend(file_nodes)
        by_digest.setdefault(file.sha256, []).append((file_iri, record_iri))
    for digest in sorted(by_digest):
        nodes.append(
            {
                "@id": hash_iri(digest),
                "@type": "uco-types:Hash",
                "uco-types:hashMethod": "SHA256",
                "uco-types:hashValue": _typed(digest, "hexBinary"),
            }
        )
    people: dict[str, str] = {}
    previous: dict[str, str] = {}
    for index, event in custody:
        if event.actor not in people:
            people[event.actor] = _iri("Identity", uuid.uuid5(_NAMESPACE, f"actor:{event.actor}"))
            nodes.append(
                {
                    "@id": people[event.actor],
                    "@type": "uco-identity:Identity",
                    "uco-core:name": event.actor,
                }
            )
        leaf = leaf_hash(event.to_leaf_bytes()).hex()
        action_iri = _iri("InvestigativeAction", uuid.uuid5(_NAMESPACE, f"leaf:{index}:{leaf}"))
        at = _typed(event.at.isoformat().replace("+00:00", "Z"), "dateTime")
        linked = by_digest.get(event.item_digest, [])
        action: Node = {
            "@id": action_iri,
            "@type": "case-investigation:InvestigativeAction",
            "uco-core:name": event.kind,
            "uco-core:description": (
                f"Custody event '{event.kind}', leaf {index} of the custody ledger "
                f"(leaf hash {leaf}): {event.reason}"
            ),
            "uco-action:startTime": at,
            "uco-action:endTime": at,
            "uco-action:performer": _ref(people[event.actor]),
            "uco-action:object": [_ref(file_iri) for file_iri, _ in linked],
            "uco-action:result": [_ref(record_iri) for _, record_iri in linked],
        }
        if event.item_digest in previous:
            action["case-investigation:wasInformedBy"] = [_ref(previous[event.item_digest])]
        previous[event.item_digest] = action_iri
        nodes.append(action)
    return {"@context": dict(CONTEXT), "@graph": nodes}


# Reading back ---------------------------------------------------------------------------


def _one(node: Node, key: str, where: str) -> object:
    value = node.get(key)
    if isinstance(value, list):
        if len(value) != 1:
            raise ProvenanceError(f"{where}: {key} must have one value")
        value = value[0]
    if value is None:
        raise ProvenanceError(f"{where}: {key} is missing")
    return value


def _node(nodes: dict[str, Node], ref: object, where: str) -> Node:
    iri = ref.get("@id") if isinstance(ref, dict) else None
    if not isinstance(iri, str) or iri not in nodes:
        raise ProvenanceError(f"{where}: {ref!r} names no node of the graph")
    return nodes[iri]


def _value(value: object) -> object:
    return value.get("@value") if isinstance(value, dict) else value


def _facet(nodes: dict[str, Node], file: Node, cls: str, where: str) -> Node:
    refs = file.get("uco-core:hasFacet")
    found = [
        facet
        for facet in (_node(nodes, ref, where) for ref in (refs if isinstance(refs, list) else []))
        if facet.get("@type") == cls
    ]
    if len(found) != 1:
        raise ProvenanceError(f"{where}: needs one {cls}")
    return found[0]


def file_hashes(graph: object) -> dict[str, str]:
    """Each ``uco-observable:File`` of a graph :func:`provenance_graph` wrote: its path in
    the bag and its SHA-256 (lowercase hex). :class:`ProvenanceError` if the graph is not
    of that shape.

    >>> file = ProvenanceFile("data/EX-1/a.txt", "AB" * 32, 3, "EX-1")
    >>> file_hashes(provenance_graph([file], []))
    {'data/EX-1/a.txt': 'abababababababababababababababababababababababababababababababab'}
    """
    listed = graph.get("@graph") if isinstance(graph, dict) else None
    if not isinstance(listed, list) or not all(isinstance(node, dict) for node in listed):
        raise ProvenanceError("the graph must be a JSON-LD object with a list of nodes in @graph")
    nodes: dict[str, Node] = {str(node.get("@id")): node for node in listed}
    hashes: dict[str, str] = {}
    for iri, node in nodes.items():
        if node.get("@type") != "uco-observable:File":
            continue
        path = _value(
            _one(
                _facet(nodes, node, "uco-observable:FileFacet", iri), "uco-observable:filePath", iri
            )
        )
        content = _facet(nodes, node, "uco-observable:ContentDataFacet", iri)
        digest = _node(nodes, _one(content, "uco-observable:hash", iri), iri)
        method = _value(_one(digest, "uco-types:hashMethod", iri))
        value = _one(digest, "uco-types:hashValue", iri)
        if method != "SHA256" or not isinstance(value, dict):
            raise ProvenanceError(f"{iri}: needs a SHA256 hash as xsd:hexBinary")
        if value.get("@type") != "xsd:hexBinary" or not isinstance(value.get("@value"), str):
            raise ProvenanceError(f"{iri}: needs a SHA256 hash as xsd:hexBinary")
        if not isinstance(path, str) or path in hashes:
            raise ProvenanceError(f"{iri}: needs one file path, named by no other file")
        hashes[path] = str(value["@value"]).lower()
    return hashes
