"""An operator bundles evidence and anyone checks it offline with one command."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

from tests.node.test_cli import run


def node_with_exhibit(tmp_path: Path, exhibit: Path, *details: str) -> tuple[dict[str, str], str]:
    """A Cambodian node (set up by ``init``) holding ``exhibit``: its environment, and
    the item's code."""
    folder = tmp_path / "node"
    assert run("init", "--data-dir", str(folder), "--state", "khm", "--no-input").returncode == 0
    env = {"HANOINET_DATA_DIR": str(folder), "HANOINET_STATE": "KHM"}
    added = run("evidence", "add", str(exhibit), *details, env=env)
    return env, str(json.loads(added.stdout)["code"])


def test_bundle_then_verify_offline_and_a_flipped_byte_is_named(tmp_path: Path) -> None:
    exhibit = tmp_path / "subscriber.csv"
    exhibit.write_text("number,subscriber\n+85512345678,Sok Dara\n" * 200)
    env, code = node_with_exhibit(
        tmp_path,
        exhibit,
        "--description",
        "Subscriber records",
        "--acquired-by",
        "Officer Sok",
        "--exhibit",
        "KH-1",
    )
    out = tmp_path / "bundle"
    made = run("evidence", "bundle", code, "--out", str(out), "--reason", "MLA VNM-42", env=env)
    assert made.returncode == 0, made.stderr
    assert "verify-bundle" in made.stdout
    # No node, no settings: the check runs from the folder alone.
    checked = run("verify-bundle", str(out))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "bundle verified" in checked.stdout
    report = json.loads(run("verify-bundle", str(out), "--json").stdout)
    assert report["ok"] is True
    # A lone node holds no register: a court that needs keys tied to States says so.
    lone = run("verify-bundle", str(out), "--require-register")
    assert lone.returncode == 1
    assert "FAIL  register: no register in the bundle" in lone.stdout
    # The CASE/UCO graph names the item by its UUID, its exhibit, and each custody event.
    graph = json.loads((out / "hanoinet" / "provenance.jsonld").read_text())
    assert f"kb:File-{code}" in {node["@id"] for node in graph["@graph"]}
    records = [n for n in graph["@graph"] if n["@type"] == "case-investigation:ProvenanceRecord"]
    assert [r["case-investigation:exhibitNumber"] for r in records] == ["KH-1"]
    actions = [n["uco-core:name"] for n in graph["@graph"] if "uco-action:startTime" in n]
    assert actions == ["acquired", "hashed", "sealed", "exported"]
    payload = out / "data" / "KH-1" / "subscriber.csv"
    raw = bytearray(payload.read_bytes())
    raw[20] ^= 1
    payload.write_bytes(bytes(raw))
    failed = run("verify-bundle", str(out))
    assert failed.returncode == 1
    assert "FAIL  payload manifest" in failed.stdout
    assert "data/KH-1/subscriber.csv does not match its SHA-256" in failed.stdout
    assert run("verify-bundle", str(tmp_path / "nowhere")).returncode == 2
    again = run("evidence", "bundle", code, "--out", str(out), "--reason", "x", env=env)
    assert again.returncode != 0
    assert "exists already" in again.stderr


def test_a_bundle_as_one_archive_file_is_written_and_verified(tmp_path: Path) -> None:
    exhibit = tmp_path / "chat.txt"
    exhibit.write_text("12:01 scammer: send the fee to TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE\n" * 50)
    env, code = node_with_exhibit(
        tmp_path, exhibit, "--description", "Chat", "--acquired-by", "Sok"
    )
    archive = tmp_path / "bundle.tar"
    made = run("evidence", "bundle", code, "--out", str(archive), "--reason", "MLA", env=env)
    assert made.returncode == 0, made.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle.tar", "chat.txt", "node"]
    checked = run("verify-bundle", str(archive))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.startswith("PASS  bundle archive: ")
    assert "PASS  payload manifest complete" in checked.stdout
    # One byte of the payload flipped inside the archive: the payload check names it.
    raw = bytearray(archive.read_bytes())
    at = raw.index(b"12:01 scammer")
    raw[at] ^= 1
    archive.write_bytes(bytes(raw))
    failed = run("verify-bundle", str(archive))
    assert failed.returncode == 1
    assert "FAIL  payload manifest" in failed.stdout
    # Not an archive at all, and an archive with a link in it: named, nothing unpacked.
    exhibit_check = run("verify-bundle", str(exhibit))
    assert exhibit_check.returncode == 1
    assert "FAIL  bundle archive: chat.txt cannot be unpacked" in exhibit_check.stdout
    hostile = tmp_path / "hostile.tar"
    with tarfile.open(hostile, "w") as out:
        link = tarfile.TarInfo("data/passwd")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        out.addfile(link)
    refused = run("verify-bundle", str(hostile), "--json")
    assert refused.returncode == 1
    first = json.loads(refused.stdout)["checks"][0]
    assert (first["check"], first["ok"]) == ("bundle archive", False)
    assert "'data/passwd' is not allowed" in first["detail"]
    again = run("evidence", "bundle", code, "--out", str(archive), "--reason", "x", env=env)
    assert again.returncode != 0
    assert "exists already" in again.stderr
