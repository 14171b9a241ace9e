"""System checks that stop a node from starting with unsafe settings.

``hanoinet serve`` and ``hanoinet check`` run them; an Error stops start-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.checks import Warning as CheckWarning
from django.core.exceptions import ImproperlyConfigured

from hanoinet.core.keys import KeyFileError, load_node_keys

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})
MIN_SECRET_KEY_LENGTH = 50


@register("hanoinet", deploy=True)
def check_node_settings(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    key = settings.SECRET_KEY
    if key == settings.MISSING_SECRET_KEY or len(key) < MIN_SECRET_KEY_LENGTH:
        problems.append(
            Error(
                f"No usable secret key at {settings.SECRET_KEY_PATH}.",
                hint="Run `hanoinet init`, or point HANOINET_SECRET_KEY_FILE at a file "
                f"holding at least {MIN_SECRET_KEY_LENGTH} random characters.",
                id="hanoinet.E001",
            )
        )
    public_hosts = [host for host in settings.ALLOWED_HOSTS if host not in LOOPBACK_HOSTS]
    if settings.DEBUG and (public_hosts or not settings.HANOINET_DEMO):
        problems.append(
            Error(
                "HANOINET_DEBUG is on outside a loopback-only demo.",
                hint="Unset HANOINET_DEBUG: debug pages leak settings and case data.",
                id="hanoinet.E002",
            )
        )
    # The secretariat keeps the register for all States and serves none of them.
    if not settings.HANOINET_STATE and settings.HANOINET_MODE == "node":
        problems.append(
            Error(
                "HANOINET_STATE is not set.",
                hint="Set it to the ISO 3166-1 alpha-3 code of the State this node serves, "
                "e.g. HANOINET_STATE=VNM.",
                id="hanoinet.E003",
            )
        )
    try:
        load_node_keys(settings.HANOINET_KEYS_DIR)
    except KeyFileError as exc:
        problems.append(
            Error(f"Node keys unusable: {exc}.", hint="Run `hanoinet init`.", id="hanoinet.E004")
        )
    if settings.TIME_ZONE != "UTC" or not settings.USE_TZ:
        problems.append(
            Error(
                "Times must be stored in UTC.",
                hint="Keep TIME_ZONE='UTC', USE_TZ=True.",
                id="hanoinet.E005",
            )
        )
    if not settings.HTTPS and public_hosts:
        problems.append(
            Error(
                f"HANOINET_HTTPS is off but the node answers for {', '.join(public_hosts)}.",
                hint="Serve the node over HTTPS (HANOINET_HTTPS=1, the default) whenever it is "
                "reachable beyond this machine.",
                id="hanoinet.E006",
            )
        )
    if "*" in settings.ALLOWED_HOSTS:
        problems.append(
            CheckWarning(
                "HANOINET_ALLOWED_HOSTS contains '*'.",
                hint="List the node's host names instead.",
                id="hanoinet.W001",
            )
        )
    return problems


@register("hanoinet", deploy=True)
def check_evidence_store(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """The S3 evidence backend: complete settings, readable keys, a bucket that answers."""
    if settings.HANOINET_EVIDENCE_BACKEND != "s3":
        return []
    from hanoinet.core.evidence.s3 import bucket_problem
    from hanoinet.node.evidence.store import s3_client, s3_problems

    problems = s3_problems()
    if problems:
        return [
            Error(
                f"The S3 evidence store is misconfigured: {'; '.join(problems)}.",
                hint="Set the HANOINET_EVIDENCE_S3_* variables (docs/operators.md), or "
                "HANOINET_EVIDENCE_BACKEND=local.",
                id="hanoinet.E007",
            )
        ]
    try:
        # Short: a start-up must not hang on storage that is down.
        client = s3_client(timeout=5, attempts=1)
    except ImproperlyConfigured as exc:
        return [Error(f"{exc}.", hint="Fix or unset the key file.", id="hanoinet.E008")]
    problem = bucket_problem(client, settings.HANOINET_EVIDENCE_S3_BUCKET)
    if problem:
        return [
            CheckWarning(
                f"The evidence bucket {settings.HANOINET_EVIDENCE_S3_BUCKET!r} does not "
                f"answer: {problem}.",
                hint="Check the endpoint, the bucket's name and the credentials; evidence "
                "cannot be taken in or read until it answers.",
                id="hanoinet.W002",
            )
        ]
    return []
