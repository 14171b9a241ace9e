"""Browser acceptance: Debian's Chromium, driven by Playwright, against a live node.

The node runs in a thread of the test process (pytest-django's ``live_server``, on the
test database). Chromium is the system's (``/usr/bin/chromium``): no browser is ever
downloaded. axe-core comes from npm into ``tests/browser/node_modules`` (``make test``
installs it from the committed lock file).

Screenshots of the key pages go to ``docs/screenshots/`` only when
``HANOINET_SCREENSHOTS=1``, so that ordinary runs leave tracked files alone.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from pytest_django.live_server_helper import LiveServer

from hanoinet.core.convention.examples import example
from hanoinet.node.accounts.models import User
from tests.conftest import PASSWORD
from tests.node.evidence.conftest import evidence_dir  # noqa: F401 - a fixture for the tests
from tests.node.federation.conftest import (  # noqa: F401 - fixtures for the tests
    Peer,
    khm,
    vnm_keys,
)

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Every module of the package carries these marks.
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed at /usr/bin/chromium"),
    pytest.mark.skipif(
        not AXE.exists(),
        reason="axe-core not installed: npm ci --prefix tests/browser (make test does it)",
    ),
]


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    # Playwright's sync API keeps an asyncio loop on this thread; the ORM calls of the
    # tests are still plain synchronous code, so Django's guard is lifted meanwhile.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as driver:
            yield driver
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
    )
    yield launched
    launched.close()


@pytest.fixture
def new_context(browser: Browser, live_server: LiveServer) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh context (its own cookies), on the live node."""
    contexts: list[BrowserContext] = []

    def open_page(**options: Any) -> Page:
        settings: dict[str, Any] = {
            "base_url": live_server.url,
            "viewport": DESKTOP,
            "locale": "en-GB",
            # axe is injected as a script tag, which the node's CSP rightly forbids.
            "bypass_csp": True,
            **options,
        }
        context = browser.new_context(**settings)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def totp_code(user: User) -> str:
    """The code the officer's authenticator app shows now."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def sign_in(page: Page, user: User, next_path: str = "") -> None:
    """Password, then the TOTP code, through the real forms."""
    TOTPDevice.objects.get_or_create(user=user, name="phone", defaults={"confirmed": True})
    page.goto(f"/accounts/login/?next={next_path}" if next_path else "/accounts/login/")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url("**/accounts/second-factor/")
    page.locator("input[name=token]").fill(totp_code(user))
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_load_state()
    assert "/accounts/" not in page.url, page.content()[:2000]


def preservation_from_cambodia(peer: Peer) -> str:
    """Cambodia's node delivers a preservation request to our federation inbox."""
    code = str(uuid.uuid4())
    _message, token = peer.envelope(
        type="request.submit",
        thread=code,
        body={
            "request": code,
            "kind": "preservation",
            "fields": example("preservation"),
            "reference": "KHM-P1",
            "subject": "Preservation",
        },
    )
    answer = Client().post("/federation/v1/inbox", data=token, content_type="application/jose")
    assert answer.status_code == 200, answer.content
    return code


def screenshot(page: Page, name: str) -> None:
    if os.environ.get("HANOINET_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / name)  # what the screen shows


# Results axe leaves "to review" that are certain failures here: an ARIA reference to an
# element that is not on the page, or an id given twice.
BROKEN_REFERENCES = frozenset({"aria-valid-attr-value", "duplicate-id-aria"})


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Serious and critical problems that axe-core finds on the page as shown."""
    page.add_script_tag(path=AXE)
    results = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations", "incomplete"]});
            return [...r.violations, ...r.incomplete.map((v) => ({...v, review: true}))];
        }"""
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in results
        if v["impact"] in ("serious", "critical")
        and (not v.get("review") or v["id"] in BROKEN_REFERENCES)
    ]


def assert_accessible(page: Page) -> None:
    found = axe_violations(page)
    assert not found, f"{page.url}:\n{json.dumps(found, indent=1, ensure_ascii=False)}"
