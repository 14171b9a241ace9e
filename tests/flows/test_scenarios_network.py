"""The design's acceptance scenarios 3, 5, 7, 8 and 9 across two real nodes (Viet Nam and
Cambodia), each with its own server, worker and database, through their HTTP APIs only.
Scenarios 1, 2, 4 and 6 are in test_requests_network.py."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hanoinet.core.convention.examples import example
from tests.flows.network import LiveNode, make_network, start_nodes, wait_for
from tests.flows.test_requests_network import Api

pytestmark = pytest.mark.slow

OFFICER = """
from hanoinet.node.accounts.models import Unit
from hanoinet.node.accounts.roles import Role
from hanoinet.node.accounts.actions import do_create_user, do_create_api_token
from hanoinet.node.audit.actor import system_actor
unit = Unit.objects.create(name="24/7 desk and central authority", kind=Unit.Kind.POINT_OF_CONTACT)
user = do_create_user(system_actor("test"), username="{name}", email="{name}@example.org",
                      unit=unit, roles=[Role.POINT_OF_CONTACT, Role.CENTRAL_AUTHORITY],
                      password="a long enough officer password")
_token, raw = do_create_api_token(system_actor("test"), user, name="flow", days=1)
print("TOKEN=" + raw)
"""


class Officer(Api):
    """A user with both roles: the 24/7 point of contact and the central authority."""

    def __init__(self, node: LiveNode, name: str) -> None:
        found = re.search(r"TOKEN=(\S+)", node.python(OFFICER.format(name=name)))
        assert found
        self.base, self.token = node.url, found.group(1)

    def get(self, code: str) -> dict[str, Any]:
        status, body = self("GET", f"/{code}")
        assert status == 200, body
        return dict(body)

    def arrived(self, code: str) -> dict[str, Any]:
        wait_for(lambda: self("GET", f"/{code}")[0] == 200, 30, f"request {code}")
        return self.get(code)

    def steps(self, code: str, *events: str) -> None:
        for event in events:
            status, body = self("POST", f"/{code}/events", {"event": event})
            assert status == 200, (event, body)

    def events(self, code: str) -> list[str]:
        return [e["event"] for e in self.get(code)["events"]]

    def draft(self, kind: str, fields: dict[str, Any], **extra: Any) -> str:
        status, body = self(
            "POST", "", {"kind": kind, "counterpart": "KHM", "fields": fields, **extra}
        )
        assert status == 200, body
        return str(body["code"])

    def send(self, kind: str, fields: dict[str, Any], **extra: Any) -> str:
        code = self.draft(kind, fields, **extra)
        status, body = self("POST", f"/{code}/send")
        assert status == 200, body
        return code


Network = tuple[LiveNode, LiveNode, LiveNode]


@pytest.fixture
def network(tmp_path: Path, database_for: Callable[[str], str | None]) -> Iterator[Network]:
    secretariat, (vnm, khm) = make_network(tmp_path, ["VNM", "KHM"], database_for)
    start_nodes((vnm, khm))
    try:
        yield secretariat, vnm, khm
    finally:
        vnm.stop()
        khm.stop()


def fetch(officer: Officer, path: str) -> tuple[dict[str, str], bytes]:
    request = urllib.request.Request(  # noqa: S310 - 127.0.0.1 only
        f"{officer.base}{path}", headers={"Authorization": f"Bearer {officer.token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return dict(response.headers), response.read()


def test_acceptance_scenarios_across_two_nodes(network: Network, tmp_path: Path) -> None:
    secretariat, vnm, khm = network
    viet, khmer = Officer(vnm, "linh"), Officer(khm, "sok")

    # 3. Preservation clock (Art. 42): a period under 60 days is refused, naming it; the
    # preservation lasts at least 60 days; the MLA request that follows holds the data on
    # both sides until it is decided.
    short = viet.draft("preservation", {**example("preservation"), "preservation_days": 30})
    status, refused = viet("POST", f"/{short}/send")
    assert status == 422
    assert [(p["element"], p["code"], p["article"]) for p in refused["detail"]] == [
        ("preservation_days", "too_short", 42)
    ]
    preservation = viet.send("preservation", example("preservation"))
    khmer.arrived(preservation)
    khmer.steps(preservation, "acknowledge", "start", "execute")
    kept = khmer.get(preservation)
    executed_at = datetime.fromisoformat(kept["events"][-1]["at"])
    until = datetime.fromisoformat(kept["preserved_until"])
    assert until - executed_at >= timedelta(days=59, hours=23)
    status, followup = viet("POST", f"/{preservation}/followup", {"kind": "stored_data"})
    assert status == 200, followup
    assert (
        followup["fields"]["requesting_authority"]
        == example("preservation")["requesting_authority"]
    )
    assert followup["fields"]["preservation_reference"] == preservation
    completed = {**example("stored_data"), **followup["fields"]}
    viet("PUT", f"/{followup['code']}/fields", {"fields": completed})
    assert viet("POST", f"/{followup['code']}/send")[0] == 200
    wait_for(
        lambda: khmer.get(preservation)["held_pending_mla"], 30, "the preservation held at KHM"
    )
    assert khmer.get(preservation)["preserved_until"] is None
    assert viet.get(preservation)["held_pending_mla"] is True
    assert khmer.arrived(followup["code"])["follows"] == preservation

    # 5. Volatile stored data (Art. 40, 44): lacking facts and purpose, it cannot be sent;
    # complete and at risk of deletion, it goes to the expedited (urgent) queue; a status
    # query is answered at once by the requested node.
    lacking = {k: v for k, v in example("stored_data").items() if k not in ("facts", "purpose")}
    draft = viet.draft("stored_data", lacking)
    status, refused = viet("POST", f"/{draft}/send")
    assert status == 422
    assert {p["element"] for p in refused["detail"]} == {"facts", "purpose"}
    volatile = viet.send(
        "stored_data",
        {**example("stored_data"), "expedite_reason": "the provider deletes logs after 7 days"},
    )
    assert khmer.arrived(volatile)["urgency"] == "urgent"
    queue = khmer("GET", "?urgency=urgent&direction=incoming")[1]["requests"]
    assert volatile in [row["code"] for row in queue]
    assert viet("POST", f"/{volatile}/query", {"text": "Has the provider been ordered?"})[0] == 200
    wait_for(lambda: "status_answer" in viet.events(volatile), 30, "the answer to the query")
    answer = next(e for e in viet.get(volatile)["events"] if e["event"] == "status_answer")
    assert answer["details"]["status"] == "delivered"

    # 7. Real-time collection and interception (Art. 45, 46): without the collection period
    # or its justification, the request cannot leave.
    for kind in ("realtime_traffic", "interception"):
        fields = {
            k: v
            for k, v in example(kind).items()
            if k not in ("collection_period", "period_justification")
        }
        status, refused = viet("POST", f"/{viet.draft(kind, fields)}/send")
        assert status == 422
        assert {(p["element"], p["article"]) for p in refused["detail"]} == {
            ("collection_period", 45 if kind == "realtime_traffic" else 46),
            ("period_justification", 45 if kind == "realtime_traffic" else 46),
        }

    # 8. Emergency (Art. 2, 41): flagged, routed to the 24/7 desk, timestamped on both
    # sides; the formal request it announced is tracked until it is sent.
    emergency = viet.send(
        "emergency", {**example("emergency"), "formalisation": True}, urgency="emergency"
    )
    received = khmer.arrived(emergency)
    assert received["urgency"] == "emergency"
    assert received["followup_due"] is not None
    khmer.steps(emergency, "acknowledge")
    wait_for(lambda: "acknowledge" in viet.events(emergency), 30, "the acknowledgement")
    _s, formal = viet("POST", f"/{emergency}/followup", {"kind": "mla"})
    viet("PUT", f"/{formal['code']}/fields", {"fields": example("mla")})
    assert viet("POST", f"/{formal['code']}/send")[0] == 200
    assert viet.get(emergency)["followup_due"] is None
    wait_for(lambda: khmer.get(emergency)["followup_due"] is None, 30, "the formal request at KHM")
    assert "formal_followup" in khmer.events(emergency)

    # 9. Confiscation and return (Art. 50, 52): enforcement without the finality statement
    # is blocked; a freeze is lifted only after the requester was heard; the return is
    # recorded with its deductions and reaches the requester.
    no_finality = dict(example("confiscation_enforcement"))
    no_finality.pop("order_is_final")
    status, refused = viet("POST", f"/{viet.draft('confiscation_enforcement', no_finality)}/send")
    assert status == 422
    assert [(p["element"], p["article"]) for p in refused["detail"]] == [("order_is_final", 50)]

    freeze = viet.send("provisional_measures", example("provisional_measures"))
    khmer.arrived(freeze)
    khmer.steps(freeze, "acknowledge", "start", "execute")
    reasons = {"reasons": "no charges after six months"}
    status, body = khmer("POST", f"/{freeze}/lifting", reasons)
    assert (status, body["detail"][0]["code"]) == (422, "hearing_required")
    assert khmer("POST", f"/{freeze}/lifting/propose", {**reasons, "days": 14})[0] == 200
    wait_for(lambda: "lifting_proposed" in viet.events(freeze), 30, "the lifting proposal")
    assert khmer("POST", f"/{freeze}/lifting", reasons)[0] == 422  # not heard yet
    assert viet("POST", f"/{freeze}/lifting/argue", {"reasons": "indictment filed"})[0] == 200
    wait_for(lambda: "continuation_argued" in khmer.events(freeze), 30, "the requester's reasons")
    assert khmer("POST", f"/{freeze}/lifting", reasons)[0] == 200
    wait_for(lambda: "measure_lifted" in viet.events(freeze), 30, "the lifting at VNM")

    returned = viet.send("return_of_proceeds", example("return_of_proceeds"))
    khmer.arrived(returned)
    khmer.steps(returned, "acknowledge", "start")
    accounts = {
        "currency": "USD",
        "confiscated": "84000.00",
        "expenses": [{"label": "custody and conversion", "amount": "1200.00"}],
        "returned": "82800.00",
        "to_victims": "82800.00",
        "victims_compensated": 40,
        "priority_to_victims": True,
    }
    assert khmer("POST", f"/{returned}/disposal", accounts)[0] == 200
    wait_for(lambda: "proceeds_returned" in viet.events(returned), 30, "the return at VNM")
    record = next(e for e in viet.get(returned)["events"] if e["event"] == "proceeds_returned")
    assert (record["details"]["deducted"], record["details"]["to_victims"]) == (
        "1200.00",
        "82800.00",
    )

    # 10. Register and statistics (Art. 40, 41, 55, 57): Cambodia notifies new languages and
    # a new 24/7 contact; the secretariat records the change (audited with its reason),
    # publishes the next serial, Viet Nam imports it and writes its letters accordingly.
    entries = json.loads(secretariat.ok("register", "export"))
    khm_entry = next(entry for entry in entries if entry["code"] == "KHM")
    khm_entry["languages"] = ["fr", "km"]
    changed = tmp_path / "khm-notified.json"
    changed.write_text(json.dumps(khm_entry))
    secretariat.ok("register", "set-state", str(changed), "--reason", "notification of 1 Dec")
    published = secretariat.ok("register", "publish", "--out", str(tmp_path / "r2.jws"))
    assert "serial 2 published" in published
    assert "serial 2 accepted" in vnm.ok("register", "import", str(tmp_path / "r2.jws"))
    headers, pdf = fetch(viet, f"/api/v1/requests/{preservation}/letter")
    assert (headers["Content-Type"], headers["Content-Language"]) == ("application/pdf", "fr")
    assert pdf.startswith(b"%PDF-")
    # The Conference report of each side: the same traffic, seen from both ends, no case data.
    _h, sent_report = fetch(viet, "/api/v1/statistics")
    _h, received_report = fetch(khmer, "/api/v1/statistics")
    ours, theirs = json.loads(sent_report), json.loads(received_report)
    assert ours["by_kind"]["outgoing"] == theirs["by_kind"]["incoming"]
    assert ours["by_state"]["outgoing"] == {"KHM": ours["requests"]["outgoing"]}
    assert b"VNM-A05" not in sent_report + received_report
