"""The demo network's processes: folders, ports, the `hanoinet` CLI, servers and workers.

Nothing here imports Django: the orchestrator drives each node from outside, through its
command line and (in ``story``) its HTTP interfaces, as an operator and officers would.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hanoinet.node.errors import CliError

MARKER = ".hanoinet-demo"
OUT_MARKER = ".hanoinet-demo-out"
FIRST_PORT = 8000
START_TIMEOUT_SECONDS = 90
STOP_TIMEOUT_SECONDS = 25


@dataclass(frozen=True)
class NodeSpec:
    name: str  # folder and log names
    state: str  # "" for the secretariat
    title: str
    mode: str = "node"


SECRETARIAT = NodeSpec("secretariat", "", "Secretariat (register of States Parties)", "secretariat")
NATIONAL = (
    NodeSpec("vnm", "VNM", "Viet Nam"),
    NodeSpec("khm", "KHM", "Cambodia"),
    NodeSpec("fra", "FRA", "France"),
)
SPECS = (SECRETARIAT, *NATIONAL)


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def choose_ports(first: int | None, count: int) -> list[int]:
    """``count`` ports: ``first``, ``first+1``, … when asked (each must be free, or we say
    which is taken and for whom); otherwise the first free ones from 8000."""
    if first is not None:
        if not 1 <= first <= 65535 - count + 1:
            raise CliError(f"--port {first} is not a TCP port that leaves room for {count} nodes")
        ports = list(range(first, first + count))
        for port, spec in zip(ports, SPECS, strict=False):
            if not port_is_free(port):
                raise CliError(
                    f"port {port} on 127.0.0.1 (for the {spec.title} node) is already in use; "
                    f"the demo needs {count} ports from --port {first}: pick another --port"
                )
        return ports
    free = [port for port in range(FIRST_PORT, FIRST_PORT + 200) if port_is_free(port)][:count]
    if len(free) < count:
        raise CliError(
            f"fewer than {count} free ports between {FIRST_PORT} and {FIRST_PORT + 199}; "
            "pass --port"
        )
    return free


def reset_demo_folder(folder: Path, *, keep: bool) -> None:
    """Only a folder carrying the demo marker is ever wiped; any other is refused."""
    if folder.exists() and not folder.is_dir():
        raise CliError(f"{folder} is a file, not a demo folder; choose another --data-dir")
    if folder.exists() and not (folder / MARKER).exists():
        raise CliError(
            f"{folder} exists and is not a demo folder; refusing to touch it "
            "(choose another --data-dir)"
        )
    if folder.exists() and not keep:
        shutil.rmtree(folder)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    (folder / MARKER).write_text("hanoinet demo data: safe to delete\n", encoding="utf-8")


def check_out_folder(out: Path) -> None:
    """The --out folder must be new, empty, or one a previous demo wrote."""
    if out.exists() and not out.is_dir():
        raise CliError(f"--out {out} is a file; choose a folder")
    if out.exists() and any(out.iterdir()) and not (out / OUT_MARKER).exists():
        raise CliError(
            f"--out {out} is not empty and was not written by the demo; "
            "refusing to touch it (choose a new or empty folder)"
        )


def prepare_out_folder(out: Path) -> None:
    """The --out folder, emptied if a previous demo wrote it."""
    check_out_folder(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / OUT_MARKER).write_text("written by `hanoinet demo`: safe to delete\n", encoding="utf-8")


def base_environment() -> dict[str, str]:
    """The caller's environment without any node setting: the demo owns those."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("HANOINET_", "DJANGO_")) and key != "DATABASE_URL"
    }
    # The children import the same hanoinet as this process (a checkout, a venv, …).
    source = str(Path(__file__).resolve().parents[3])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (source, env.get("PYTHONPATH", "")) if p)
    return env


def node_environment(
    folder: Path, spec: NodeSpec, port: int, register_url: str = ""
) -> dict[str, str]:
    env = {
        "HANOINET_DATA_DIR": str(folder),
        "HANOINET_STATE": spec.state,
        "HANOINET_MODE": spec.mode,
        "HANOINET_DEMO": "1",
        "HANOINET_HTTPS": "0",
        "HANOINET_BASE_URL": f"http://127.0.0.1:{port}",
        "HANOINET_WORKER_IDLE_SECONDS": "1",
        # Pages and alerts are e-mailed into the worker's log rather than to an SMTP relay.
        "HANOINET_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "HANOINET_PAGING_CHANNELS": "in_app,email",
        "HANOINET_FEDERATION_TIMEOUT_SECONDS": "5",
        "HANOINET_FEDERATION_LEASE_SECONDS": "15",
        # Cross-border hit/no-hit: the workers answer and finish runs within a second or so.
        "HANOINET_MATCH_POLL_SECONDS": "1",
        # Evidence across the border: the receiving worker fetches an offered bundle at once.
        "HANOINET_TRANSFER_POLL_SECONDS": "1",
        # Custody ledgers announced to their witnesses every second (10 minutes in
        # production), so the story's court bundle carries a witnessed checkpoint.
        "HANOINET_LEDGER_ANNOUNCE_SECONDS": "1",
        # Every demo victim reports from 127.0.0.1: the portal's per-address flood limit
        # (5 an hour) would otherwise refuse a second story with --keep.
        "HANOINET_PORTAL_REPORTS_PER_HOUR": "100",
    }
    if register_url:
        env["HANOINET_REGISTER_URL"] = register_url
    return env


