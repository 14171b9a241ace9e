"""`hanoinet init` then `hanoinet serve`: an operator's first sign-in over real HTTP."""

from __future__ import annotations

import base64
import http.client
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django_otp.oath import totp

from tests.node.test_cli import run

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Browser:
    """Just enough of a browser: cookies, redirects, CSRF tokens from forms."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[str, str]:
        request = urllib.request.Request(self.base + path, headers=headers or {})  # noqa: S310
        with self.opener.open(request, timeout=10) as response:
            return response.geturl(), response.read().decode()

    def post_form(self, path: str, page: str, fields: dict[str, str]) -> tuple[str, str]:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, "no CSRF token in the form"
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), **fields}).encode()
        request = urllib.request.Request(  # noqa: S310
            self.base + path, data=data, headers={"Referer": self.base + path}
        )
        with self.opener.open(request, timeout=10) as response:
            return response.geturl(), response.read().decode()


@pytest.fixture
def served_node(tmp_path: Path, node_database_url: str | None) -> Iterator[tuple[str, str]]:
    folder = tmp_path / "node"
    password_file = tmp_path / "pw"
    password_file.write_text("a long enough admin password")
    database = {"DATABASE_URL": node_database_url} if node_database_url else {}
    init = run(
        "init",
        "--data-dir",
        str(folder),
        "--state",
        "VNM",
        "--admin-password-file",
        str(password_file),
        env=database,
    )
    assert init.returncode == 0, init.stderr
    # On the PostgreSQL run the node really uses PostgreSQL, not its SQLite default.
    assert (folder / "hanoinet.sqlite3").exists() is (node_database_url is None)
    port = free_port()
    env = {
        "HANOINET_DATA_DIR": str(folder),
        "HANOINET_STATE": "VNM",
        "HANOINET_HTTPS": "0",
        **database,
    }
    log_path = tmp_path / "serve.log"
    log = log_path.open("wb")
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "hanoinet.node.cli", "serve", "--bind", f"127.0.0.1:{port}"],
        env={
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("HANOINET_", "DJANGO_", "DATABASE_"))
            },
            **env,
        },
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).close()  # noqa: S310
                break
            except (urllib.error.URLError, OSError):
                assert process.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        yield base, "a long enough admin password"
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_first_sign_in_over_http(served_node: tuple[str, str]) -> None:
    base, password = served_node
    browser = Browser(base)
    url, page = browser.get("/")
    assert urllib.parse.urlparse(url).path == "/accounts/login/"

    url, page = browser.post_form(
        "/accounts/login/?next=/audit/", page, {"username": "admin", "password": password}
    )
    assert url.endswith("/accounts/second-factor/")
    secret = re.search(r'class="secret">([A-Z2-7]+)<', page)
    assert secret, "the enrolment page shows the key"
    key = base64.b32decode(secret.group(1) + "=" * (-len(secret.group(1)) % 8))
    url, page = browser.post_form("/accounts/second-factor/", page, {"token": f"{totp(key):06d}"})
    assert url.endswith("/audit/"), page[:500]
    assert "auth.login" in page
    assert "auth.totp_enrolled" in page

    _, static_page = browser.get("/static/hanoinet/css/hanoinet.css")
    assert "inline-start" in static_page or ":root" in static_page
    _, rtl = browser.get("/", headers={"Accept-Language": "ar"})
    assert 'dir="rtl"' in rtl

    # Each response closes its connection, so that a waiting request goes to whichever
    # process has a free thread (server.py); more clients at once than threads are all
    # answered.
    port = int(urllib.parse.urlparse(base).port or 80)

    def health(_: int) -> tuple[int, str | None]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            response.read()
            return response.status, response.getheader("Connection")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=12) as pool:
        assert set(pool.map(health, range(36))) == {(200, "close")}
