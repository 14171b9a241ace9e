"""Database settings from ``DATABASE_URL``, with the embedded SQLite default tuned."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url

from hanoinet.node.config import ConfigError

SUPPORTED_SCHEMES = frozenset({"sqlite", "postgres", "postgresql", "pgsql"})

# Web and workers share one SQLite file: WAL lets readers run beside a writer,
# BEGIN IMMEDIATE takes the write lock up front so two writers queue on the busy
# timeout instead of failing with "database is locked" half way through.
SQLITE_INIT = "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"


def database_settings(url: str, data_dir: Path) -> dict[str, Any]:
    if not url:
        url = f"sqlite:///{data_dir / 'hanoinet.sqlite3'}"
    scheme, separator, _rest = url.partition("://")
    if not separator:
        raise ConfigError(
            "DATABASE_URL is malformed (no scheme); expected e.g. "
            "postgres://user@127.0.0.1:5432/hanoinet or sqlite:////path/to/file.sqlite3"
        )
    if scheme.lower() not in SUPPORTED_SCHEMES:
        raise ConfigError(
            f"DATABASE_URL uses an unsupported database ({scheme}://); use postgres:// or sqlite://"
        )
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except (ValueError, KeyError) as exc:
        raise ConfigError(
            f"DATABASE_URL is malformed ({exc}); expected e.g. "
            "postgres://user@127.0.0.1:5432/hanoinet or sqlite:////path/to/file.sqlite3"
        ) from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        if not config.get("NAME"):
            raise ConfigError(
                "DATABASE_URL names no SQLite file; use sqlite:////absolute/path.sqlite3"
            )
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": SQLITE_INIT,
        }
        config.setdefault("TEST", {})["NAME"] = None
    else:
        config["CONN_HEALTH_CHECKS"] = True
        config.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    return config
