"""``hanoinet demo``: a demonstration node on 127.0.0.1 with seeded users.

The demo data folder carries a marker file; only such a folder is ever wiped, and only
a demo database hands out second-factor codes (``hanoinet demo-code``).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from hanoinet.node.errors import CliError

MARKER = ".hanoinet-demo"
DEMO_PASSWORD = "demo-Hanoi-2025"  # noqa: S105  (demo only: loopback, marked folder)
START_TIMEOUT_SECONDS = 60
FIRST_PORT = 8000


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    unit: str
    roles: tuple[str, ...]


DEMO_UNITS = (
    ("National 24/7 point of contact", "point_of_contact"),
    ("Central authority for mutual legal assistance", "central_authority"),
    ("Cybercrime investigation department", "law_enforcement"),
    ("Inspectorate", "oversight"),
    ("Node administration", "administration"),
)
DEMO_USERS = (
    DemoUser("poc", "Nguyễn Văn An", "National 24/7 point of contact", ("point_of_contact",)),
    DemoUser(
        "central",
        "Trần Thị Bình",
        "Central authority for mutual legal assistance",
        ("central_authority",),
    ),
    DemoUser(
        "investigator",
        "Lê Minh Châu",
        "Cybercrime investigation department",
        ("investigator", "analyst"),
    ),
    DemoUser("auditor", "Phạm Thu Dung", "Inspectorate", ("auditor",)),
    DemoUser("admin", "Hoàng Đức Em", "Node administration", ("node_admin",)),
)
DEMO_CASES = (
    (
        "HCM-2026-0142",
        "Investment scam via messaging app",
        "Victims were asked to pay into a crypto wallet.",
    ),
    (
        "HN-2026-0077",
        "Ransomware at a provincial hospital",
        "Files encrypted; ransom note names a Tor site.",
    ),
)


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def choose_port(requested: int | None) -> int:
    if requested is not None:
        if not 1 <= requested <= 65535:
            raise CliError(f"--port {requested} is not a TCP port")
        if not port_is_free(requested):
            raise CliError(
                f"port {requested} on 127.0.0.1 is already in use; pick another with --port"
            )
        return requested
    for port in range(FIRST_PORT, FIRST_PORT + 100):
        if port_is_free(port):
            return port
    raise CliError(f"no free port between {FIRST_PORT} and {FIRST_PORT + 99}; pass --port")


def reset_demo_folder(folder: Path, *, keep: bool) -> None:
    if folder.exists() and not (folder / MARKER).exists():
        raise CliError(
            f"{folder} exists and is not a demo folder; refusing to touch it "
            "(choose another --data-dir)"
        )
    if folder.exists() and not keep:
        shutil.rmtree(folder)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    (folder / MARKER).write_text("hanoinet demo data: safe to delete\n", encoding="utf-8")


def demo_environment(folder: Path, state: str, port: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("HANOINET_")}
    env.pop("DATABASE_URL", None)
    env.update(
        {
            "HANOINET_DATA_DIR": str(folder),
            "HANOINET_STATE": state,
            "HANOINET_DEMO": "1",
            "HANOINET_HTTPS": "0",
            "HANOINET_BASE_URL": f"http://127.0.0.1:{port}",
            "HANOINET_WORKER_IDLE_SECONDS": "1",
        }
    )
    return env


@dataclass
class DemoNode:
    """One node of the demo: its folder, port and the processes serving it."""

    state: str
    folder: Path
    port: int
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def env(self) -> dict[str, str]:
        return demo_environment(self.folder, self.state, self.port)

    def run_cli(self, *args: str) -> None:
        result = subprocess.run(  # noqa: S603  (our own CLI, fixed arguments)
            [sys.executable, "-m", "hanoinet.node.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise CliError(
                f"{self.state}: `hanoinet {' '.join(args)}` failed: {result.stderr.strip()}"
            )

    def start(self, log_dir: Path) -> None:
        for name, args in (
            ("web", ["serve", "--bind", f"127.0.0.1:{self.port}", "--workers", "2"]),
            ("worker", ["worker"]),
        ):
            log = (log_dir / f"{self.state.lower()}-{name}.log").open("ab")
            self.processes.append(
                subprocess.Popen(  # noqa: S603  (our own CLI, fixed arguments)
                    [sys.executable, "-m", "hanoinet.node.cli", *args],
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # Ctrl-C reaches us; we stop children in order
                )
            )

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if any(process.poll() is not None for process in self.processes):
                raise CliError(
                    f"{self.state} node stopped during start-up; see its log in {self.folder}"
                )
            try:
                with urllib.request.urlopen(self.url + "healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        raise CliError(
            f"{self.state} node did not answer on {self.url} within {START_TIMEOUT_SECONDS} s"
        )

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def seed_node() -> dict[str, str]:
    """Users, units, TOTP devices and cases of the demo; returns username → TOTP key."""
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from hanoinet.node.accounts import actions
    from hanoinet.node.accounts.models import Unit, User
    from hanoinet.node.audit.actor import Actor, system_actor
    from hanoinet.node.cases.actions import do_open_case

    actor = system_actor("demo")
    units = {
        name: Unit.objects.filter(name=name).first() or actions.do_create_unit(actor, name, kind)
        for name, kind in DEMO_UNITS
    }
    secrets: dict[str, str] = {}
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            first, _, last = spec.full_name.partition(" ")
            user = actions.do_create_user(
                actor,
                username=spec.username,
                email=f"{spec.username}@demo.invalid",
                unit=units[spec.unit],
                roles=spec.roles,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
            )
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
        secrets[spec.username] = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    investigator = User.objects.get(username="investigator")
    officer = Actor(user=investigator, label=investigator.username)
    for reference, title, summary in DEMO_CASES:
        if not investigator.unit or investigator.unit.cases.filter(reference=reference).exists():
            continue
        do_open_case(officer, reference=reference, title=title, summary=summary)
    return secrets


def _seed_in_subprocess(node: DemoNode) -> dict[str, str]:
    result = subprocess.run(
        [sys.executable, "-c", "from hanoinet.node.demo import _seed_main; _seed_main()"],
        env=node.env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise CliError(f"seeding the demo failed: {result.stderr.strip().splitlines()[-1:]}")
    return {
        name: secret
        for name, _, secret in (line.partition("=") for line in result.stdout.splitlines())
        if secret
    }


def _seed_main() -> None:
    from hanoinet.node.bootstrap import setup_django

    setup_django()
    for username, secret in seed_node().items():
        print(f"{username}={secret}")


def run_demo(*, data_dir: str, port: int | None, keep: bool) -> int:
    folder = Path(data_dir).expanduser().resolve()
    chosen = choose_port(port)
    reset_demo_folder(folder, keep=keep)
    node = DemoNode(state="VNM", folder=folder / "vnm", port=chosen)
    print(f"Preparing the demo node of Viet Nam in {node.folder} …", flush=True)
    node.run_cli("init", "--no-input", "--admin-username", "root")
    secrets = _seed_in_subprocess(node)
    node.start(folder)
    try:
        node.wait_until_up()
        print()
        print(f"hanoinet demo — Viet Nam (VNM) node: {node.url}")
        print(f"Sign in with any of these users; password for all: {DEMO_PASSWORD}")
        for spec in DEMO_USERS:
            roles = ", ".join(spec.roles)
            print(f"  {spec.username:<13} {roles:<32} TOTP key {secrets[spec.username]}")
        print("Second factor: add the TOTP key to an authenticator app, or print the")
        print(f"current code with: hanoinet demo-code USER --data-dir {folder}")
        print("Press Ctrl-C to stop the demo.", flush=True)
        while all(process.poll() is None for process in node.processes):
            time.sleep(0.5)
        raise CliError("a demo process stopped unexpectedly; see the logs in " + str(folder))
    except KeyboardInterrupt:
        print("\nStopping the demo …", flush=True)
        return 0
    finally:
        node.stop()


def print_demo_code(username: str) -> int:
    folder = Path(os.environ.get("HANOINET_DATA_DIR", ".hanoinet-demo")).expanduser().resolve()
    if not (folder / MARKER).exists():
        raise CliError(f"{folder} is not a demo data folder: codes are only given out in demo mode")
    # The demo always runs on its own SQLite files, whatever DATABASE_URL says.
    os.environ.pop("DATABASE_URL", None)
    os.environ.update(demo_environment(folder / "vnm", "VNM", FIRST_PORT))
    from hanoinet.node.bootstrap import setup_django

    setup_django()
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is None:
        raise CliError(f"no demo user {username!r} with a second factor")
    print(f"{totp(device.bin_key, step=device.step, digits=device.digits):0{device.digits}d}")
    return 0
