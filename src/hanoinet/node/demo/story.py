"""The scripted story of the demo network: named steps, each through public interfaces.

Every step talks to the nodes as their officers would: the JSON API with an officer's
token and the web UI with a signed-in session (the on-call page). The court bundle
crosses the border as an evidence transfer, and Viet Nam's copy is checked offline with
``hanoinet verify-bundle``, as a court would. Nothing here writes to a node's database.
Victims use the public portal (no account, a reference and a secret); the analyst the
linking and hit/no-hit pages, signed in.
"""

from __future__ import annotations

import html
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
from hanoinet.core.errors import CoreError
from hanoinet.core.evidence.transfer import unpack
from hanoinet.core.reporting import UPDATE_LABELS, Update
from hanoinet.node.demo.client import Api, Browser, StepError
from hanoinet.node.demo.nodes import DemoNode, base_environment
from hanoinet.node.demo.seed import DEMO_PASSWORD, PROVIDERS
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
    victims: list[Victim] = field(default_factory=list)
    # Signed-in officers: node -> the analyst, "node/username" -> another officer.
    browsers: dict[str, Browser] = field(default_factory=dict)
    told: list[str] = field(default_factory=list)  # what the victims were told, in order
    current: str = ""  # what is under way: the step, or set-up / start-up / running
    say: Callable[[str], None] = print

    def api(self, node: str, username: str) -> Api:
        live = self.nodes[node]
        return Api(live.base, self.tokens[node][username], f"{live.title} ({username})")

    def request(self, node: str, username: str, code: str) -> dict[str, Any]:
        return dict(self.api(node, username).ok("GET", f"/requests/{code}"))

    def analyst(self, node: str) -> Browser:
        return self.officer(node, "analyst")

    def officer(self, node: str, username: str) -> Browser:
        """The node's officer, signed in to the web UI once (a TOTP code counts once)."""
        key = node if username == "analyst" else f"{node}/{username}"
        if key not in self.browsers:
            live = self.nodes[node]
            browser = Browser(live.base, f"{live.title} ({username})")
            browser.sign_in(username, DEMO_PASSWORD, self.secrets[node][username])
            self.browsers[key] = browser
        return self.browsers[key]


@dataclass(frozen=True)
class Victim:
    """What a victim keeps from the thanks page: the reference and the secret code."""

    name: str
    node: str
    language: str
    reference: str
    secret: str


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


