"""Reading the environment: typed, with errors that name the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from hanoinet.node import config
from hanoinet.node.config import ConfigError
from hanoinet.node.database import database_settings


def test_booleans(monkeypatch: pytest.MonkeyPatch) -> None:
    assert config.env_bool("HN_X", default=True) is True
    for word, value in (("yes", True), ("0", False), ("OFF", False), ("on", True)):
        monkeypatch.setenv("HN_X", word)
        assert config.env_bool("HN_X", default=not value) is value
    monkeypatch.setenv("HN_X", "maybe")
    with pytest.raises(ConfigError, match="HN_X='maybe' is not a boolean"):
        config.env_bool("HN_X", default=False)


def test_integers(monkeypatch: pytest.MonkeyPatch) -> None:
    assert config.env_int("HN_N", 7) == 7
    monkeypatch.setenv("HN_N", "12")
    assert config.env_int("HN_N", 7) == 12
    monkeypatch.setenv("HN_N", "twelve")
    with pytest.raises(ConfigError, match="not a whole number"):
        config.env_int("HN_N", 7)
    monkeypatch.setenv("HN_N", "-1")
    with pytest.raises(ConfigError, match="below the minimum of 0"):
        config.env_int("HN_N", 7)


def test_lists_and_secret_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HN_L", " a, b ,,c ")
    assert config.env_list("HN_L", []) == ["a", "b", "c"]
    assert config.env_secret_file("HN_S", tmp_path / "default") == tmp_path / "default"
    monkeypatch.setenv("HN_S_FILE", str(tmp_path / "elsewhere"))
    assert config.env_secret_file("HN_S", tmp_path / "default") == tmp_path / "elsewhere"


@pytest.mark.parametrize(("raw", "expected"), [("vnm", "VNM"), (" fra ", "FRA"), ("", "")])
def test_state_codes(monkeypatch: pytest.MonkeyPatch, raw: str, expected: str) -> None:
    monkeypatch.setenv("HANOINET_STATE", raw)
    assert config.state_code() == expected


@pytest.mark.parametrize("raw", ["VN", "VNMX", "V1M", "Việt"])
def test_bad_state_codes(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("HANOINET_STATE", raw)
    with pytest.raises(ConfigError, match="ISO 3166-1 alpha-3"):
        config.state_code()


def test_modes(monkeypatch: pytest.MonkeyPatch) -> None:
    assert config.node_mode() == "node"
    monkeypatch.setenv("HANOINET_MODE", "Secretariat")
    assert config.node_mode() == "secretariat"


def test_sqlite_default_is_tuned_for_web_and_workers(tmp_path: Path) -> None:
    db = database_settings("", tmp_path)
    assert db["NAME"] == str(tmp_path / "hanoinet.sqlite3")
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert db["OPTIONS"]["timeout"] == 20


def test_postgres_url(tmp_path: Path) -> None:
    db = database_settings("postgres://hn@db.internal:5433/hanoinet", tmp_path)
    assert (db["ENGINE"], db["HOST"], db["PORT"], db["NAME"]) == (
        "django.db.backends.postgresql",
        "db.internal",
        5433,
        "hanoinet",
    )
    assert db["CONN_HEALTH_CHECKS"] is True


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u@h/d", "unsupported database"),
        ("nonsense", "malformed"),
        ("redis://localhost", "unsupported database"),
        ("postgres://[::1/x", "malformed"),
    ],
)
def test_bad_database_urls(tmp_path: Path, url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        database_settings(url, tmp_path)
