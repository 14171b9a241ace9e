"""The bundle's CASE/UCO provenance graph: valid for the CASE validator of case-utils
(pySHACL on the CASE/UCO ontology it ships, no network), and bound to the payload by
``verify_bundle``."""

from __future__ import annotations

import copy
import json
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import rdflib
from case_utils.case_validate import validate
from case_utils.inherent_uuid import get_facet_uriref, hash_method_value_uuid
from case_utils.namespace import NS_UCO_OBSERVABLE, NS_XSD

from hanoinet.core.bundle import PROVENANCE
from hanoinet.core.ledger import CustodyEvent
from hanoinet.core.provenance import (
    CASE_VERSION,
    KB,
    ProvenanceError,
    ProvenanceFile,
    file_hashes,
    provenance_graph,
)
from tests.core.evidence.test_bundle import SEAL, TAGS, failed, make_bundle, rewrite_tag_manifest

CODE = "0b7c1d9e-3f4a-4c5b-9d6e-7f8091a2b3c4"


def nodes_of(graph: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [node for node in graph["@graph"] if node["@type"] == kind]


def test_the_graph_is_valid_case(tmp_path: Path) -> None:
    """case_validate, at its strictest (no infos, no warnings, no unknown concepts),
    finds nothing wrong with the graph of a bundle."""
    bag = make_bundle(tmp_path / "b")
    path = bag / "hanoinet/provenance.jsonld"
    with warnings.catch_warnings():
        # rdflib and pySHACL warn about their own internals; the verdict is what counts.
        warnings.simplefilter("ignore")
        result = validate(str(path), case_version=f"case-{CASE_VERSION}", inference="none")
        graph = rdflib.Graph().parse(path)
    assert result.conforms, result.text
    assert not result.undefined_concepts

    # An RDF reader sees what the verifier reads: each file's SHA-256 under its path.
    uco = rdflib.Namespace("https://ontology.unifiedcyberontology.org/uco/")
    found = {
        str(graph.value(file_facet, uco["observable/filePath"])): str(
            graph.value(digest, uco["types/hashValue"])
        )
        for file in graph.subjects(rdflib.RDF.type, uco["observable/File"])
        for file_facet in graph.objects(file, uco["core/hasFacet"])
        if (file_facet, rdflib.RDF.type, uco["observable/FileFacet"]) in graph
        for content in graph.objects(file, uco["core/hasFacet"])
        for digest in graph.objects(content, uco["observable/hash"])
    }
    manifest = {
        name: digest
        for digest, _, name in (
            line.partition("  ") for line in (bag / "manifest-sha256.txt").read_text().splitlines()
        )
    }
    assert {name: value.lower() for name, value in found.items()} == manifest

    # Hash and facet IRIs follow case-utils' own deterministic scheme.
    kb = rdflib.Namespace(KB)
    for file in graph.subjects(rdflib.RDF.type, uco["observable/File"]):
        assert isinstance(file, rdflib.URIRef)
        facets = set(graph.objects(file, uco["core/hasFacet"]))
        assert get_facet_uriref(file, NS_UCO_OBSERVABLE.FileFacet, namespace=kb) in facets
        assert get_facet_uriref(file, NS_UCO_OBSERVABLE.ContentDataFacet, namespace=kb) in facets
    for digest in graph.subjects(rdflib.RDF.type, uco["types/Hash"]):
        value = graph.value(digest, uco["types/hashValue"])
        assert isinstance(value, rdflib.Literal)
        assert value.datatype == NS_XSD.hexBinary
        expected = hash_method_value_uuid(rdflib.Literal("SHA256"), value)
        assert str(digest) == f"{KB}Hash-{expected}"


def test_the_graph_names_exhibits_and_custody_actions(tmp_path: Path) -> None:
    """One provenance record per exhibit, one investigative action per custody event,
    each naming its ledger leaf, its performer and its time, chained per item."""
    graph = json.loads((make_bundle(tmp_path / "b") / "hanoinet/provenance.jsonld").read_text())
    records = nodes_of(graph, "case-investigation:ProvenanceRecord")
    assert sorted(r["case-investigation:exhibitNumber"] for r in records) == ["EX-1", "EX-2"]
    actions = nodes_of(graph, "case-investigation:InvestigativeAction")
    assert [a["uco-core:name"] for a in actions] == ["acquired", "hashed", "sealed", "exported"] * 2
    assert "leaf 1 of the custody ledger" in actions[0]["uco-core:description"]
    assert actions[0]["uco-action:startTime"] == {
        "@type": "xsd:dateTime",
        "@value": "2026-11-30T03:00:00Z",
    }
    assert "case-investigation:wasInformedBy" not in actions[0]
    assert actions[1]["case-investigation:wasInformedBy"] == [{"@id": actions[0]["@id"]}]
    (person,) = nodes_of(graph, "uco-identity:Identity")
    assert person["uco-core:name"] == "Officer Sok"
    assert all(a["uco-action:performer"] == {"@id": person["@id"]} for a in actions)
    ids = [node["@id"] for node in graph["@graph"]]
    assert len(ids) == len(set(ids))


def test_a_hash_changed_in_the_graph_fails_the_provenance_check(tmp_path: Path) -> None:
    bag = make_bundle(tmp_path / "b")
    path = bag / "hanoinet/provenance.jsonld"
    graph = json.loads(path.read_text())
    digest = nodes_of(graph, "uco-types:Hash")[0]["uco-types:hashValue"]
    digest["@value"] = "0" * 64
    path.write_text(json.dumps(graph))
    problems = failed(bag)
    assert "hanoinet/provenance.jsonld does not match" in problems[TAGS]
    assert "the graph's SHA-256 differs" in problems[PROVENANCE]
    rewrite_tag_manifest(bag)
    problems = failed(bag)
    assert list(problems) == [PROVENANCE, SEAL]


def test_an_edited_graph_fails_the_tag_manifest(tmp_path: Path) -> None:
    bag = make_bundle(tmp_path / "b")
    path = bag / "hanoinet/provenance.jsonld"
    record = '"case-investigation:exhibitNumber": "EX-1"'
    path.write_text(path.read_text().replace(record, record.replace("EX-1", "EX-9")))
    assert failed(bag) == {TAGS: "hanoinet/provenance.jsonld does not match its SHA-256"}


def test_a_bundle_without_the_graph_fails_naming_it(tmp_path: Path) -> None:
    bag = make_bundle(tmp_path / "b")
    (bag / "hanoinet/provenance.jsonld").unlink()
    problems = failed(bag)
    assert "hanoinet/provenance.jsonld is missing" in problems[PROVENANCE]
    assert "hanoinet/provenance.jsonld is listed but missing" in problems[TAGS]
    (bag / "hanoinet/provenance.jsonld").write_text("[1, 2")
    assert "hanoinet/provenance.jsonld: " in failed(bag)[PROVENANCE]


def test_a_file_missing_from_the_graph_or_added_to_it_is_named(tmp_path: Path) -> None:
    bag = make_bundle(tmp_path / "b")
    path = bag / "hanoinet/provenance.jsonld"
    graph = json.loads(path.read_text())
    facet = nodes_of(graph, "uco-observable:FileFacet")[0]
    facet["uco-observable:filePath"] = "data/EX-1/elsewhere.json"
    path.write_text(json.dumps(graph))
    problems = failed(bag)[PROVENANCE]
    assert "data/EX-1/chat.json is not in the graph" in problems
    assert "data/EX-1/elsewhere.json is in the graph but not in the payload" in problems


SHA = "ab" * 32
AT = datetime(2026, 1, 1, tzinfo=UTC)


def small_graph() -> dict[str, Any]:
    event = CustodyEvent(kind="sealed", actor="Sok", at=AT, item_digest=SHA, reason="bagged")
    files = [
        ProvenanceFile("data/EX-1/a.txt", SHA, 3, "EX-1", media_type="text/plain", code=CODE),
        ProvenanceFile("data/EX-2/b.txt", SHA, 3, "EX-2"),
    ]
    return provenance_graph(files, [(0, event)])


def test_an_item_keeps_its_uuid_and_one_event_reaches_every_copy() -> None:
    graph = small_graph()
    assert f"kb:File-{CODE}" in {n["@id"] for n in nodes_of(graph, "uco-observable:File")}
    (action,) = nodes_of(graph, "case-investigation:InvestigativeAction")
    assert len(action["uco-action:object"]) == len(action["uco-action:result"]) == 2
    assert nodes_of(graph, "uco-observable:ContentDataFacet")[0]["uco-observable:mimeType"] == (
        "text/plain"
    )
    assert file_hashes(graph) == {"data/EX-1/a.txt": SHA, "data/EX-2/b.txt": SHA}
    assert small_graph() == graph  # the same input, the same graph


def first(graph: dict[str, Any], kind: str) -> dict[str, Any]:
    return nodes_of(graph, kind)[0]


def _set(kind: str, key: str, value: object) -> Callable[[dict[str, Any]], None]:
    def change(graph: dict[str, Any]) -> None:
        first(graph, kind)[key] = value

    return change


def _drop(kind: str, key: str) -> Callable[[dict[str, Any]], None]:
    def change(graph: dict[str, Any]) -> None:
        del first(graph, kind)[key]

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda g: g.pop("@graph"), "a list of nodes in @graph"),
        (lambda g: g["@graph"].append("text"), "a list of nodes in @graph"),
        (_drop("uco-observable:File", "uco-core:hasFacet"), "needs one uco-observable:FileFacet"),
        (_set("uco-observable:File", "uco-core:hasFacet", [{"@id": "kb:x"}]), "names no node"),
        (_drop("uco-observable:FileFacet", "uco-observable:filePath"), "filePath is missing"),
        (_set("uco-observable:ContentDataFacet", "uco-observable:hash", []), "must have one"),
        (_set("uco-types:Hash", "uco-types:hashMethod", "MD5"), "SHA256 hash as xsd:hexBinary"),
        (_set("uco-types:Hash", "uco-types:hashValue", SHA), "SHA256 hash as xsd:hexBinary"),
        (
            _set("uco-types:Hash", "uco-types:hashValue", {"@type": "xsd:string", "@value": SHA}),
            "SHA256 hash as xsd:hexBinary",
        ),
        (_set("uco-observable:FileFacet", "uco-observable:filePath", 7), "one file path"),
        (
            _set("uco-observable:FileFacet", "uco-observable:filePath", "data/EX-2/b.txt"),
            "named by no other file",
        ),
    ],
)
def test_a_graph_of_another_shape_is_refused(
    change: Callable[[dict[str, Any]], object], message: str
) -> None:
    graph = copy.deepcopy(small_graph())
    change(graph)
    with pytest.raises(ProvenanceError, match=message):
        file_hashes(graph)
