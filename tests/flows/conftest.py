"""Fixtures for tests that start real node processes."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest


@pytest.fixture
def node_database_url() -> Iterator[str | None]:
    """A fresh database for a node process: on the PostgreSQL run, a new database on the
    same server (dropped afterwards); on the SQLite run, None (the node's own file)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield None
        return
    base, _, _name = url.rpartition("/")
    name = f"hanoinet_flow_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')  # name is ours: hex only
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
