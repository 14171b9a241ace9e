"""`hanoinet demo` (what `make demo` runs): the demo network — a secretariat and the nodes
of Viet Nam, Cambodia and France — comes up, tells its story through HTTP (victims' reports
on the portal, linking and hit/no-hit, requests, the victims' status page), prints the
URLs and logins, stops cleanly on Ctrl-C (in the middle of the story too), and the next
run works; `--once` writes the register and the evidence bundle received across the
border, and says which step failed; bad input is refused with a clear message."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext

from hanoinet.core.reporting import UPDATE_LABELS, Update

pytestmark = [
    pytest.mark.slow,
    # The demo is the embedded default by design: its nodes use SQLite whatever the
    # environment says (clean_env drops DATABASE_URL). On the PostgreSQL pass it would run
    # the very same thing a second time, for three minutes of CI.
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="the demo runs on SQLite only; it ran in the SQLite pass",
    ),
]

STEPS = (
    "victims_report",
    "victim_in_cambodia",
    "reports_linked",
    "cross_border_hit",
    "preservation_sent",
    "on_call_paged",
    "data_preserved",
    "mla_sent",
    "mla_executed",
    "evidence_verified",
    "wallet_frozen",
    "proceeds_returned",
    "victim_follows",
)


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HANOINET_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    return env


def hanoinet(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "hanoinet.node.cli", *args],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def start_demo(folder: Path, until: str) -> tuple[subprocess.Popen[str], list[str]]:
    """The interactive demo, read line by line until a line containing ``until``."""
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "hanoinet.node.cli", "demo", "--data-dir", str(folder)],
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    deadline = time.monotonic() + 240
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip())
        if until in line:
            return process, lines
    process.send_signal(signal.SIGINT)
    rest, _ = process.communicate(timeout=60)
    raise AssertionError(f"no {until!r} from the demo:\n" + "\n".join(lines) + rest)


def interrupt(process: subprocess.Popen[str]) -> str:
    if process.poll() is not None:
        return ""
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=90)
    return out


def processes_serving(folder: Path) -> list[int]:
    """Processes whose environment points into the demo folder (orphans, after a stop)."""
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


def test_demo_network_runs_and_stops_cleanly(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    process, lines = start_demo(folder, "Press Ctrl-C")
    try:
        check_running_demo("\n".join(lines))
    finally:
        out = interrupt(process)
    assert process.returncode == 0, out
    assert "Stopping the demo" in out
    assert processes_serving(folder) == []

    code = hanoinet("demo-code", "poc", "--node", "khm", "--data-dir", str(folder))
    assert re.fullmatch(r"\d{6}\n", code.stdout), code.stderr


def check_running_demo(text: str) -> None:
    for step in STEPS:
        assert re.search(rf"^\s+\d[a-z]\s+{step}\s+[\d.]+ s\s+ok$", text, re.M), text
    urls = dict(
        re.findall(r"^(Secretariat|Viet Nam|Cambodia|France)\b.* — (http://\S+/)$", text, re.M)
    )
    assert set(urls) == {"Secretariat", "Viet Nam", "Cambodia", "France"}, text
    for username in ("poc", "central", "investigator", "analyst", "auditor", "admin"):
        # Six officers on each of the three national nodes, the administrator on all four.
        found = re.findall(rf"^\s+{username}\s+.*TOTP key [A-Z2-7]{{16,}}$", text, re.M)
        assert len(found) == (4 if username == "admin" else 3), text
    for url in urls.values():
        with urllib.request.urlopen(url + "accounts/login/", timeout=10) as page:  # noqa: S310
            assert page.status == 200


def test_demo_once_after_an_interrupted_story(tmp_path: Path) -> None:
    folder, out = tmp_path / "demo", tmp_path / "out"
    process, _lines = start_demo(folder, " 3b. ")
    stopped = interrupt(process)  # in the middle of the story
    assert process.returncode == 130, stopped
    assert re.search(r"Interrupted during step 3[bc] '", stopped), stopped
    assert "All demo processes stopped." in stopped
    assert processes_serving(folder) == []

    # The next run wipes the (marked) folder and tells the whole story.
    started = time.monotonic()
    result = hanoinet("demo", "--once", "--data-dir", str(folder), "--out", str(out), timeout=300)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stdout + result.stderr
    for step in STEPS:
        assert re.search(rf"^\s+\d[a-z]\s+{step}\s+[\d.]+ s\s+ok$", result.stdout, re.M), (
            result.stdout
        )
    assert "sent " in result.stdout
    assert "delivered +" in result.stdout
    assert "acknowledged +" in result.stdout
    # Flow 4: the court bundle crossed the border as a transfer, was verified on arrival
    # at Viet Nam's node (every check printed) and confirmed back at Cambodia's.
    assert re.search(
        r"offered \d\d:\d\d:\d\d UTC → verified at VNM \+[\d.]+ s → confirmed at KHM \+[\d.]+ s",
        result.stdout,
    ), result.stdout
    # Flows 3 and 4 through Cambodia's provider portal: the operator's liaison acknowledges
    # the preservation order and answers the production order with the file sent across.
    assert re.search(
        r"ordered Mekong Mobile to preserve \(Art\. \d+, until [\d-]+\); its liaison "
        r"\(mekong\) acknowledged through the provider API",
        result.stdout,
    ), result.stdout
    assert re.search(
        r"its liaison \(mekong\) responded through the provider API: a statement and "
        r"mekong-response-0042\.csv \([\d,]+ bytes\)\n\s+the response is evidence [0-9a-f]{8}",
        result.stdout,
    ), result.stdout
    evidence = result.stdout.split(" 4c. ", 1)[-1].split(" 5a. ", 1)[0]
    assert re.search(r"^\s+PASS  \S", evidence, re.M), result.stdout
    assert not re.search(r"^\s+FAIL  ", evidence, re.M), result.stdout
    assert "downloaded from Viet Nam's API" in evidence, result.stdout
    assert re.search(
        r"PASS  the checkpoint extends a witnessed checkpoint: witnessed by "
        r"hanoinet\.(fra|vnm)/witness at size \d+; hanoinet\.(fra|vnm)/witness at size \d+",
        evidence,
    ), result.stdout
    # Flows 1, 2 and 6: four victims' references and secrets, one cluster, a hit in Cambodia
    # and no hit in France, and the status page with every update the analyst shared.
    assert (
        len(re.findall(r"^\s+VR-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}  secret ", result.stdout, re.M))
        == 4
    )
    assert re.search(r"the 4 reports form one cluster \([0-9a-f]{8}\)", result.stdout)
    assert "hit: Cambodia (KHM) holds the same phone number" in result.stdout
    assert "no hit: France (FRA)" in result.stdout
    status = result.stdout.split("the status page says:", 1)[-1]
    # Chị Lan reads her status page in Vietnamese, the language she reported in.
    with translation.override("vi"):
        linked = ngettext(
            "Your report is linked to %(n)s other report about the same people.",
            "Your report is linked to %(n)s other reports about the same people.",
            3,
        ) % {"n": 3}
        expected = [linked] + [
            gettext(UPDATE_LABELS[update]) % {"state": state}
            for update, state in (
                (Update.REQUEST_SENT, "KHM"),
                (Update.DATA_PRESERVED, "KHM"),
                (Update.FUNDS_FROZEN, "FRA"),
                (Update.FUNDS_RETURNED, ""),
            )
        ]
    for line in expected:
        assert line in status, (line, result.stdout)
    assert "Every step succeeded." in result.stdout
    assert processes_serving(folder) == []
    assert (out / "register.jws").read_text().count(".") == 2  # a compact JWS
    # The bundle as Viet Nam received it, downloaded from its API and unpacked.
    bundles = sorted((out / "bundles").iterdir())
    assert [bundle.name for bundle in bundles] == ["KHM-to-VNM-mla-evidence"], result.stdout
    for bundle in bundles:
        # As a court would: the custody checkpoint must extend one the witnesses co-signed.
        verified = hanoinet("verify-bundle", "--require-witness", str(bundle))
        assert verified.returncode == 0, verified.stdout + verified.stderr
    assert elapsed < 240, f"the --once run took {elapsed:.0f} s"


def test_demo_refuses_a_folder_that_is_not_a_demo(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    result = hanoinet("demo", "--once", "--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert "is not a demo folder; refusing to touch it" in result.stderr
    assert (tmp_path / "precious.txt").exists()


def test_demo_refuses_an_out_folder_it_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    result = hanoinet("demo", "--once", "--data-dir", str(tmp_path / "d"), "--out", str(out))
    assert result.returncode == 2
    assert "was not written by the demo; refusing to touch it" in result.stderr
    assert (out / "precious.txt").exists()
    result = hanoinet("demo", "--data-dir", str(tmp_path / "d"), "--out", str(out))
    assert result.returncode == 2
    assert "--out goes with --once" in result.stderr


def test_demo_names_the_port_already_taken(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        first = int(probe.getsockname()[1])
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", first + 1))
        taken.listen()
        result = hanoinet("demo", "--once", "--data-dir", str(tmp_path / "d"), "--port", str(first))
    assert result.returncode == 2
    assert f"port {first + 1} on 127.0.0.1 (for the Viet Nam node) is already in use" in (
        result.stderr
    )
    assert not (tmp_path / "d").exists()


def test_demo_code_only_in_demo_folders(tmp_path: Path) -> None:
    result = hanoinet("demo-code", "poc", "--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert "codes are only given out in demo mode" in result.stderr
