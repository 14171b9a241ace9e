"""A victim reports from a phone, in Vietnamese, and follows the report on another device."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from hanoinet.node.victims.models import VictimReport
from tests.browser.conftest import BROWSER_MARKS, PHONE, screenshot

pytestmark = BROWSER_MARKS

WALLET = "0x52908400098527886E0F7030069857D2E4169EE7"
REFERENCE = re.compile(r"^VR-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")


def phone(new_context: Callable[..., Page]) -> Page:
    return new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="vi-VN")


def assert_fits_the_screen(page: Page) -> None:
    assert page.evaluate("document.documentElement.lang") == "vi"
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, f"{page.url} scrolls sideways: {scroll_width}px"


def test_a_victim_reports_on_a_phone_in_vietnamese_and_follows_the_report(
    new_context: Callable[..., Page], evidence_dir: Path
) -> None:
    page = phone(new_context)
    page.goto("/report/")
    # The language comes from the phone's settings (Accept-Language), as the switcher shows.
    expect(page.locator("#language-select")).to_have_value("vi")
    expect(page.locator("label[for=language-select]")).to_have_text("Ngôn ngữ")
    assert_fits_the_screen(page)

    page.locator("input[name=category][value=investment_scam]").check()
    page.locator("textarea[name=what_happened]").fill(
        "Một người trên Telegram mời tôi đầu tư vào nền tảng tiền ảo, rồi chặn tôi."
    )
    page.locator("input[name=amount]").fill("120000000")
    page.locator("input[name=currency]").fill("VND")
    page.locator("input[name=payment][value=crypto]").check()
    page.locator("textarea[name=phones]").fill("0912 345 678")
    page.locator("textarea[name=wallets]").fill(WALLET)
    page.locator("input[name=consent]").check()
    page.locator("form.portal h2").first.evaluate("heading => heading.scrollIntoView()")
    screenshot(page, "victim-report-vi-phone.png")
    page.locator("form.portal button[type=submit]").click()

    receipt = page.locator("dl.receipt strong.reference")
    expect(receipt).to_have_count(2)
    reference, secret = receipt.all_inner_texts()
    assert REFERENCE.match(reference), reference
    assert_fits_the_screen(page)
    report = VictimReport.objects.get(reference=reference)
    assert (report.language, report.offence, report.currency) == ("vi", "art13", "VND")
    keys = set(report.identifiers.values_list("link_key", flat=True))
    assert "phone:+84912345678" in keys
    assert any(key.startswith("wallet:") for key in keys)

    # Days later, from another phone: the reference and the secret open the report.
    later = phone(new_context)
    later.goto("/report/follow/")
    assert_fits_the_screen(later)
    later.locator("input[name=reference]").fill(reference)
    later.locator("input[name=secret]").fill(secret)
    later.locator("form.portal button[type=submit]").click()
    later.wait_for_url("**/report/status/")
    expect(later.locator("h1")).to_contain_text(reference)
    expect(later.locator("ol.timeline li")).to_have_count(1)
    assert_fits_the_screen(later)
    screenshot(later, "victim-status-vi-phone.png")


def test_a_wrong_secret_opens_nothing(new_context: Callable[..., Page], evidence_dir: Path) -> None:
    page = phone(new_context)
    page.goto("/report/follow/")
    page.locator("input[name=reference]").fill("VR-AAAA-BBBB-CCCC")
    page.locator("input[name=secret]").fill("AAAAAA-BBBBBB-CCCCCC-DDDDDD-EE")
    page.locator("form.portal button[type=submit]").click()
    expect(page.locator("[role=alert]")).to_be_visible()
    assert "/report/follow/" in page.url
