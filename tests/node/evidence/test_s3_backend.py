"""The node on the S3 backend: its settings pick it, items go in and out, checks name
what is wrong."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pytest_django.fixtures import Settings

from hanoinet.core.evidence.s3 import S3Store
from hanoinet.node.accounts.models import Unit, User
from hanoinet.node.accounts.roles import Role
from hanoinet.node.checks import check_evidence_store
from hanoinet.node.evidence.actions import do_ingest_item, do_open_item, do_verify_item
from hanoinet.node.evidence.store import evidence_store
from tests.conftest import actor_for

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


@pytest.fixture
def on_s3(
    settings: Settings, evidence_dir: Path, s3_bucket: tuple[S3Client, str], s3_endpoint: str
) -> Settings:
    keys = evidence_dir.parent
    (keys / "s3-access").write_text("testing\n")
    (keys / "s3-secret").write_text("testing\n")
    settings.HANOINET_EVIDENCE_BACKEND = "s3"
    settings.HANOINET_EVIDENCE_S3_ENDPOINT = s3_endpoint
    settings.HANOINET_EVIDENCE_S3_BUCKET = s3_bucket[1]
    settings.HANOINET_EVIDENCE_S3_REGION = "us-east-1"
    settings.HANOINET_EVIDENCE_S3_PREFIX = "vnm"
    settings.HANOINET_EVIDENCE_S3_ACCESS_KEY_FILE = keys / "s3-access"
    settings.HANOINET_EVIDENCE_S3_SECRET_KEY_FILE = keys / "s3-secret"
    return settings


@pytest.mark.django_db
def test_items_go_to_the_bucket_and_come_back_checked(
    on_s3: Settings, s3_bucket: tuple[S3Client, str], make_user: Callable[..., User]
) -> None:
    unit = Unit.objects.create(name="Cyber unit", kind=Unit.Kind.POINT_OF_CONTACT)
    actor = actor_for(make_user("an", unit, [Role.INVESTIGATOR]))
    data = os.urandom(2 * 1024 * 1024 + 5)
    item = do_ingest_item(
        actor,
        io.BytesIO(data),
        filename="phone.img",
        description="Phone image",
        source_kind="seizure",
        acquired_by="an",
    )
    assert item.digest == hashlib.sha256(data).hexdigest()
    store = evidence_store()
    assert isinstance(store, S3Store)
    client, bucket = s3_bucket
    listing = client.list_objects_v2(Bucket=bucket)["Contents"]
    assert [entry["Key"] for entry in listing] == [f"vnm/objects/{item.digest[:2]}/{item.digest}"]
    assert b"".join(do_open_item(actor, item, "examination")) == data
    assert do_verify_item(actor, item).kind == "verified"
    assert not (on_s3.HANOINET_EVIDENCE_DIR / "objects").exists()  # nothing went to the folder


def ids(settings: Settings) -> list[str]:
    return [message.id or "" for message in check_evidence_store()]


def test_a_complete_s3_configuration_passes_the_checks(on_s3: Settings) -> None:
    assert ids(on_s3) == []
    on_s3.HANOINET_EVIDENCE_BACKEND = "local"
    on_s3.HANOINET_EVIDENCE_S3_BUCKET = ""
    assert ids(on_s3) == []  # S3 settings are not looked at on the local backend


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"HANOINET_EVIDENCE_S3_BUCKET": ""}, "hanoinet.E007"),
        ({"HANOINET_EVIDENCE_S3_ENDPOINT": "", "HANOINET_EVIDENCE_S3_REGION": ""}, "E007"),
        ({"HANOINET_EVIDENCE_S3_ENDPOINT": "minio.internal:9000"}, "hanoinet.E007"),
        ({"HANOINET_EVIDENCE_S3_SECRET_KEY_FILE": None}, "hanoinet.E007"),
        ({"HANOINET_EVIDENCE_S3_SECRET_KEY_FILE": Path("/nonexistent")}, "hanoinet.E008"),
        ({"HANOINET_EVIDENCE_S3_BUCKET": "no-such-bucket"}, "hanoinet.W002"),
    ],
)
def test_each_s3_misconfiguration_is_named(
    on_s3: Settings, change: dict[str, object], expected: str
) -> None:
    for name, value in change.items():
        setattr(on_s3, name, value)
    found = ids(on_s3)
    assert len(found) == 1
    assert found[0].endswith(expected)


def test_the_backend_and_key_files_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hanoinet.node import config

    assert config.env_choice("HANOINET_EVIDENCE_BACKEND", "local", ("local", "s3")) == "local"
    monkeypatch.setenv("HANOINET_EVIDENCE_BACKEND", " S3 ")
    assert config.env_choice("HANOINET_EVIDENCE_BACKEND", "local", ("local", "s3")) == "s3"
    monkeypatch.setenv("HANOINET_EVIDENCE_BACKEND", "gcs")
    with pytest.raises(config.ConfigError, match="must be one of: local, s3"):
        config.env_choice("HANOINET_EVIDENCE_BACKEND", "local", ("local", "s3"))
    assert config.env_optional_secret_file("HANOINET_EVIDENCE_S3_ACCESS_KEY") is None
    monkeypatch.setenv("HANOINET_EVIDENCE_S3_ACCESS_KEY_FILE", "/run/secrets/s3-access")
    assert config.env_optional_secret_file("HANOINET_EVIDENCE_S3_ACCESS_KEY") == Path(
        "/run/secrets/s3-access"
    )
