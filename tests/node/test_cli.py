"""The `hanoinet` command as an operator meets it: real processes, real folders."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import hanoinet

pytestmark = pytest.mark.slow


def run(
    *args: str, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("HANOINET_", "DJANGO_")) and key != "DATABASE_URL"
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "hanoinet.node.cli", *args],
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
        check=False,
    )


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"hanoinet {hanoinet.__version__}"


def test_wrong_arguments_are_a_usage_error() -> None:
    result = run("frobnicate")
    assert result.returncode == 2
    assert "invalid choice: 'frobnicate'" in result.stderr


def test_init_then_check(tmp_path: Path) -> None:
    folder = tmp_path / "node"
    result = run("init", "--data-dir", str(folder), "--state", "khm", "--no-input")
    assert result.returncode == 0, result.stderr
    assert "hanoinet node for KHM (node) initialised" in result.stdout
    assert "first administrator: admin / " in result.stdout
    assert (folder / "keys" / "signing-ed25519.pem").stat().st_mode & 0o777 == 0o600
    assert (folder / "secret_key").stat().st_mode & 0o777 == 0o600
    assert folder.stat().st_mode & 0o777 == 0o700
    env_file = (folder / "hanoinet.env").read_text()
    assert "HANOINET_STATE=KHM" in env_file

    env = {"HANOINET_DATA_DIR": str(folder), "HANOINET_STATE": "KHM"}
    check = run("check", env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "node configuration OK" in check.stdout

    # A second init keeps the keys and users (idempotent), and says so.
    signing = (folder / "keys" / "signing-ed25519.pem").read_bytes()
    again = run("init", "--no-input", env=env)
    assert again.returncode == 0, again.stderr
    assert "first administrator" not in again.stdout
    assert (folder / "keys" / "signing-ed25519.pem").read_bytes() == signing


def test_init_without_a_state_is_refused(tmp_path: Path) -> None:
    result = run("init", "--data-dir", str(tmp_path / "n"), "--no-input")
    assert result.returncode == 2
    assert "no State given" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"HANOINET_STATE": "Viet Nam"},
            "HANOINET_STATE='VIET NAM' is not an ISO 3166-1 alpha-3 code",
        ),
        ({"HANOINET_STATE": "VNM", "DATABASE_URL": "mysql://x@y/z"}, "unsupported database"),
        (
            {"HANOINET_STATE": "VNM", "DATABASE_URL": "postgres://[::1/x"},
            "DATABASE_URL is malformed",
        ),
        (
            {"HANOINET_STATE": "VNM", "HANOINET_DEBUG": "perhaps"},
            "HANOINET_DEBUG='perhaps' is not a boolean",
        ),
        ({"HANOINET_STATE": "VNM", "HANOINET_MODE": "hub"}, "HANOINET_MODE='hub' must be"),
    ],
)
def test_configuration_mistakes_are_one_line(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    result = run("init", "--data-dir", str(tmp_path / "n"), "--no-input", env=env)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_data_folder(tmp_path: Path) -> None:
    result = run(
        "check", env={"HANOINET_DATA_DIR": str(tmp_path / "nowhere"), "HANOINET_STATE": "VNM"}
    )
    assert result.returncode == 2
    assert "does not exist; run `hanoinet init` first" in result.stderr


def test_unreachable_database(tmp_path: Path) -> None:
    folder = tmp_path / "n"
    env = {"HANOINET_STATE": "VNM", "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}
    result = run("init", "--data-dir", str(folder), "--no-input", env=env)
    assert result.returncode == 2
    assert "cannot use the database at 127.0.0.1:1" in result.stderr
    assert "Check DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_unsafe_settings_stop_the_server(tmp_path: Path) -> None:
    folder = tmp_path / "n"
    assert run("init", "--data-dir", str(folder), "--state", "VNM", "--no-input").returncode == 0
    env = {
        "HANOINET_DATA_DIR": str(folder),
        "HANOINET_STATE": "VNM",
        "HANOINET_DEBUG": "1",
        "HANOINET_HTTPS": "0",
        "HANOINET_ALLOWED_HOSTS": "node.example.org",
    }
    result = run("serve", "--bind", "127.0.0.1:0", env=env)
    assert result.returncode == 2
    assert "hanoinet.E002" in result.stdout
    assert "hanoinet.E006" in result.stdout
    assert "refusing to start" in result.stderr


def test_worker_runs_once(tmp_path: Path) -> None:
    folder = tmp_path / "n"
    assert run("init", "--data-dir", str(folder), "--state", "VNM", "--no-input").returncode == 0
    result = run(
        "worker", "--once", env={"HANOINET_DATA_DIR": str(folder), "HANOINET_STATE": "VNM"}
    )
    assert result.returncode == 0, result.stderr
    assert "clear-expired-sessions" in result.stderr
