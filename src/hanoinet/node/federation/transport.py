"""HTTP to peers' inboxes, with one kept-alive connection per peer and per process."""

from __future__ import annotations

import http.client
import json
import ssl
import threading
import urllib.parse
from dataclasses import dataclass

from django.conf import settings

BATCH_CONTENT_TYPE = "application/json"
ENVELOPE_CONTENT_TYPE = "application/jose"

_local = threading.local()


class TransportError(Exception):
    """The peer could not be reached or answered outside the protocol."""


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes
    content_type: str

    def json(self) -> object:
        return json.loads(self.body)


def _connections() -> dict[tuple[str, str, int], http.client.HTTPConnection]:
    if not hasattr(_local, "connections"):
        _local.connections = {}
    return _local.connections  # type: ignore[no-any-return]


def _connection(url: urllib.parse.SplitResult) -> http.client.HTTPConnection:
    key = (url.scheme, url.hostname or "", url.port or (443 if url.scheme == "https" else 80))
    pool = _connections()
    conn = pool.get(key)
    if conn is None:
        timeout = settings.HANOINET_FEDERATION_TIMEOUT_SECONDS
        if url.scheme == "https":
            conn = http.client.HTTPSConnection(
                key[1], key[2], timeout=timeout, context=ssl.create_default_context()
            )
        elif url.scheme == "http":
            conn = http.client.HTTPConnection(key[1], key[2], timeout=timeout)
        else:
            raise TransportError(f"unsupported endpoint scheme {url.scheme!r}")
        pool[key] = conn
    return conn


def _drop(url: urllib.parse.SplitResult) -> None:
    key = (url.scheme, url.hostname or "", url.port or (443 if url.scheme == "https" else 80))
    conn = _connections().pop(key, None)
    if conn is not None:
        conn.close()


def post(url_text: str, body: bytes, content_type: str) -> Response:
    headers = {"Content-Type": content_type, "Accept": "application/json, application/problem+json"}
    return _exchange("POST", url_text, body, headers)


def get(url_text: str, headers: dict[str, str]) -> Response:
    """A GET on a peer's node (chunks of an evidence transfer), on the kept-alive link."""
    return _exchange("GET", url_text, None, headers)


def _exchange(method: str, url_text: str, body: bytes | None, headers: dict[str, str]) -> Response:
    url = urllib.parse.urlsplit(url_text)
    path = url.path + (f"?{url.query}" if url.query else "")
    for attempt in (1, 2):  # a kept-alive connection the peer closed is retried once, fresh
        conn = _connection(url)
        try:
            conn.request(method, path, body=body, headers=headers)
            answer = conn.getresponse()
            data = answer.read()
        except (OSError, http.client.HTTPException) as exc:
            _drop(url)
            if attempt == 2 or not isinstance(
                exc, http.client.RemoteDisconnected | BrokenPipeError | ConnectionResetError
            ):
                raise TransportError(f"{url.netloc}: {exc}") from None
            continue
        if answer.getheader("Connection", "").lower() == "close":
            _drop(url)
        return Response(answer.status, data, answer.getheader("Content-Type", ""))
    raise TransportError(f"{url.netloc}: no answer")
