"""How the demo's officers reach their nodes: the JSON API with a bearer token, and the
web UI with a session (password, then a TOTP code, then forms with their CSRF token).

Standard library only: the demo drives the nodes exactly as any outside client would.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.cookiejar
import json
import re
import struct
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any

TIMEOUT_SECONDS = 20


class StepError(Exception):
    """A step of the story did not happen as it should; the message says what."""


def totp_code(secret: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 (HMAC-SHA1), as an authenticator app computes it from the printed key.

    >>> totp_code("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", at=59, digits=8)
    '94287082'
    """
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


class Api:
    """An officer's API client on one node: ``api("POST", "/requests", {...})``."""

    def __init__(self, base: str, token: str, who: str) -> None:
        self.base, self.token, self.who = base, token, who

    def call(
        self,
        method: str,
        path: str,
        body: object = None,
        *,
        data: bytes | None = None,
        content_type: str = "application/json",
    ) -> tuple[int, Any]:
        payload = (
            data if data is not None else (json.dumps(body).encode() if body is not None else None)
        )
        request = urllib.request.Request(  # noqa: S310  (127.0.0.1 only)
            f"{self.base}/api/v1{path}",
            data=payload,
            method=method,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": content_type},
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                return error.code, json.loads(raw)
            except ValueError:
                return error.code, {"error": raw[:200].decode(errors="replace")}
        except (urllib.error.URLError, OSError) as error:
            raise StepError(f"{self.who}: {method} {path}: no answer ({error})") from None

    def ok(self, method: str, path: str, body: object = None, **kwargs: Any) -> Any:
        status, answer = self.call(method, path, body, **kwargs)
        if status != 200:
            detail = answer.get("detail") if isinstance(answer, dict) else None
            error = answer.get("error") if isinstance(answer, dict) else answer
            raise StepError(
                f"{self.who}: {method} /api/v1{path} answered {status}: {error}"
                + (f" {json.dumps(detail, ensure_ascii=False)[:400]}" if detail else "")
            )
        return answer

    def download(self, path: str, query: dict[str, str], target: Path) -> str:
        """A GET whose answer is a file, written to ``target``: its SHA-256, hex."""
        request = urllib.request.Request(  # noqa: S310  (127.0.0.1 only)
            f"{self.base}/api/v1{path}?{urllib.parse.urlencode(query)}",
            headers={"Authorization": f"Bearer {self.token}"},
        )
        digest = hashlib.sha256()
        try:
            with (
                urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response,  # noqa: S310
                target.open("wb") as out,
            ):
                while chunk := response.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
        except urllib.error.HTTPError as error:
            said = error.read()[:300].decode(errors="replace")
            raise StepError(
                f"{self.who}: GET /api/v1{path} answered {error.code}: {said}"
            ) from None
        except (urllib.error.URLError, OSError) as error:
            raise StepError(f"{self.who}: GET {path}: no answer ({error})") from None
        return digest.hexdigest()

    def upload(
        self,
        path: str,
        fields: dict[str, str],
        filename: str,
        content: bytes,
        *,
        field: str = "file",
    ) -> Any:
        """A multipart form with one file (the evidence intake; a provider's response)."""
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            for name, value in fields.items()
        ]
        body = (
            "".join(parts).encode()
            + (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return self.ok(
            "POST", path, data=body, content_type=f"multipart/form-data; boundary={boundary}"
        )


class Browser:
    """An officer signed in to the web UI: cookies, CSRF tokens from the forms."""

    def __init__(self, base: str, who: str, language: str = "") -> None:
        self.base, self.who = base, who
        # The language the person's browser asks for (a victim in Viet Nam: "vi").
        self.headers = {"Accept-Language": language} if language else {}
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def _open(self, request: urllib.request.Request, path: str) -> tuple[str, str]:
        try:
            with self.opener.open(request, timeout=TIMEOUT_SECONDS) as response:
                return str(response.geturl()), response.read().decode()
        except urllib.error.HTTPError as error:
            # A form sent back with its problems (400), a refusal (403, 404, 429): say so.
            body = error.read().decode(errors="replace")
            problems = [
                re.sub(r"<[^>]+>", " ", alert).split()
                for alert in re.findall(r'role="alert"[^>]*>(.*?)</(?:div|p)>', body, re.S)
            ]
            said = "; ".join(" ".join(words) for words in problems if words)
            raise StepError(
                f"{self.who}: {path} answered HTTP {error.code}" + (f": {said}" if said else "")
            ) from None
        except (urllib.error.URLError, OSError) as error:
            raise StepError(f"{self.who}: {path} could not be reached ({error})") from None

    def get(self, path: str) -> tuple[str, str]:
        request = urllib.request.Request(  # noqa: S310  (127.0.0.1 only)
            self.base + path, headers=self.headers
        )
        return self._open(request, path)

    def post(self, path: str, page: str, fields: dict[str, str]) -> tuple[str, str]:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None:
            raise StepError(f"{self.who}: no form to submit on the page before {path}")
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), **fields}).encode()
        request = urllib.request.Request(  # noqa: S310  (127.0.0.1 only)
            self.base + path, data=data, headers={"Referer": self.base + path, **self.headers}
        )
        return self._open(request, path)

    def sign_in(self, username: str, password: str, totp_secret: str) -> None:
        try:
            _url, page = self.get("/accounts/login/")
            url, page = self.post(
                "/accounts/login/", page, {"username": username, "password": password}
            )
            if not url.endswith("/accounts/second-factor/"):
                raise StepError(f"{self.who}: the password of {username} was not accepted")
            url, page = self.post(
                "/accounts/second-factor/", page, {"token": totp_code(totp_secret)}
            )
        except (urllib.error.URLError, OSError) as error:
            raise StepError(f"{self.who}: sign-in failed ({error})") from None
        if url.endswith("/accounts/second-factor/"):
            raise StepError(f"{self.who}: the second-factor code of {username} was refused")
