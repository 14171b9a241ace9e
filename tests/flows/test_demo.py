"""`hanoinet demo` (what `make demo` runs): URL and logins printed, page answers,
Ctrl-C stops every process, and the next run works."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def start_demo(folder: Path) -> tuple[subprocess.Popen[str], list[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HANOINET_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "hanoinet.node.cli", "demo", "--data-dir", str(folder)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    deadline = time.monotonic() + 120
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip())
        if "Press Ctrl-C" in line:
            return process, lines
    process.kill()
    raise AssertionError("demo did not come up:\n" + "\n".join(lines))


def stop_demo(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=60)
    return out


def processes_serving(folder: Path) -> list[int]:
    """Processes whose environment points at the demo folder (orphans, after a stop)."""
    marker = f"HANOINET_DATA_DIR={folder}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if marker in environ:
            found.append(int(entry.name))
    return found


def test_demo_runs_and_stops_cleanly(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    process, lines = start_demo(folder)
    text = "\n".join(lines)
    url = re.search(r"(http://127\.0\.0\.1:\d+/)", text)
    assert url, text
    for username in ("poc", "central", "investigator", "auditor", "admin"):
        assert re.search(rf"^\s+{username}\s+.*TOTP key [A-Z2-7]{{16,}}$", text, re.M), text
    with urllib.request.urlopen(url.group(1) + "accounts/login/", timeout=10) as page:  # noqa: S310
        assert page.status == 200
    out = stop_demo(process)
    assert process.returncode == 0, out
    assert "Stopping the demo" in out
    assert processes_serving(folder) == []

    code = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "hanoinet.node.cli", "demo-code", "poc", "--data-dir", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert re.fullmatch(r"\d{6}\n", code.stdout), code.stderr

    # A folder left by the previous run is reset, and the demo comes up again.
    process, _ = start_demo(folder)
    assert stop_demo(process)
    assert process.returncode == 0


def test_demo_refuses_a_folder_that_is_not_a_demo(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "hanoinet.node.cli", "demo", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "is not a demo folder; refusing to touch it" in result.stderr
    assert (tmp_path / "precious.txt").exists()


def test_demo_code_only_in_demo_folders(tmp_path: Path) -> None:
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "hanoinet.node.cli",
            "demo-code",
            "poc",
            "--data-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "codes are only given out in demo mode" in result.stderr