def wait_event(
    story: Story, node: str, username: str, code: str, event: str, *, showing: str = ""
) -> dict[str, Any]:
    """The request as ``node`` shows it once ``event`` is on it (and the field ``showing``
    is set). The request and its events are read by two queries, so a status message
    committed between them can show its event before the fields it changed: polling
    until both agree reads a consistent copy."""
    title = story.nodes[node].title
    return dict(
        wait_for(
            f"'{event}' on request {code} at {title}",
            lambda: (
                (row := story.request(node, username, code))
                and event in events_of(row)
                and (not showing or row.get(showing))
                and row
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


def text_of(fragment: str) -> str:
    """The words of an HTML fragment, tags dropped, entities decoded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


# -- 1. Victims report on the public portal (Art. 34) ------------------------------------

# The scam's traces: the platform's "support line" (the Cambodian number of step 3) and
# the wallet the victims paid into (held at the French exchange of step 5).
SCAM_PHONE = "+855 12 345 678"
SCAM_WALLET = "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE"
SCAM_SITE = "vn-invest-pro.com"

# name, portal language, the form's answers (the rest: investment scam, paid in crypto,
# no contact wished, consent given).
VIETNAM_VICTIMS: tuple[tuple[str, str, dict[str, str]], ...] = (
    (
        "Chị Lan, Hà Nội",
        "vi",
        {
            "what_happened": (
                "Tôi được mời vào một nhóm Telegram đầu tư tiền ảo, hứa lãi 30% mỗi tháng. "
                "Tôi đã mua USDT và chuyển vào ví họ đưa. Số hỗ trợ của họ là +855 12 345 678. "
                "Bây giờ tôi không rút được tiền."
            ),
            "amount": "120000000",
            "currency": "VND",
            "phones": SCAM_PHONE,
            "wallets": SCAM_WALLET,
            "websites": SCAM_SITE,
        },
    ),
    (
        "Anh Minh, Đà Nẵng",
        "vi",
        {
            "what_happened": (
                "Một người tự xưng là chuyên gia tài chính gọi cho tôi từ số +855 12 345 678 "
                "và hướng dẫn tôi đầu tư trên trang vn-invest-pro.com. Tôi mất 45 triệu đồng."
            ),
            "amount": "45000000",
            "currency": "VND",
            "payment": "bank_transfer",
            "phones": "+85512345678",
            "websites": SCAM_SITE,
        },
    ),
    (
        "Bà Hoa, TP. Hồ Chí Minh",
        "vi",
        {
            "what_happened": (
                "Nhân viên hỗ trợ của sàn đầu tư bảo tôi nạp USDT vào ví để nâng cấp tài "
                "khoản VIP. Sau đó trang web đóng cửa và nhóm chat bị xóa."
            ),
            "amount": "300000000",
            "currency": "VND",
            "wallets": SCAM_WALLET,
        },
    ),
    (
        "Mark, an expatriate in Hồ Chí Minh City",
        "en",
        {
            "what_happened": (
                "A woman I met on a dating app introduced me to an investment platform. I "
                "bought USDT and sent it to their wallet; their support line was "
                "+855 12 345 678. When I asked to withdraw, they demanded a 20% 'tax'."
            ),
            "amount": "2000",
            "currency": "USD",
            "phones": SCAM_PHONE,
            "wallets": SCAM_WALLET,
        },
    ),
)
REFERENCE = re.compile(r"VR-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


def report_on_portal(
    story: Story, node: str, name: str, language: str, answers: dict[str, str]
) -> Victim:
    """A victim fills the public form (no account) and keeps the thanks page's two lines."""
    live = story.nodes[node]
    browser = Browser(live.base, f"{name} on {live.title}'s portal", language)
    _url, form = browser.get("/report/")
    fields = {
        "category": "investment_scam",
        "payment": "crypto",
        "contact": "none",
        "consent": "on",
        **answers,
    }
    _url, thanks = browser.post("/report/", form, fields)
    shown = [
        text_of(value)
        for value in re.findall(r'<strong class="reference"[^>]*>(.*?)</strong>', thanks)
    ]
    if len(shown) < 2 or not REFERENCE.fullmatch(shown[0]):
        raise StepError(f"{name}: the thanks page showed no reference and secret code")
    return Victim(name, node, language, shown[0], shown[1])


def victims_report(story: Story) -> None:
    portal = story.nodes["vnm"].url + "report/"
    story.say(f"    on Viet Nam's portal ({portal}), each victim got a reference and a secret:")
    for name, language, answers in VIETNAM_VICTIMS:
        victim = report_on_portal(story, "vnm", name, language, answers)
        story.victims.append(victim)
        traces = [
            kind
            for kind, box in (("phone", "phones"), ("wallet", "wallets"), ("website", "websites"))
            if answers.get(box)
        ]
        story.say(
            f"      {victim.reference}  secret {victim.secret}  "
            f"({'Vietnamese' if language == 'vi' else 'English'}; {name}; "
            f"{int(answers['amount']):,} {answers['currency']}; {', '.join(traces)})"
        )


def victim_in_cambodia(story: Story) -> None:
    victim = report_on_portal(
        story,
        "khm",
        "Dara, Phnom Penh",
        "en",
        {
            "what_happened": (
                "Someone calling from 012 345 678 offered me a job with an online investment "
                "company. I paid a 500 USD training fee by bank transfer and never heard back."
            ),
            "amount": "500",
            "currency": "USD",
            "payment": "bank_transfer",
            # Written the Cambodian way: the node reads it as +855 12 345 678.
            "phones": "012 345 678",
        },
    )
    story.say(
        f"    a victim in Phnom Penh reported on Cambodia's portal: {victim.reference} "
        "(phone written 012 345 678, read there as +855 12 345 678)"
    )


# -- 2. Linking, and cross-border hit/no-hit --------------------------------------------


def reports_linked(story: Story) -> None:
    analyst = story.analyst("vnm")
    references = [victim.reference for victim in story.victims if victim.node == "vnm"]

    def our_cluster() -> tuple[str, str] | None:
        _url, listing = analyst.get("/linking/")
        for code in re.findall(r'href="/linking/([0-9a-f-]{36})/"', listing):
            _url, page = analyst.get(f"/linking/{code}/")
            if all(reference in page for reference in references):
                return code, page
        return None

    code, page = wait_for("the victims' reports to be linked in one cluster", our_cluster)
    story.codes["cluster"] = code
    shared = re.findall(
        r"<tr><td><code>([^<]+)</code></td><td>(\d+)</td><td>([^<]+)</td></tr>", page
    )
    story.say(
        f"    Viet Nam's analyst (analyst) signed in: the {len(references)} reports form "
        f"one cluster ({code[:8]}) on /linking/"
    )
    for key, count, links in shared:
        if int(count) > 1:
            story.say(f"      {html.unescape(key)} in {count} reports (links: {text_of(links)})")


RUN_ROW = re.compile(
    r"<tr><td>[^<]*</td><td>([A-Z]{3})</td><td>([^<]+)</td><td>([^<]+)</td>"
    r"<td>(.*?)</td><td>(\d+)</td></tr>",
    re.S,
)
FINAL = ("Done", "Refused", "Failed")
KIND_WORDS = {"phone": "phone number", "wallet": "wallet address"}


def cross_border_hit(story: Story) -> None:
    analyst = story.analyst("vnm")
    _url, page = analyst.get("/linking/matching/")
    asked_at = time.monotonic()
    _url, page = analyst.post("/linking/matching/", page, {"kind": "phone", "value": SCAM_PHONE})
    said = re.search(r"Asked ([A-Z]{3}(?:, [A-Z]{3})*) without revealing", page)
    if said is None:
        raise StepError("the matching page did not say which States were asked")
    asked = said.group(1).split(", ")
    story.say(
        f"    the analyst asked {', '.join(asked)} about {SCAM_PHONE} on /linking/matching/, "
        "without revealing it"
    )
    answered: dict[str, float] = {}

    def latest_runs() -> dict[str, tuple[str, int]] | None:
        _url, current = analyst.get("/linking/matching/")
        runs: dict[str, tuple[str, int]] = {}
        for peer, direction, _mode, status, hits in RUN_ROW.findall(current):
            if direction.strip() == "We asked" and peer in asked and peer not in runs:
                runs[peer] = (text_of(status), int(hits))
        for peer, (status, _hits) in runs.items():
            if status.startswith(FINAL):
                answered.setdefault(peer, time.monotonic() - asked_at)
        return runs if set(answered) >= set(asked) else None

    runs = wait_for("every asked State's answer on the matching page", latest_runs)
    _url, current = analyst.get("/linking/matching/")
    hits = re.findall(
        r"<tr><td>([A-Z]{3})</td><td><code>([a-z_]+):[^<]*</code></td>.*?"
        r'action="/linking/matching/hits/([0-9a-f-]{36})/draft/"',
        current,
        re.S,
    )
    for peer in asked:
        status, count = runs[peer]
        title = next((n.title for n in story.nodes.values() if n.spec.state == peer), peer)
        if status.startswith("Done") and count:
            kinds = sorted({KIND_WORDS.get(k, k) for state, k, _code in hits if state == peer})
            story.say(
                f"    hit: {title} ({peer}) holds the same {', '.join(kinds) or 'identifier'} "
                f"(+{answered[peer]:.1f} s)"
            )
        elif status.startswith("Done"):
            story.say(f"    no hit: {title} ({peer}) (+{answered[peer]:.1f} s)")
        else:
            story.say(f"    {title} ({peer}): {status} (+{answered[peer]:.1f} s)")
    hit = next((code for state, kind, code in hits if state == "KHM" and kind == "phone"), None)
    if runs.get("KHM", ("", 0))[1] == 0 or hit is None:
        raise StepError("Cambodia's node did not report holding the phone number (no hit)")
    story.codes["hit"] = hit
    story.say(f"    the hit ({hit[:8]}) is listed with a button to draft a request to KHM")


def tell_victims(story: Story, kind: Update, state: str = "") -> None:
    """The analyst shares an update with the cluster's victims (their status pages)."""
    analyst = story.analyst("vnm")
    code = story.codes["cluster"]
    _url, page = analyst.get(f"/linking/{code}/")
    _url, page = analyst.post(f"/linking/{code}/share/", page, {"kind": kind.value, "state": state})
    told = re.search(r"(\d+) victim\(s\) can now see this update", page)
    if told is None:
        raise StepError(f"sharing '{kind.value}' with the victims was not confirmed")
    text = UPDATE_LABELS[kind] % {"state": state}
    story.told.append(text)
    story.say(f"    the analyst told the cluster's victims ({told.group(1)} new): “{text}”")


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
    tell_victims(story, Update.REQUEST_SENT, "KHM")


def on_call_paged(story: Story) -> None:
    browser = story.officer("khm", "poc")  # signed in once: step 3c orders with it too

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


# Cambodia's demo operator (seeded on its provider portal) and its liaison's username.
PROVIDER, LIAISON = PROVIDERS["KHM"][0], PROVIDERS["KHM"][3]


def alerts_of(page: str) -> str:
    """The problems a form page shows (its role="alert" blocks), as words."""
    found = re.findall(r'role="alert"[^>]*>(.*?)</(?:div|p)>', page, re.S)
    return "; ".join(text_of(alert) for alert in found) or "no order was made"


def order_provider(story: Story, username: str, code: str, kind: str) -> dict[str, Any]:
    """Cambodia's officer orders the operator on the request's web page (ordering is an
    officer's form, prefilled from the request); the order as the liaison's API shows it."""
    browser = story.officer("khm", username)
    path = f"/providers/requests/{code}/"
    _url, page = browser.get(path)
    provider = re.search(
        rf'<option value="([0-9a-f-]{{36}})"[^>]*>{re.escape(html.escape(PROVIDER))}</option>',
        page,
    )
    what = re.search(r'<textarea name="what"[^>]*>(.*?)</textarea>', page, re.S)
    due = re.search(r'name="due_at" value="([^"]+)"', page)
    if provider is None or what is None or due is None:
        raise StepError(f"{path}: no order form naming {PROVIDER} for {username} at Cambodia")
    liaison = story.api("khm", LIAISON)
    before = {str(o["code"]) for o in liaison.ok("GET", "/providers/orders")}
    _url, answer = browser.post(
        path,
        page,
        {
            "provider": provider.group(1),
            "kind": kind,
            "what": html.unescape(what.group(1)).strip(),
            "due_at": due.group(1),
            "instructions": "Keep this order confidential; do not notify the subscriber.",
        },
    )
    new = [
        order
        for order in liaison.ok("GET", "/providers/orders")
        if str(order["code"]) not in before and order["kind"] == kind
    ]
    if not new:
        raise StepError(f"{path}: the order to {kind} was not made: {alerts_of(answer)}")
    return dict(new[0])


def data_preserved(story: Story) -> None:
    code = story.codes["preservation"]
    step_events(story.api("khm", "poc"), code, "start")
    order = order_provider(story, "poc", code, "preserve")
    seen = story.api("khm", LIAISON).ok("POST", f"/providers/orders/{order['code']}/acknowledge")
    if seen.get("status") != "acknowledged":
        raise StepError(f"{PROVIDER}'s acknowledgement left the order {seen.get('status')}")
    story.say(
        f"    Cambodia's officer (poc) ordered {PROVIDER} to preserve (Art. {order['article']}, "
        f"until {str(order['due_at'])[:10]}); its liaison ({LIAISON}) acknowledged "
        "through the provider API"
    )
    step_events(story.api("khm", "poc"), code, "execute")
    try:
        row = wait_event(story, "vnm", "poc", code, "execute", showing="preserved_until")
    except StepError:
        raise StepError("Viet Nam's copy shows no preservation term after execution") from None
    until = str(row["preserved_until"])
    # The clock starts when Cambodia executes: measured on Cambodia's own copy.
    theirs = story.request("khm", "poc", code)
    executed = events_of(theirs)["execute"]
    term = datetime.fromisoformat(str(theirs["preserved_until"])) - executed
    days = round(term.total_seconds() / 86400)
    story.say(f"    Cambodia executed the preservation: {days}-day clock")
    story.say(f"    preserved until {until[:16]} UTC (the same on Viet Nam's copy)")
    story.say(f"    {delivery_line(row, 'acknowledge', 'execute')}")
    if days < 59:
        raise StepError(f"the preservation lasts {days} days, less than the Convention's 60")
    tell_victims(story, Update.DATA_PRESERVED, "KHM")


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
    order = order_provider(story, "central", code, "produce")
    answer = story.api("khm", LIAISON).upload(
        f"/providers/orders/{order['code']}/responses",
        {
            "statement": (
                "Subscriber information and login records of +85512345678, exported from "
                "our subscriber and access-log systems for 2026-08-30 to 2026-10-20."
            )
        },
        "mekong-response-0042.csv",
        PROVIDER_DATA.encode(),
        field="files",
    )
    sent_files = answer.get("items") or []
    if len(sent_files) != 1:
        raise StepError(f"{PROVIDER}'s response holds {len(sent_files)} file(s), not 1")
    # The officer's page of the request's orders links the response's evidence item.
    _url, page = story.officer("khm", "central").get(f"/providers/requests/{code}/")
    linked = re.findall(r'href="/evidence/([0-9a-f-]{36})/"', page)
    if len(linked) != 1:
        raise StepError(f"Cambodia's page of the orders links {len(linked)} evidence item(s)")
    item = khmer.ok("GET", f"/evidence/{linked[0]}")
    if item["sha256"] != sent_files[0]["sha256"]:
        raise StepError("the evidence item is not the file the provider sent")
    story.say(
        f"    Cambodia's central authority (central) ordered {PROVIDER} to produce; its "
        f"liaison ({LIAISON}) responded through the provider API: a statement and "
        f"{sent_files[0]['filename']} ({sent_files[0]['size']:,} bytes)"
    )
    story.codes["evidence"] = str(item["code"])
    witnessed = wait_witnessed(khmer)
    sent = khmer.ok(
        "POST",
        "/evidence/transfers",
        {
            "request": code,
            "items": [str(item["code"])],
            "reason": f"execution of Viet Nam's request {code}",
        },
    )
    story.codes["transfer"] = str(sent["transfer"])
    step_events(khmer, code, "execute")
    row = wait_event(story, "vnm", "central", code, "execute")
    story.say(
        f"    the response is evidence {str(item['code'])[:8]} at Cambodia "
        f"(SHA-256 {str(item['sha256'])[:12]}…, {len(item['custody'])} custody events)"
    )
    story.say(
        f"    Cambodia's custody log (its {witnessed['size']} events) was co-signed by its "
        f"witnesses {', '.join(witnessed['by'])}, who checked that it only grew"
    )
    story.say(
        f"    and offered it to Viet Nam on the request's thread: transfer "
        f"{str(sent['transfer'])[:8]}, a court bundle of {sent['bytes']:,} bytes in "
        f"{sent['chunks']} sealed chunk(s), SHA-256 {str(sent['sha256'])[:12]}…"
    )
    story.say(f"    {delivery_line(row, 'acknowledge', 'execute')}")


def wait_witnessed(api: Api) -> dict[str, Any]:
    """Cambodia's custody log as its peers witnessed it, once they co-signed every event
    it holds now: the court bundle then proves that the log its checkpoint signs extends
    what the witnesses saw (the nodes announce their checkpoints every second)."""
    size = int(api.ok("GET", "/evidence/ledger/checkpoint")["size"])

    def cosigned() -> dict[str, Any] | None:
        seen = api.ok("GET", "/evidence/ledger/checkpoint").get("witnessed") or {}
        if seen.get("size", 0) >= size and {"VNM", "FRA"} <= set(seen.get("by", [])):
            return dict(seen)
        return None

    return dict(wait_for("Viet Nam and France to witness Cambodia's custody log", cosigned))


def transfer_at(story: Story, node: str, status: str) -> dict[str, Any]:
    """The demo's transfer as ``node``'s API shows it, once it is ``status``; a transfer
    that failed there ends the wait at once, with the node's reason."""
    api = story.api(node, "central")
    code, transfer = story.codes["mla"], story.codes["transfer"]
    title = story.nodes[node].title

    def seen() -> dict[str, Any] | None:
        rows = api.ok("GET", f"/evidence/transfers?request_code={code}")
        row = next((r for r in rows if r.get("transfer") == transfer), None)
        return row if row is not None and row.get("status") in (status, "failed") else None

    row = dict(wait_for(f"transfer {transfer[:8]} to be {status} at {title}", seen))
    if row["status"] == "failed":
        raise StepError(f"{title}: transfer {transfer[:8]} failed: {row.get('problem')}")
    return row


def evidence_verified(story: Story) -> None:
    received = transfer_at(story, "vnm", "verified")
    confirmed = transfer_at(story, "khm", "confirmed")
    offered = datetime.fromisoformat(str(confirmed["created_at"]))
    verified = datetime.fromisoformat(str(received["completed_at"]))
    done = datetime.fromisoformat(str(confirmed["completed_at"]))
    story.say(
        f"    offered {offered:%H:%M:%S} UTC → verified at VNM "
        f"+{(verified - offered).total_seconds():.1f} s → confirmed at KHM "
        f"+{(done - offered).total_seconds():.1f} s"
    )
    report = received.get("report") or {}
    story.say("    Viet Nam's node verified the bundle on arrival, as a court would:")
    for check in report.get("checks", []):
        detail = f": {check['detail']}" if check.get("detail") else ""
        story.say(f"      {'PASS' if check.get('ok') else 'FAIL'}  {check['check']}{detail}")
    if report.get("ok") is not True:
        raise StepError("Viet Nam's verification report does not say the bundle passed")
    if received.get("sha256") != confirmed.get("sha256"):
        raise StepError("the two nodes name different SHA-256s for the bundle")
    story.say(
        f"    Viet Nam took in {len(received['items'])} item(s) as evidence from KHM, and the "
        f"bundle as received ({str(received['bundle_item'])[:8]}); Cambodia recorded "
        "the hand-over in its chain of custody"
    )
    bundle = story.out / "bundles" / "KHM-to-VNM-mla-evidence"
    bundle.parent.mkdir(parents=True, exist_ok=True)
    archive = bundle.parent / f"{bundle.name}.tar"
    try:
        digest = story.api("vnm", "central").download(
            f"/evidence/{received['bundle_item']}/content",
            {"reason": f"court copy of the evidence received on request {story.codes['mla']}"},
            archive,
        )
        if digest != received["sha256"]:
            raise StepError(
                f"the bundle downloaded from Viet Nam's node has SHA-256 {digest[:12]}…, "
                f"not the {str(received['sha256'])[:12]}… Cambodia offered"
            )
        unpack(archive, bundle)  # regular files only, nothing outside the folder
    except (CoreError, OSError) as exc:
        raise StepError(f"the bundle as received could not be unpacked: {exc}") from None
    finally:
        archive.unlink(missing_ok=True)
    story.bundles.append(bundle)
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
    story.say(f"    downloaded from Viet Nam's API (a custody event) into {bundle}")
    story.say(f"    and checked offline with `hanoinet verify-bundle`: {summary}")


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
    tell_victims(story, Update.FUNDS_FROZEN, "FRA")


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
    tell_victims(story, Update.FUNDS_RETURNED)


# -- 6. The victims' status pages ---------------------------------------------------------


def victim_follows(story: Story) -> None:
    victim = story.victims[0]
    live = story.nodes[victim.node]
    browser = Browser(live.base, f"{victim.name} on {live.title}'s portal", victim.language)
    _url, form = browser.get("/report/follow/")
    url, page = browser.post(
        "/report/follow/", form, {"reference": victim.reference, "secret": victim.secret}
    )
    if not url.endswith("/report/status/"):
        raise StepError(f"the portal refused {victim.name}'s reference and secret code")
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', page, re.S)
    lines = [
        text_of(item)
        for item in re.findall(r"<li>(.*?)</li>", timeline.group(1) if timeline else "", re.S)
    ]
    story.say(
        f"    {victim.name} signed in at {live.url}report/follow/ with {victim.reference} "
        "and the secret code; the status page says:"
    )
    for line in lines:
        story.say(f"      · {line}")
    # The submission, the link to the others' reports, and one line per update shared.
    if len(lines) < 2 + len(story.told):
        raise StepError(
            f"the status page shows {len(lines)} line(s), not the submission, the link and "
            f"the {len(story.told)} update(s) shared"
        )


STORY: tuple[Step, ...] = (
    Step(
        "1a",
        "victims_report",
        "Victims in Viet Nam report an investment scam on the public portal",
        victims_report,
    ),
    Step(
        "1b",
        "victim_in_cambodia",
        "In Cambodia, a victim reports the same phone number",
        victim_in_cambodia,
    ),
    Step("2a", "reports_linked", "Viet Nam's analyst finds the reports linked", reports_linked),
    Step(
        "2b",
        "cross_border_hit",
        "Hit/no-hit: which States hold the phone number too?",
        cross_border_hit,
    ),
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
    Step(
        "4b",
        "mla_executed",
        "Cambodia executes it and sends the evidence across the border",
        mla_executed,
    ),
    Step(
        "4c",
        "evidence_verified",
        "Viet Nam's node verifies the bundle on arrival",
        evidence_verified,
    ),
    Step("5a", "wallet_frozen", "The wallet at a French exchange is frozen", wallet_frozen),
    Step(
        "5b", "proceeds_returned", "Later, France records the return of proceeds", proceeds_returned
    ),
    Step("6a", "victim_follows", "A victim follows the case on the status page", victim_follows),
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
        story.current = f"step {step.number} '{step.name}'"  # before the line announces it
        story.say(f" {step.number}. {step.title}")
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
