"""Victims' uploads go into a throw-away evidence store, signed with the node's keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.node.evidence.conftest import evidence_dir  # noqa: F401 - a fixture used below
from tests.node.federation.conftest import vnm_keys  # noqa: F401 - a fixture used below


@pytest.fixture(autouse=True)
def store(evidence_dir: Path) -> Path:  # noqa: F811
    return evidence_dir
