"""Fixtures for tests that start real node processes."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

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


@pytest.fixture
def database_for() -> Iterator[Callable[[str], str | None]]:
    """A factory of fresh databases, one per node of a multi-node test (PostgreSQL run)."""
    url = os.environ.get("DATABASE_URL", "")
    created: list[str] = []
    base = url.rpartition("/")[0]

    def make(label: str) -> str | None:
        if not url.startswith(("postgres://", "postgresql://")):
            return None
        name = f"hanoinet_{label}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')  # name is ours: hex only
        created.append(name)
        return f"{base}/{name}"

    yield make
    for name in created:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
