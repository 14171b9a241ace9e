"""Cooperation requests across two real nodes, through their HTTP APIs only
(scenarios 1, 2, 4 and 6 of the design's acceptance list)."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hanoinet.core.convention.examples import example
from tests.flows.network import LiveNode, make_network, start_nodes, wait_for

pytestmark = pytest.mark.slow

OFFICER = """
from hanoinet.node.accounts.models import Unit
from hanoinet.node.accounts.roles import Role
from hanoinet.node.accounts.actions import do_create_user, do_create_api_token
from hanoinet.node.audit.actor import system_actor
unit = Unit.objects.create(name="24/7 desk", kind=Unit.Kind.POINT_OF_CONTACT)
user = do_create_user(system_actor("test"), username="{name}", email="{name}@example.org",
                      unit=unit, roles=[Role.POINT_OF_CONTACT],
                      password="a long enough officer password")
_token, raw = do_create_api_token(system_actor("test"), user, name="flow", days=1)
print("TOKEN=" + raw)
"""


class Api:
    def __init__(self, node: LiveNode, name: str) -> None:
        found = re.search(r"TOKEN=(\S+)", node.python(OFFICER.format(name=name)))
        assert found
        self.base, self.token = node.url, found.group(1)

    def __call__(self, method: str, path: str, body: object = None) -> tuple[int, Any]:
        request = urllib.request.Request(  # noqa: S310 - 127.0.0.1 only
            f"{self.base}/api/v1/requests{path}",
            data=json.dumps(body).encode() if body is not None else None,
            method=method,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())


@pytest.fixture
def nodes(
    tmp_path: Path, database_for: Callable[[str], str | None]
) -> Iterator[tuple[LiveNode, LiveNode]]:
    _secretariat, (vnm, khm, fra) = make_network(tmp_path, ["VNM", "KHM", "FRA"], database_for)
    start_nodes((vnm, khm))
    try:
        yield vnm, khm
    finally:
        vnm.stop()
        khm.stop()
        fra.stop()


def status_of(api: Api, code: str) -> str:
    return str(api("GET", f"/{code}")[1]["status"])


def test_preservation_across_borders(nodes: tuple[LiveNode, LiveNode]) -> None:
    vnm, khm = nodes
    viet, khmer = Api(vnm, "linh"), Api(khm, "sok")

    # 2. Missing custodian/location: cannot be sent, the error names the element and Art. 42.
    incomplete = example("preservation")
    del incomplete["custodian_or_location"]
    _s, body = viet(
        "POST", "", {"kind": "preservation", "counterpart": "KHM", "fields": incomplete}
    )
    status, refused = viet("POST", f"/{body['code']}/send")
    assert status == 422
    assert [(p["element"], p["article"]) for p in refused["detail"]] == [
        ("custodian_or_location", 42)
    ]

    # 1. Preservation at night: sent, delivered with a receipt, acknowledged, executed, 60 days.
    fields = {**example("preservation"), "urgency": "urgent", "urgency_reason": "deletion in 48 h"}
    _s, body = viet(
        "POST",
        "",
        {"kind": "preservation", "counterpart": "KHM", "fields": fields, "reference": "VNM-1"},
    )
    code = body["code"]
    assert viet("POST", f"/{code}/send")[0] == 200
    wait_for(lambda: status_of(viet, code) == "delivered", 30, "the signed receipt")
    wait_for(lambda: khmer("GET", f"/{code}")[0] == 200, 30, "the request at Cambodia")
    received = khmer("GET", f"/{code}")[1]
    assert (received["direction"], received["status"], received["their_reference"]) == (
        "incoming",
        "delivered",
        "VNM-1",
    )
    for event in ("acknowledge", "start", "execute"):
        assert khmer("POST", f"/{code}/events", {"event": event})[0] == 200
    wait_for(lambda: status_of(viet, code) == "executed", 30, "the execution at Viet Nam")
    ours = viet("GET", f"/{code}")[1]
    until = datetime.fromisoformat(ours["preserved_until"])
    assert until - datetime.fromisoformat(ours["events"][-1]["at"]) >= timedelta(days=59, hours=23)
    assert [e["event"] for e in ours["events"]] == [
        "draft",
        "send",
        "receipt",
        "acknowledge",
        "start",
        "execute",
    ]

    # 4. Third-country hop: Cambodia finds a provider in France; Viet Nam gets a draft for France.
    status, _ = khmer(
        "POST",
        f"/{code}/third-country",
        {"state": "FRA", "provider": "Exchange SAS, Paris", "path": "KHM carrier, FRA exchange"},
    )
    assert status == 200

    def draft_for_france() -> bool:
        listing = viet("GET", "?state=FRA&direction=outgoing")[1]["requests"]
        return any(r["status"] == "draft" for r in listing)

    wait_for(draft_for_france, 30, "the pre-filled draft to France")

    # 6. Refusal needs grounds, reasons and consultation; an allowed one travels back.
    _s, body = viet(
        "POST",
        "",
        {"kind": "preservation", "counterpart": "KHM", "fields": example("preservation")},
    )
    second = body["code"]
    viet("POST", f"/{second}/send")
    wait_for(lambda: khmer("GET", f"/{second}")[0] == 200, 30, "the second request")
    assert khmer("POST", f"/{second}/events", {"event": "refuse"})[0] == 422
    lawful = {
        "event": "refuse",
        "grounds": ["essential_interests"],
        "reasons": "national security",
        "consultation_offered": True,
    }
    assert khmer("POST", f"/{second}/events", lawful)[0] == 200
    wait_for(lambda: status_of(viet, second) == "refused", 30, "the refusal at Viet Nam")
