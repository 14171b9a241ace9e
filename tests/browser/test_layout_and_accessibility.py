"""Arabic lays out right to left; the key pages pass axe-core with no serious or critical
violation."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from hanoinet.node.accounts.models import Unit, User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.evidence import actions as evidence_actions
from tests.browser.conftest import (
    BROWSER_MARKS,
    DESKTOP,
    PHONE,
    axe_violations,
    preservation_from_cambodia,
    screenshot,
    sign_in,
)
from tests.conftest import actor_for
from tests.node.federation.conftest import Peer

pytestmark = BROWSER_MARKS


def officer(make_user: Callable[..., User]) -> User:
    unit = Unit.objects.create(name="24/7 desk", kind=Unit.Kind.POINT_OF_CONTACT)
    return make_user("linh", unit, [Role.POINT_OF_CONTACT, Role.INVESTIGATOR])


def choose_language(page: Page, code: str) -> None:
    """The language switcher of the header (a form; the script submits it on change)."""
    with page.expect_navigation():
        page.locator("#language-select").select_option(code)


def test_the_arabic_interface_lays_out_right_to_left(
    new_context: Callable[..., Page], make_user: Callable[..., User]
) -> None:
    page = new_context()
    sign_in(page, officer(make_user))
    assert page.evaluate("document.documentElement.dir") == "ltr"
    choose_language(page, "ar")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    links = page.locator("nav.mainnav a")
    assert links.count() >= 3
    first, last = links.first.bounding_box(), links.last.bounding_box()
    assert first is not None
    assert last is not None
    assert abs(first["y"] - last["y"]) < first["height"] / 2  # one line at this width
    assert first["x"] > last["x"] + last["width"], (first, last)  # and it reads leftwards
    brand = page.locator(".brand").bounding_box()
    assert brand is not None
    assert brand["x"] > DESKTOP["width"] / 2  # the node's name sits at the right
    screenshot(page, "arabic-rtl.png")


def test_the_key_pages_have_no_serious_accessibility_violation(
    new_context: Callable[..., Page],
    make_user: Callable[..., User],
    khm: Peer,
    evidence_dir: Path,
) -> None:
    found: dict[str, list[dict[str, Any]]] = {}

    def scan(page: Page, name: str) -> None:
        violations = axe_violations(page)
        if violations:
            found[name] = violations

    victim = new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="vi-VN")
    victim.goto("/report/")
    scan(victim, "victim report form (vi, phone)")
    victim.locator("form.portal button[type=submit]").click()  # empty: errors shown
    expect(victim.locator("[role=alert]").first).to_be_visible()
    scan(victim, "victim report form with errors")
    victim.goto("/report/follow/")
    scan(victim, "follow my report")

    user = officer(make_user)
    code = preservation_from_cambodia(khm)
    item = evidence_actions.do_ingest_item(
        actor_for(user),
        io.BytesIO(b"chat log\n" * 50),
        filename="chat.txt",
        description="Chat export",
        source_kind="seizure",
        acquired_by="Inspector Tran",
        exhibit_number="EX-9",
    )
    page = new_context()
    page.goto("/accounts/login/")
    scan(page, "login")
    sign_in(page, user)
    scan(page, "dashboard")
    page.goto("/requests/")
    expect(page.locator("#request-table tbody tr")).to_have_count(1)
    scan(page, "requests inbox")
    page.goto(f"/requests/{code}/")
    scan(page, "incoming request")
    page.goto("/requests/new/preservation/")
    scan(page, "new request form")
    page.goto(f"/evidence/{item.code}/")
    scan(page, "evidence item")
    choose_language(page, "ar")
    scan(page, "evidence item (Arabic)")
    page.goto("/requests/")
    scan(page, "requests inbox (Arabic)")
    assert not found, found
