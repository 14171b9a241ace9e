"""Reports and their uploads use a throw-away evidence store; Cambodia is a peer."""

from __future__ import annotations

from tests.node.evidence.conftest import evidence_dir  # noqa: F401 - a fixture used by tests
from tests.node.federation.conftest import khm, vnm_keys  # noqa: F401 - fixtures used by tests
