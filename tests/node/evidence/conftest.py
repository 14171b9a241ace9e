"""An evidence store in a throw-away folder, with its key, and the node's own keys."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from hanoinet.core.keys import NodeKeys
from tests.node.federation.conftest import vnm_keys  # noqa: F401 - a fixture used below


@pytest.fixture
def evidence_dir(settings: Settings, tmp_path: Path, vnm_keys: NodeKeys) -> Path:  # noqa: F811
    key = tmp_path / "evidence.key"
    key.write_text(os.urandom(32).hex())
    settings.HANOINET_EVIDENCE_KEY_FILE = key
    settings.HANOINET_EVIDENCE_DIR = tmp_path / "evidence"
    return tmp_path / "evidence"


from tests.node.federation.conftest import khm  # noqa: E402, F401 - the peer Cambodia
