"""Evidence across the border between two real nodes: Cambodia executes Viet Nam's
request and sends a court bundle on its thread; Viet Nam's worker fetches it in chunks,
verifies it offline and takes the items in with their custody; Cambodia records that
the items were transferred."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hanoinet.core.convention.examples import example
from tests.flows.network import LiveNode, make_network, start_nodes, wait_for
from tests.flows.test_scenarios_network import Officer

pytestmark = pytest.mark.slow

CONTENT = b"subscriber: +85512345678, opened 2026-09-01\n" * 40_000  # 1.8 MB: several chunks


def api(
    officer: Officer,
    method: str,
    path: str,
    body: bytes | None = None,
    content_type: str = "application/json",
) -> tuple[int, Any]:
    request = urllib.request.Request(  # noqa: S310 - 127.0.0.1 only
        f"{officer.base}/api/v1/evidence{path}",
        data=body,
        method=method,
        headers={"Authorization": f"Bearer {officer.token}", "Content-Type": content_type},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def ingest(officer: Officer, name: str, content: bytes) -> str:
    boundary = uuid.uuid4().hex
    fields = {
        "description": "Provider's answer: subscriber records",
        "source": "provider_response",
        "acquired_by": "Sok, Anti-Cybercrime Department",
        "exhibit_number": "KHM-E1",
    }
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: text/plain\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    status, item = api(officer, "POST", "", body, f"multipart/form-data; boundary={boundary}")
    assert status == 200, item
    return str(item["code"])


@pytest.fixture
def pair(tmp_path: Path, database_for: Callable[[str], str | None]) -> Iterator[list[LiveNode]]:
    _secretariat, nodes = make_network(tmp_path, ["VNM", "KHM"], database_for)
    for node in nodes:
        node.env["HANOINET_TRANSFER_POLL_SECONDS"] = "1"
    start_nodes(nodes)
    try:
        yield nodes
    finally:
        for node in nodes:
            node.stop()


def test_a_court_bundle_crosses_the_border_and_is_verified_on_arrival(
    pair: list[LiveNode],
) -> None:
    vnm, khm = pair
    viet, khmer = Officer(vnm, "linh"), Officer(khm, "sok")
    request = viet.send("stored_data", example("stored_data"))
    khmer.arrived(request)
    khmer.steps(request, "acknowledge", "start")
    item = ingest(khmer, "subscriber.txt", CONTENT)
    # Bad input first: an unknown item, and no reason.
    status, _ = api(
        khmer,
        "POST",
        "/transfers",
        json.dumps({"request": request, "items": [str(uuid.uuid4())], "reason": "answer"}).encode(),
    )
    assert status == 404
    status, refused = api(
        khmer,
        "POST",
        "/transfers",
        json.dumps({"request": request, "items": [item], "reason": " "}).encode(),
    )
    assert status == 400, refused
    status, sent = api(
        khmer,
        "POST",
        "/transfers",
        json.dumps(
            {"request": request, "items": [item], "reason": "execution of the request"}
        ).encode(),
    )
    assert status == 200, sent
    assert sent["status"] == "offered"
    assert sent["chunks"] >= 1

    def received() -> list[dict[str, Any]]:
        return list(api(viet, "GET", f"/transfers?request_code={request}")[1])

    wait_for(
        lambda: bool(received()) and received()[0]["status"] == "verified",
        90,
        "Viet Nam to fetch and verify the bundle",
    )
    arrived = received()[0]
    assert arrived["report"]["ok"] is True
    assert arrived["sha256"] == sent["sha256"]
    assert len(arrived["items"]) == 1
    status, copy = api(viet, "GET", f"/{arrived['items'][0]}")
    assert status == 200
    assert copy["source"] == "foreign_state"
    assert copy["size"] == len(CONTENT)
    kinds = [event["kind"] for event in copy["custody"]]
    assert kinds[-2:] == ["received", "verified"]
    # Cambodia hears back and records the hand-over on its own ledger.
    wait_for(
        lambda: (
            api(khmer, "GET", f"/transfers?request_code={request}")[1][0]["status"] == "confirmed"
        ),
        60,
        "Cambodia to record the confirmation",
    )
    status, original = api(khmer, "GET", f"/{item}")
    assert [event["kind"] for event in original["custody"]][-2:] == ["exported", "transferred"]
