"""A secretariat publishes the register; two nodes import it and see each other.

Everything through the `hanoinet` command and HTTP, as operators would do it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.flows.test_serve import free_port
from tests.node.test_cli import run

pytestmark = pytest.mark.slow


@dataclass
class Node:
    folder: Path
    env: dict[str, str]

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run(*args, env=self.env)

    def ok(self, *args: str) -> str:
        result = self.cli(*args)
        assert result.returncode == 0, f"hanoinet {' '.join(args)}: {result.stderr}"
        return result.stdout

    def export(self) -> dict[str, dict[str, object]]:
        return {entry["code"]: entry for entry in json.loads(self.ok("register", "export"))}


def make_node(tmp_path: Path, name: str, state: str, mode: str = "node") -> Node:
    folder = tmp_path / name
    env = {
        "HANOINET_DATA_DIR": str(folder),
        "HANOINET_STATE": state,
        "HANOINET_MODE": mode,
        "HANOINET_BASE_URL": f"https://{name}.example",
    }
    node = Node(folder, env)
    node.ok("init", "--no-input")
    return node


@pytest.fixture
def network(tmp_path: Path) -> tuple[Node, Node, Node]:
    secretariat = make_node(tmp_path, "secretariat", "", mode="secretariat")
    vnm = make_node(tmp_path, "vnm", "VNM")
    khm = make_node(tmp_path, "khm", "KHM")
    for node in (vnm, khm):
        description = tmp_path / f"{node.folder.name}.json"
        description.write_text(node.ok("register", "describe"))
        secretariat.ok(
            "register", "add-node", str(description), "--reason", "notified by note verbale"
        )
    key = tmp_path / "secretariat.jwk"
    key.write_text(secretariat.ok("register", "key"))
    vnm.ok("register", "trust", str(key))
    # Pinning at init is the same (and init is idempotent on an existing node).
    assert "pinned for register imports" in khm.ok(
        "init", "--no-input", "--secretariat-key", str(key)
    )
    return secretariat, vnm, khm


@pytest.fixture
def serving(network: tuple[Node, Node, Node], tmp_path: Path) -> Iterator[str]:
    secretariat = network[0]
    port = free_port()
    log = (tmp_path / "secretariat.log").open("wb")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HANOINET_", "DJANGO_", "DATABASE_"))
    }
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "hanoinet.node.cli",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        env={**env, **secretariat.env},
        stdout=log,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1).close()  # noqa: S310
                break
            except (urllib.error.URLError, OSError):
                assert process.poll() is None, (tmp_path / "secretariat.log").read_text()
                assert time.monotonic() < deadline
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_register_network(network: tuple[Node, Node, Node], serving: str, tmp_path: Path) -> None:
    """Publish, import by URL and by file, refuse bad copies, follow a key rotation."""
    secretariat, vnm, khm = network
    published = secretariat.ok("register", "publish", "--out", str(tmp_path / "r1.jws"))
    assert "register serial 1 published" in published
    assert "VNM state: added" in published

    # 1. Two nodes import (one from the secretariat's URL, one from a file) …
    assert "serial 1 accepted" in vnm.ok("register", "import", serving)
    assert "serial 1 accepted" in khm.ok("register", "import", str(tmp_path / "r1.jws"))
    assert "already in force" in khm.ok("register", "import", str(tmp_path / "r1.jws"))
    # … and each sees the other's endpoint and keys.
    seen_by_vnm, seen_by_khm = vnm.export(), khm.export()
    khm_keys = {k["kid"] for k in json.loads(khm.ok("register", "describe"))["keys"]}
    vnm_keys = {k["kid"] for k in json.loads(vnm.ok("register", "describe"))["keys"]}
    khm_node = seen_by_vnm["KHM"]["node"]
    vnm_node = seen_by_khm["VNM"]["node"]
    assert isinstance(khm_node, dict)
    assert isinstance(vnm_node, dict)
    assert khm_node["endpoint"] == "https://khm.example/"
    assert {k["kid"] for k in khm_node["keys"]} == khm_keys
    assert {k["kid"] for k in vnm_node["keys"]} == vnm_keys

    # 2. A flipped byte, an older serial, another signer: refused, copy in force kept.
    secretariat.ok("register", "publish", "--out", str(tmp_path / "r2.jws"))
    assert "serial 2 accepted" in vnm.ok("register", "import", str(tmp_path / "r2.jws"))
    before = vnm.export()
    token = (tmp_path / "r2.jws").read_text().strip()
    middle = len(token) // 2
    flipped = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    (tmp_path / "flipped.jws").write_text(flipped)
    refused = vnm.cli("register", "import", str(tmp_path / "flipped.jws"))
    assert refused.returncode == 2
    assert "register refused" in refused.stderr
    assert "the register in force is unchanged" in refused.stderr
    old = vnm.cli("register", "import", str(tmp_path / "r1.jws"))
    assert old.returncode == 2
    assert "(rollback): serial 1 is older than serial 2" in old.stderr
    impostor = make_node(tmp_path, "impostor", "", mode="secretariat")
    description = tmp_path / "vnm.json"
    description.write_text(vnm.ok("register", "describe"))
    impostor.ok("register", "add-node", str(description), "--reason", "forgery")
    impostor.ok("register", "publish", "--days", "5", "--out", str(tmp_path / "forged.jws"))
    forged = vnm.cli("register", "import", str(tmp_path / "forged.jws"))
    assert forged.returncode == 2
    assert "(unknown_signer)" in forged.stderr
    missing = vnm.cli("register", "import", str(tmp_path / "nowhere.jws"))
    assert missing.returncode == 2
    assert "cannot read" in missing.stderr
    assert vnm.export() == before

    # 3. The secretariat rotates its key: the bare document is from an unknown signer,
    #    the served bundle carries the announcement signed by the old key.
    assert "secretariat key rotated" in secretariat.ok("register", "rotate-key")
    secretariat.ok("register", "publish", "--out", str(tmp_path / "r3.jws"))
    bare = khm.cli("register", "import", str(tmp_path / "r3.jws"))
    assert bare.returncode == 2
    assert "(unknown_signer)" in bare.stderr
    assert "serial 3 accepted" in khm.ok("register", "import", serving)
    assert "serial 3 accepted" in vnm.ok("register", "import", serving)
