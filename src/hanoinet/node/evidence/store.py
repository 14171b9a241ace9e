"""This node's evidence store, from its settings: the backend and the key-encryption key.

``evidence_store()`` is the one way in: ``HANOINET_EVIDENCE_BACKEND`` picks a folder
(``local``, the default) or S3-compatible object storage (``s3``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from hanoinet.core.evidence.store import EvidenceStore, LocalStore

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

    from hanoinet.core.evidence.s3 import S3Store

KEY_BYTES = 32
MiB = 1 << 20


def read_key_file() -> bytes:
    path = settings.HANOINET_EVIDENCE_KEY_FILE
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        raise ImproperlyConfigured(
            f"the evidence key {path} is missing: restore it from backup "
            "(without it no stored evidence can be read), or run `hanoinet init` on a new node"
        ) from None
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(f"the evidence key {path} is unreadable: {exc}") from None
    if len(key) != KEY_BYTES:
        raise ImproperlyConfigured(f"the evidence key {path} is not {KEY_BYTES} bytes")
    return key


def s3_problems() -> list[str]:
    """What is missing from the S3 settings (the system check hanoinet.E007 shows them)."""
    problems = []
    if not settings.HANOINET_EVIDENCE_S3_BUCKET:
        problems.append("HANOINET_EVIDENCE_S3_BUCKET is not set")
    if not settings.HANOINET_EVIDENCE_S3_ENDPOINT and not settings.HANOINET_EVIDENCE_S3_REGION:
        problems.append(
            "neither HANOINET_EVIDENCE_S3_ENDPOINT (the server's URL) "
            "nor HANOINET_EVIDENCE_S3_REGION (for AWS) is set"
        )
    endpoint = settings.HANOINET_EVIDENCE_S3_ENDPOINT
    if endpoint and not endpoint.startswith(("https://", "http://")):
        problems.append(f"HANOINET_EVIDENCE_S3_ENDPOINT={endpoint!r} is not an http(s) URL")
    keys = (
        settings.HANOINET_EVIDENCE_S3_ACCESS_KEY_FILE,
        settings.HANOINET_EVIDENCE_S3_SECRET_KEY_FILE,
    )
    if (keys[0] is None) != (keys[1] is None):
        problems.append(
            "set both HANOINET_EVIDENCE_S3_ACCESS_KEY_FILE and "
            "HANOINET_EVIDENCE_S3_SECRET_KEY_FILE, or neither"
        )
    return problems


def _read_secret(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"the S3 key file {path} is unreadable: {exc}") from None


# boto3 clients are thread-safe and slow to make: one for each configuration.
@lru_cache(maxsize=4)
def _client(
    *, endpoint: str, region: str, access_key: str, secret_key: str, timeout: float, attempts: int
) -> S3Client:
    from hanoinet.core.evidence.s3 import make_client

    return make_client(
        endpoint=endpoint,
        region=region,
        access_key=access_key,
        secret_key=secret_key,
        timeout=timeout,
        attempts=attempts,
    )


def s3_client(*, timeout: float = 60, attempts: int = 3) -> S3Client:
    """The client for the configured S3 storage; ImproperlyConfigured says what is wrong."""
    problems = s3_problems()
    if problems:
        raise ImproperlyConfigured(f"the S3 evidence store: {'; '.join(problems)}")
    return _client(
        endpoint=settings.HANOINET_EVIDENCE_S3_ENDPOINT,
        region=settings.HANOINET_EVIDENCE_S3_REGION,
        access_key=_read_secret(settings.HANOINET_EVIDENCE_S3_ACCESS_KEY_FILE),
        secret_key=_read_secret(settings.HANOINET_EVIDENCE_S3_SECRET_KEY_FILE),
        timeout=timeout,
        attempts=attempts,
    )


def s3_store(kek: bytes) -> S3Store:
    from hanoinet.core.evidence.s3 import S3Store

    return S3Store(
        s3_client(),
        settings.HANOINET_EVIDENCE_S3_BUCKET,
        kek,
        prefix=settings.HANOINET_EVIDENCE_S3_PREFIX,
        part_size=settings.HANOINET_EVIDENCE_S3_PART_MIB * MiB,
    )


def evidence_store() -> EvidenceStore:
    kek = read_key_file()
    if settings.HANOINET_EVIDENCE_BACKEND == "s3":
        return s3_store(kek)
    return LocalStore(settings.HANOINET_EVIDENCE_DIR, kek)
