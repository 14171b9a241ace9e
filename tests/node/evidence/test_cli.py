"""``hanoinet evidence``: an operator takes in a file, verifies it, reads the checkpoint."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from hanoinet.core.ledger import parse_checkpoint
from tests.node.test_cli import run


def test_add_verify_and_checkpoint_from_the_command_line(tmp_path: Path) -> None:
    folder = tmp_path / "node"
    assert run("init", "--data-dir", str(folder), "--state", "khm", "--no-input").returncode == 0
    assert (folder / "keys" / "evidence.key").stat().st_mode & 0o777 == 0o600
    env = {"HANOINET_DATA_DIR": str(folder), "HANOINET_STATE": "KHM"}
    exhibit = tmp_path / "chat-export.json"
    exhibit.write_bytes(b'{"messages": ["send the USDT to TXYZ"]}' * 1000)
    added = run(
        "evidence",
        "add",
        str(exhibit),
        "--description",
        "Chat export",
        "--acquired-by",
        "Officer Sok",
        "--source",
        "provider_response",
        "--exhibit",
        "KH-3",
        env=env,
    )
    assert added.returncode == 0, added.stderr
    item = json.loads(added.stdout)
    assert item["sha256"] == hashlib.sha256(exhibit.read_bytes()).hexdigest()
    verified = run("evidence", "verify", item["code"], env=env)
    assert verified.returncode == 0, verified.stderr
    assert f"SHA-256 {item['sha256']} verified" in verified.stdout
    note = run("evidence", "checkpoint", env=env).stdout
    assert parse_checkpoint(note).checkpoint.size == 4  # acquired, hashed, sealed, verified
    # Bad input: a clear line each, nothing stored.
    for args, message in (
        (
            ["add", str(tmp_path / "nowhere"), "--description", "x", "--acquired-by", "y"],
            "is not a readable file",
        ),
        (
            [
                "add",
                str(exhibit),
                "--description",
                "x",
                "--acquired-by",
                "y",
                "--acquired-at",
                "yesterday",
            ],
            "is not a time such as",
        ),
        (["verify", "not-a-code"], "no evidence item not-a-code"),
    ):
        result = run("evidence", *args, env=env)
        assert result.returncode != 0
        assert message in result.stderr
