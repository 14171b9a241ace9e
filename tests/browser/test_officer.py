"""Officers at work in the browser: two-factor sign-in, a preservation request arriving in
the open inbox, an MLA draft checked against the Convention, evidence verified."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from hanoinet.core.convention.examples import example
from hanoinet.node.accounts.models import Unit, User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.evidence import actions as evidence_actions
from hanoinet.node.requests.models import CooperationRequest
from tests.browser.conftest import BROWSER_MARKS, preservation_from_cambodia, screenshot, sign_in
from tests.conftest import actor_for
from tests.node.federation.conftest import Peer

pytestmark = BROWSER_MARKS


def point_of_contact(make_user: Callable[..., User]) -> User:
    unit = Unit.objects.create(name="24/7 desk", kind=Unit.Kind.POINT_OF_CONTACT)
    return make_user("linh", unit, [Role.POINT_OF_CONTACT])


def record_step(page: Page, event: str) -> None:
    page.locator("select[name=event]").select_option(event)
    page.get_by_role("button", name="Record").click()
    expect(page.locator(".messages")).to_contain_text("Done.")


def test_a_request_arrives_in_the_open_inbox_and_is_acknowledged_and_executed(
    new_context: Callable[..., Page], make_user: Callable[..., User], khm: Peer
) -> None:
    officer = point_of_contact(make_user)
    page = new_context()
    # The page's timers run on a clock the test moves: the inbox polls every 15 s.
    page.clock.install()
    sign_in(page, officer, "/requests/?direction=incoming")
    expect(page.locator("h1")).to_have_text("Cooperation requests")
    expect(page.locator("#request-table")).to_contain_text("No request matches.")
    page.evaluate("window.stillTheSamePage = true")

    code = preservation_from_cambodia(khm)
    page.clock.run_for(16_000)
    row = page.locator("#request-table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("KHM-P1")
    expect(row).to_contain_text("preservation")
    assert page.evaluate("window.stillTheSamePage") is True  # no reload: htmx swapped the table
    screenshot(page, "officer-inbox.png")

    row.get_by_role("link", name="preservation").click()
    page.wait_for_url(f"**/requests/{code}/")
    expect(page.locator("h1")).to_contain_text("Art. 42")
    record_step(page, "acknowledge")
    record_step(page, "start")
    record_step(page, "execute")
    executed = CooperationRequest.objects.get(code=code)
    assert executed.status == "executed"
    assert executed.preserved_until is not None
    expect(page.locator("dd strong")).to_have_text(executed.status_label)
    preserved = page.locator("dt:text-is('Preserved until') + dd")
    expect(preserved).to_have_text(executed.preserved_until.strftime("%Y-%m-%d %H:%M"))
    expect(page.locator("ol.timeline")).to_contain_text("execute")


def test_an_mla_draft_missing_an_element_names_the_article_that_requires_it(
    new_context: Callable[..., Page], make_user: Callable[..., User], khm: Peer
) -> None:
    unit = Unit.objects.create(name="Central authority", kind=Unit.Kind.CENTRAL_AUTHORITY)
    officer = make_user("hoa", unit, [Role.CENTRAL_AUTHORITY])
    page = new_context()
    sign_in(page, officer, "/requests/new/mla/")
    expect(page.locator("h1")).to_contain_text("(Art. 40)")
    purpose = page.locator("label[for=id_purpose]")
    expect(purpose).to_contain_text("(Art. 40)")
    fields = example("mla")
    page.locator("#id_counterpart").fill("KHM")
    page.locator("#id_reference").fill("VNM-CA-7")
    for name in ("requesting_authority", "subject_and_nature", "authority_in_charge", "facts"):
        page.locator(f"#id_{name}").fill(str(fields[name]))
    page.locator("#id_assistance_sought").fill(str(fields["assistance_sought"]))
    page.locator("#id_offences").fill(
        '[{"code": "art13", "provision": "Criminal Code art. 290", "max_penalty_years": 20}]'
    )
    # The purpose is left out.
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messages")).to_contain_text("Draft saved.")
    problems = page.locator(".errors[role=alert]")
    expect(problems).to_contain_text("Missing: Purpose of the evidence, information or action.")
    expect(problems).to_contain_text("Article 40 requires the purpose")
    screenshot(page, "mla-draft-error.png")
    # Sending is refused with the same reason; the draft stays a draft.
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator(".errors[role=alert]").last).to_contain_text("Article 40")
    assert CooperationRequest.objects.get(reference="VNM-CA-7").status == "draft"


def test_an_officer_verifies_an_evidence_item_and_sees_the_result_on_its_custody(
    new_context: Callable[..., Page], make_user: Callable[..., User], evidence_dir: Path
) -> None:
    unit = Unit.objects.create(name="Cybercrime unit", kind=Unit.Kind.LAW_ENFORCEMENT)
    officer = make_user("an", unit, [Role.INVESTIGATOR])
    item = evidence_actions.do_ingest_item(
        actor_for(officer),
        io.BytesIO(b"wallet export TXYZ\n" * 200),
        filename="wallet.csv",
        description="Wallet export from the exchange",
        source_kind="seizure",
        acquired_by="Inspector Tran",
        exhibit_number="EX-7",
        method="export",
    )
    page = new_context()
    sign_in(page, officer, f"/evidence/{item.code}/")
    expect(page.locator("h1")).to_have_text("EX-7")
    custody = page.locator("ol.timeline li")
    expect(custody).to_have_count(3)
    page.get_by_role("button", name="Verify the stored item").click()
    expect(page.locator(".messages")).to_contain_text(
        "Verified: every chunk intact, SHA-256 matches."
    )
    expect(custody).to_have_count(4)
    expect(custody.last.locator("strong")).to_have_text("verified")
    expect(custody.last).to_contain_text(f"SHA-256 {item.digest} matches")
    screenshot(page, "evidence-verified.png")
