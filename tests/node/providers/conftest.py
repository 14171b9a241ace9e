"""A request from Cambodia being executed, two service providers with a liaison officer
each, and an evidence store in a throw-away folder."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from hanoinet.core.convention.examples import example
from hanoinet.node.accounts.models import Unit, User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.audit.actor import system_actor
from hanoinet.node.providers.actions import do_order_provider, do_register_provider
from hanoinet.node.providers.models import ProviderOrder, ServiceProvider
from hanoinet.node.requests.models import CooperationRequest
from tests.conftest import actor_for
from tests.node.evidence.conftest import evidence_dir  # noqa: F401 - a fixture
from tests.node.federation.conftest import (
    Peer,
    vnm_keys,  # noqa: F401 - a fixture khm uses
)

ClientFor = Callable[[User], Client]


def receive(
    client: Client, peer: Peer, kind: str = "preservation", **extra: Any
) -> CooperationRequest:
    """Cambodia's node sends a request of this kind; our inbox takes it in."""
    code = str(uuid.uuid4())
    fields = {**example(kind), **extra}
    _message, token = peer.envelope(
        type="request.submit",
        thread=code,
        body={
            "request": code,
            "kind": kind,
            "fields": fields,
            "urgency": "routine",
            "reference": f"KHM-{kind}",
            "subject": kind,
        },
    )
    answer = client.post("/federation/v1/inbox", data=token, content_type="application/jose")
    assert answer.status_code == 200
    return CooperationRequest.objects.get(code=code)


@pytest.fixture
def poc(make_user: Callable[..., User], db: None) -> User:
    unit = Unit.objects.create(name="24/7 desk", kind=Unit.Kind.POINT_OF_CONTACT)
    return make_user("linh", unit, [Role.POINT_OF_CONTACT])


@pytest.fixture
def incoming(client: Client, khm: Peer) -> CooperationRequest:  # noqa: F811 - the fixture
    return receive(client, khm)


@pytest.fixture
def viettel(db: None) -> ServiceProvider:
    return do_register_provider(
        system_actor("test"), name="Viettel Telecom", country="VNM", contact="legal@viettel.test"
    )


@pytest.fixture
def fpt(db: None) -> ServiceProvider:
    return do_register_provider(system_actor("test"), name="FPT Telecom", country="VNM")


@pytest.fixture
def van(make_user: Callable[..., User], viettel: ServiceProvider) -> User:
    """Viettel's liaison officer."""
    return make_user("van", viettel.unit, [Role.PROVIDER_LIAISON])


@pytest.fixture
def phuong(make_user: Callable[..., User], fpt: ServiceProvider) -> User:
    """FPT's liaison officer."""
    return make_user("phuong", fpt.unit, [Role.PROVIDER_LIAISON])


@pytest.fixture
def order(poc: User, incoming: CooperationRequest, viettel: ServiceProvider) -> ProviderOrder:
    return do_order_provider(
        actor_for(poc),
        incoming,
        provider=viettel,
        kind=ProviderOrder.Kind.PRESERVE,
        what="Subscriber information and traffic data of +85512345678",
        due_at=timezone.now() + timedelta(days=60),
        instructions="Do not notify the subscriber.",
    )


from tests.node.federation.conftest import khm  # noqa: E402, F401 - the peer Cambodia
