"""Personas shared by the node's tests (after Healthchecks' alice/bob/charlie).

- ``alice``: investigator in the cybercrime unit (unit X) — our officer;
- ``bob``: investigator in another unit of the same node (unit Y);
- ``mallory``: a signed-in account of the node with no role at all;
- ``audrey``: the auditor.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from hanoinet.node.accounts import actions
from hanoinet.node.accounts.models import Unit, User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.actor import Actor, system_actor

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

PASSWORD = "correct horse battery staple"


@pytest.fixture
def unit_x(db: None) -> Unit:
    return actions.do_create_unit(
        system_actor("test"), "Cybercrime unit", Unit.Kind.LAW_ENFORCEMENT
    )


@pytest.fixture
def unit_y(db: None) -> Unit:
    return actions.do_create_unit(system_actor("test"), "Fraud unit", Unit.Kind.LAW_ENFORCEMENT)


@pytest.fixture
def unit_oversight(db: None) -> Unit:
    return actions.do_create_unit(system_actor("test"), "Inspectorate", Unit.Kind.OVERSIGHT)


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(username: str, unit: Unit | None, roles: list[str]) -> User:
        return actions.do_create_user(
            system_actor("test"),
            username=username,
            email=f"{username}@example.org",
            unit=unit,
            roles=roles,
            password=PASSWORD,
        )

    return make


@pytest.fixture
def alice(make_user: Callable[..., User], unit_x: Unit) -> User:
    return make_user("alice", unit_x, [Role.INVESTIGATOR])


@pytest.fixture
def bob(make_user: Callable[..., User], unit_y: Unit) -> User:
    return make_user("bob", unit_y, [Role.INVESTIGATOR])


@pytest.fixture
def mallory(make_user: Callable[..., User], unit_x: Unit) -> User:
    return make_user("mallory", unit_x, [])


@pytest.fixture
def audrey(make_user: Callable[..., User], unit_oversight: Unit) -> User:
    return make_user("audrey", unit_oversight, [Role.AUDITOR])


def actor_for(user: User) -> Actor:
    return Actor(user=user, label=user.username, client_ip="192.0.2.10")


def login_verified(client: Client, user: User) -> Client:
    """Sign the user in with both factors, as after a real TOTP step."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def verified_client() -> Callable[[User], Client]:
    def make(user: User) -> Client:
        return login_verified(Client(), user)

    return make


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """An S3-compatible server (moto's) in this process, on a free port of 127.0.0.1."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(s3_endpoint: str) -> tuple[S3Client, str]:
    """A fresh, empty bucket on that server, and a client for it."""
    from hanoinet.core.evidence.s3 import make_client

    client = make_client(
        endpoint=s3_endpoint, region="us-east-1", access_key="testing", secret_key="testing"
    )
    bucket = f"evidence-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    return client, bucket