@dataclass
class DemoNode:
    """One node of the demo: its folder, port and the processes serving it."""

    spec: NodeSpec
    folder: Path
    port: int
    log_dir: Path
    register_url: str = ""
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return self.base + "/"

    @property
    def env(self) -> dict[str, str]:
        return {
            **base_environment(),
            **node_environment(self.folder, self.spec, self.port, self.register_url),
        }

    def command(self, *args: str, python: bool = False) -> list[str]:
        """``hanoinet ARGS``, or with ``python`` the interpreter itself with ARGS."""
        return (
            [sys.executable, *args]
            if python
            else [sys.executable, "-m", "hanoinet.node.cli", *args]
        )

    def cli(self, *args: str, what: str = "") -> str:
        """Run ``hanoinet ARGS`` for this node; its output, or a CliError naming the step."""
        result = subprocess.run(  # noqa: S603  (our own CLI, fixed arguments)
            self.command(*args),
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            last = (result.stderr.strip() or result.stdout.strip()).splitlines()[-3:]
            raise CliError(
                f"{self.title}: {what or '`hanoinet ' + ' '.join(args) + '`'} failed: "
                + " / ".join(last)
            )
        return result.stdout

    def spawn(self, *args: str, log: str) -> subprocess.Popen[bytes]:
        with (self.log_dir / f"{self.name}-{log}.log").open("ab") as output:
            return subprocess.Popen(  # noqa: S603  (our own CLI, fixed arguments)
                self.command(*args),
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                # Its own process group: Ctrl-C reaches only us, and we stop each group whole
                # (gunicorn's workers included), in order.
                start_new_session=True,
            )

    def start(self) -> None:
        self.processes.append(
            self.spawn("serve", "--bind", f"127.0.0.1:{self.port}", "--workers", "1", log="web")
        )
        self.processes.append(self.spawn("worker", log="worker"))

    def is_up(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "healthz", timeout=2) as response:  # noqa: S310
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def check_running(self) -> None:
        for process, (label, log) in zip(
            self.processes, (("web server", "web"), ("worker", "worker")), strict=False
        ):
            if process.poll() is not None:
                raise CliError(
                    f"the {self.title} {label} stopped (exit {process.returncode}); "
                    f"see {self.log_dir / f'{self.name}-{log}.log'}"
                )


def wait_until_up(nodes: Sequence[DemoNode]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    waiting = list(nodes)
    while waiting:
        for node in list(waiting):
            node.check_running()
            if node.is_up():
                waiting.remove(node)
        if not waiting:
            return
        if time.monotonic() > deadline:
            names = ", ".join(f"{n.title} ({n.url})" for n in waiting)
            raise CliError(f"no answer within {START_TIMEOUT_SECONDS} s from: {names}")
        time.sleep(0.3)


def stop_all(nodes: Iterable[DemoNode]) -> None:
    """SIGTERM every process group at once (workers drain, gunicorn stops gracefully),
    then wait; whatever is still there after the grace period gets SIGKILL."""
    processes = [process for node in nodes for process in node.processes]
    for process in processes:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            # Still there after the grace period: the whole group goes (its leader is alive
            # and unreaped, so the group id is still ours).
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def run_parallel(
    jobs: Sequence[tuple[DemoNode, Sequence[str], str]], *, python: bool = False
) -> list[str]:
    """Run one CLI command per node at once (set-up of independent nodes); outputs in
    order, or a CliError naming the first node whose command failed."""
    running = [
        (
            node,
            what,
            subprocess.Popen(  # noqa: S603  (our own CLI, fixed arguments)
                node.command(*args, python=python),
                env=node.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            ),
        )
        for node, args, what in jobs
    ]
    outputs: list[str] = []
    failure: str | None = None
    try:
        for node, what, process in running:
            out, err = process.communicate()
            if process.returncode != 0 and failure is None:
                last = (err.strip() or out.strip()).splitlines()[-3:]
                failure = f"{node.title}: {what} failed: " + " / ".join(last)
            outputs.append(out)
    finally:
        for _node, _what, process in running:
            if process.poll() is None:
                process.kill()
                process.wait()
    if failure:
        raise CliError(failure)
    return outputs
