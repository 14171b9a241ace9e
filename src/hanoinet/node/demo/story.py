"""The scripted story of the demo network: named steps, each through public interfaces.

Every step talks to the nodes as their officers would: the JSON API with an officer's
token, the web UI with a signed-in session (the on-call page), and the operator's
``hanoinet`` command where no HTTP interface exists yet (the court bundle). Nothing
here writes to a node's database.

The steps of the design's flows 1, 2 and 6 (victim reports, linking and cross-border
hit/no-hit, victims' status pages) are to be inserted into ``STORY`` before and after
these, as functions of the same shape.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from hanoinet.core.convention.examples import example
from hanoinet.node.demo.client import Api, Browser, StepError
from hanoinet.node.demo.nodes import DemoNode, base_environment
from hanoinet.node.demo.seed import DEMO_PASSWORD
from hanoinet.node.errors import CliError

WAIT_SECONDS = 60.0  # a shared, loaded machine: generous, but a failed hop still ends


@dataclass
class Story:
    """What the steps share: the nodes, officers' credentials, codes, the out folder."""

    nodes: dict[str, DemoNode]
    tokens: dict[str, dict[str, str]]  # node name -> username -> API token
    secrets: dict[str, dict[str, str]]  # node name -> username -> TOTP key
    out: Path
    codes: dict[str, str] = field(default_factory=dict)
    bundles: list[Path] = field(default_factory=list)
    current: str = ""  # what is under way: the step, or set-up / start-up / running
    say: Callable[[str], None] = print

    def api(self, node: str, username: str) -> Api:
        live = self.nodes[node]
        return Api(live.base, self.tokens[node][username], f"{live.title} ({username})")

    def request(self, node: str, username: str, code: str) -> dict[str, Any]:
        return dict(self.api(node, username).ok("GET", f"/requests/{code}"))


@dataclass(frozen=True)
class Step:
    number: str
    name: str
    title: str
    run: Callable[[Story], None]


def wait_for(what: str, check: Callable[[], Any], timeout: float = WAIT_SECONDS) -> Any:
    """Poll ``check`` until it returns something true; a StepError naming ``what`` after
    ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = check()
        except StepError:
            found = None
        if found:
            return found
        if time.monotonic() > deadline:
            raise StepError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.25)


def arrived(story: Story, node: str, username: str, code: str) -> dict[str, Any]:
    api = story.api(node, username)
    title = story.nodes[node].title
    return dict(
        wait_for(
            f"request {code} to arrive at {title}",
            lambda: (
                api.call("GET", f"/requests/{code}")[0] == 200
                and api.ok("GET", f"/requests/{code}")
            ),
        )
    )


def events_of(row: dict[str, Any]) -> dict[str, datetime]:
    """When each event first happened on this copy of the request."""
    seen: dict[str, datetime] = {}
    for event in row.get("events", []):
        seen.setdefault(str(event["event"]), datetime.fromisoformat(str(event["at"])))
    return seen


def wait_event(story: Story, node: str, username: str, code: str, event: str) -> dict[str, Any]:
    title = story.nodes[node].title
    return dict(
        wait_for(
            f"'{event}' on request {code} at {title}",
            lambda: (
                (row := story.request(node, username, code)) and event in events_of(row) and row
            ),
        )
    )


LABELS = {
    "acknowledge": "acknowledged",
    "execute": "executed",
    "proceeds_returned": "return recorded",
}


def delivery_line(row: dict[str, Any], *answers: str) -> str:
    """sent → delivered → acknowledged …, from the requesting node's own timeline: the
    receipt event is the peer's signed receipt, the others the peer's status messages."""
    at = events_of(row)
    sent = at.get("send")
    if sent is None:
        return "not sent"
    parts = [f"sent {sent:%H:%M:%S} UTC"]
    if "receipt" in at:
        parts.append(f"delivered +{(at['receipt'] - sent).total_seconds():.1f} s (signed receipt)")
    for answer in answers or ("acknowledge",):
        if answer in at:
            label = LABELS.get(answer, answer.replace("_", " "))
            parts.append(f"{label} +{(at[answer] - sent).total_seconds():.1f} s")
    return " → ".join(parts)


def draft_and_send(
    api: Api, kind: str, counterpart: str, fields: dict[str, Any], **extra: Any
) -> str:
    body = {"kind": kind, "counterpart": counterpart, "fields": fields, **extra}
    code = str(api.ok("POST", "/requests", body)["code"])
    api.ok("POST", f"/requests/{code}/send")
    return code


def step_events(api: Api, code: str, *events: str) -> None:
    for event in events:
        api.ok("POST", f"/requests/{code}/events", {"event": event})


# -- 3. Preservation at night (Art. 42) ---------------------------------------------------


def preservation_sent(story: Story) -> None:
    fields = {
        **example("preservation"),
        "urgency": "urgent",
        "urgency_reason": "the operator overwrites traffic data within 48 hours",
    }
    code = draft_and_send(
        story.api("vnm", "poc"),
        "preservation",
        "KHM",
        fields,
        reference="VNM-A05-2026-0042",
        urgency="urgent",
    )
    story.codes["preservation"] = code
    received = arrived(story, "khm", "poc", code)
    story.say(f"    Viet Nam's 24/7 officer (poc) sent preservation request {code[:8]}")
    story.say(
        f"    Cambodia received it as {received['status']}, urgency {received['urgency']}, "
        f"{len(received.get('problems', []))} problem(s) against Art. 42"
    )


def on_call_paged(story: Story) -> None:
    node = story.nodes["khm"]
    browser = Browser(node.base, f"{node.title} (poc)")
    browser.sign_in("poc", DEMO_PASSWORD, story.secrets["khm"]["poc"])

    def open_page() -> str | None:
        _url, fragment = browser.get("/oncall/open/")
        # The page about Viet Nam's message (its subject starts with the sender).
        found = re.search(r'/oncall/([0-9a-f-]{36})/">VNM: ', fragment)
        return found.group(1) if found else None

    page = str(wait_for("the page to Cambodia's on-call officer", open_page))
    _url, home = browser.get("/oncall/")
    _url, _landing = browser.post(f"/oncall/{page}/acknowledge/", home, {})
    _url, shown = browser.get(f"/oncall/{page}/")
    if "acknowledged" not in shown.lower():
        raise StepError("the page was not shown as acknowledged after pressing Acknowledge")
    code = story.codes["preservation"]
    step_events(story.api("khm", "poc"), code, "acknowledge")
    row = wait_event(story, "vnm", "poc", code, "acknowledge")
    story.say("    Cambodia's on-call officer (poc) was paged, signed in and acknowledged the page")
    story.say(f"    {delivery_line(row)}")


def data_preserved(story: Story) -> None:
    code = story.codes["preservation"]
    step_events(story.api("khm", "poc"), code, "start", "execute")
    row = wait_event(story, "vnm", "poc", code, "execute")
    until = row.get("preserved_until")
    if not until:
        raise StepError("Viet Nam's copy shows no preservation term after execution")
    # The clock starts when Cambodia executes: measured on Cambodia's own copy.
    theirs = story.request("khm", "poc", code)
    executed = events_of(theirs)["execute"]
    term = datetime.fromisoformat(str(theirs["preserved_until"])) - executed
    days = round(term.total_seconds() / 86400)
    story.say(f"    Cambodia ordered the operator to preserve: executed, {days}-day clock")
    story.say(f"    preserved until {until[:16]} UTC (the same on Viet Nam's copy)")
    story.say(f"    {delivery_line(row, 'acknowledge', 'execute')}")
    if days < 59:
        raise StepError(f"the preservation lasts {days} days, less than the Convention's 60")


# -- 4. MLA and evidence (Art. 40, 44) ----------------------------------------------------


def mla_sent(story: Story) -> None:
    preservation = story.codes["preservation"]
    fields = {**example("stored_data"), "preservation_reference": preservation}
    code = draft_and_send(
        story.api("vnm", "central"), "stored_data", "KHM", fields, reference="VNM-SPP-2026-0042"
    )
    story.codes["mla"] = code
    arrived(story, "khm", "central", code)
    held = wait_for(
        "the preservation to be held pending the MLA request at Cambodia",
        lambda: story.request("khm", "central", preservation)["held_pending_mla"],
    )
    row = wait_for(
        "the signed receipt of the MLA request",
        lambda: (r := story.request("vnm", "central", code)) and "receipt" in events_of(r) and r,
    )
    story.say(
        f"    Viet Nam's central authority (central) sent MLA request {code[:8]} "
        "(Art. 44, stored data), quoting the preservation"
    )
    story.say(f"    {delivery_line(row)}")
    story.say(f"    Cambodia holds the preserved data until the request is decided: {held}")


PROVIDER_DATA = (
    "record,msisdn,subscriber,activated,cell,first_seen,last_seen\n"
    "1,+85512345678,Prepaid (no ID on file),2026-08-30,PNH-0412,2026-09-01T10:02:11+07:00,"
    "2026-10-20T22:41:09+07:00\n"
    "2,+85512345678,login 203.0.113.7:443,,,2026-10-12T21:14:05+07:00,"
    "2026-10-12T21:14:05+07:00\n"
)


def mla_executed(story: Story) -> None:
    code = story.codes["mla"]
    khmer = story.api("khm", "central")
    step_events(khmer, code, "acknowledge", "start")
    item = khmer.upload(
        "/evidence",
        {
            "description": "Subscriber information and login records of +85512345678",
            "source": "provider_response",
            "acquired_by": "Chan Sophea, central authority of Cambodia",
            "exhibit_number": "KHM-MLA-0042-1",
            "method": "production order served on the operator",
            "tool": "operator's lawful-disclosure portal",
        },
        "cellcard-response-0042.csv",
        PROVIDER_DATA.encode(),
    )
    story.codes["evidence"] = str(item["code"])
    step_events(khmer, code, "execute")
    bundle = story.out / "bundles" / "KHM-to-VNM-mla-evidence"
    bundle.parent.mkdir(parents=True, exist_ok=True)
    story.nodes["khm"].cli(
        "evidence",
        "bundle",
        str(item["code"]),
        "--out",
        str(bundle),
        "--reason",
        f"execution of Viet Nam's request {code}",
        what="`hanoinet evidence bundle`",
    )
    story.bundles.append(bundle)
    row = wait_event(story, "vnm", "central", code, "execute")
    story.say(
        f"    Cambodia took in the operator's data as evidence {str(item['code'])[:8]} "
        f"(SHA-256 {str(item['sha256'])[:12]}…, {len(item['custody'])} custody events)"
    )
    story.say(f"    executed; court bundle written: {bundle}")
    story.say(f"    {delivery_line(row, 'acknowledge', 'execute')}")


def evidence_verified(story: Story) -> None:
    for bundle in story.bundles:
        result = subprocess.run(  # noqa: S603  (our own CLI, fixed arguments)
            [sys.executable, "-m", "hanoinet.node.cli", "verify-bundle", str(bundle)],
            env=base_environment(),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise StepError(
                f"`hanoinet verify-bundle {bundle}` failed: "
                + (result.stdout + result.stderr).strip()[-400:]
            )
        summary = (result.stdout.strip().splitlines() or ["ok"])[-1]
        story.say(f"    Viet Nam checked {bundle.name} offline: {summary}")


# -- 5. Assets: freeze at an exchange in France, then return (Art. 50, 52) -----------------


def wallet_frozen(story: Story) -> None:
    fields = {**example("provisional_measures"), "urgency": "urgent"}
    fields["urgency_reason"] = "the wallet can be emptied at any moment"
    code = draft_and_send(
        story.api("vnm", "central"),
        "provisional_measures",
        "FRA",
        fields,
        reference="VNM-SPP-2026-0042-F",
        urgency="urgent",
    )
    story.codes["freeze"] = code
    arrived(story, "fra", "central", code)
    step_events(story.api("fra", "central"), code, "acknowledge", "start", "execute")
    row = wait_event(story, "vnm", "central", code, "execute")
    story.say(f"    Viet Nam asked France to freeze the wallet at the exchange ({code[:8]})")
    story.say("    France's central authority acknowledged and executed the freeze")
    story.say(f"    {delivery_line(row, 'acknowledge', 'execute')}")


def proceeds_returned(story: Story) -> None:
    code = draft_and_send(
        story.api("vnm", "central"),
        "return_of_proceeds",
        "FRA",
        example("return_of_proceeds"),
        reference="VNM-SPP-2026-0042-R",
    )
    story.codes["return"] = code
    french = story.api("fra", "central")
    arrived(story, "fra", "central", code)
    step_events(french, code, "acknowledge", "start")
    french.ok(
        "POST",
        f"/requests/{code}/disposal",
        {
            "currency": "USD",
            "confiscated": "84000.00",
            "expenses": [{"label": "custody and conversion", "amount": "1200.00"}],
            "returned": "82800.00",
            "to_victims": "82800.00",
            "victims_compensated": 40,
            "priority_to_victims": True,
        },
    )
    row = wait_event(story, "vnm", "central", code, "proceeds_returned")
    record = next(e for e in row["events"] if e["event"] == "proceeds_returned")
    details = record["details"]
    story.say(
        f"    France recorded the return ({code[:8]}): USD {details.get('returned', '?')} "
        f"returned, {details.get('deducted', '?')} deducted, "
        f"{details.get('to_victims', '?')} to the victims"
    )
    story.say(f"    {delivery_line(row, 'acknowledge', 'proceeds_returned')}")


STORY: tuple[Step, ...] = (
    # 1. victims report (victims app) and 2. linking, cross-border hit/no-hit (linking
    # app) go here once those apps exist.
    Step(
        "3a",
        "preservation_sent",
        "At night, Viet Nam asks Cambodia to preserve data",
        preservation_sent,
    ),
    Step(
        "3b", "on_call_paged", "Cambodia's on-call officer is paged and acknowledges", on_call_paged
    ),
    Step("3c", "data_preserved", "The data is preserved: the 60-day clock runs", data_preserved),
    Step("4a", "mla_sent", "Viet Nam's central authority sends the MLA request", mla_sent),
    Step("4b", "mla_executed", "Cambodia executes it and hands over the evidence", mla_executed),
    Step(
        "4c",
        "evidence_verified",
        "Viet Nam verifies the evidence bundle offline",
        evidence_verified,
    ),
    Step("5a", "wallet_frozen", "The wallet at a French exchange is frozen", wallet_frozen),
    Step(
        "5b", "proceeds_returned", "Later, France records the return of proceeds", proceeds_returned
    ),
    # 6. victims' status pages (victims app) go here.
)


@dataclass
class Outcome:
    step: Step
    seconds: float
    error: str = ""


def tell(story: Story, steps: tuple[Step, ...] = STORY) -> list[Outcome]:
    """Run the steps in order, narrating; stop at the first that fails."""
    outcomes: list[Outcome] = []
    for step in steps:
        story.say(f" {step.number}. {step.title}")
        story.current = f"step {step.number} '{step.name}'"
        started = time.monotonic()
        try:
            step.run(story)
        except (StepError, CliError) as exc:
            outcomes.append(Outcome(step, time.monotonic() - started, str(exc)))
            story.say(f"    FAILED: {exc}")
            break
        outcomes.append(Outcome(step, time.monotonic() - started))
        story.say(f"    [{step.name}: {outcomes[-1].seconds:.1f} s]")
    return outcomes
