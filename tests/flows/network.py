"""Several real nodes on 127.0.0.1: a secretariat and national nodes, each with its own
data folder, database, server and worker, set up through the `hanoinet` command only."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tests.flows.test_serve import free_port
from tests.node.test_cli import run


def _base_env() -> dict[str, str]:
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HANOINET_", "DJANGO_", "DATABASE_"))
    }


@dataclass
class LiveNode:
    name: str
    state: str
    folder: Path
    port: int
    env: dict[str, str]
    server: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None
    logs: list[Path] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return run(*args, env=self.env)

    def ok(self, *args: str) -> str:
        result = self.cli(*args)
        assert result.returncode == 0, f"{self.name}: hanoinet {' '.join(args)}: {result.stderr}"
        return result.stdout

    def python(self, code: str) -> str:
        """Run Python inside the node (``hanoinet manage shell``): test set-up and counting."""
        return self.ok("manage", "shell", "-c", code)

    def _spawn(self, *args: str, label: str) -> subprocess.Popen[bytes]:
        log = self.folder.parent / f"{self.name}-{label}-{len(self.logs)}.log"
        self.logs.append(log)
        with log.open("wb") as output:  # the child keeps its own copy of the descriptor
            return subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "hanoinet.node.cli", *args],
                env={**_base_env(), **self.env},
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: SIGKILL reaches every worker
            )

    def start_server(self, workers: int = 1) -> None:
        self.spawn_server(workers)
        self.wait_until_serving()

    def spawn_server(self, workers: int = 1) -> None:
        self.server = self._spawn(
            "serve", "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers), label="serve"
        )

    def wait_until_serving(self) -> None:
        assert self.server is not None
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1).close()  # noqa: S310
                return
            except (urllib.error.URLError, OSError):
                assert self.server.poll() is None, self.logs[-1].read_text()
                assert time.monotonic() < deadline, f"{self.name} did not start"
                time.sleep(0.2)

    def start_worker(self) -> None:
        self.worker = self._spawn("worker", label="worker")

    @staticmethod
    def _stop(process: subprocess.Popen[bytes] | None, sig: int) -> None:
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, sig)
        process.wait(timeout=30)

    def kill_server(self) -> None:
        self._stop(self.server, signal.SIGKILL)

    def kill_worker(self) -> None:
        self._stop(self.worker, signal.SIGKILL)

    def stop(self) -> None:
        self._stop(self.worker, signal.SIGTERM)
        self._stop(self.server, signal.SIGTERM)

    def status(self) -> dict[str, object]:
        return json.loads(self.ok("federation", "status", "--json", "--limit", "5000"))  # type: ignore[no-any-return]


def make_network(
    tmp_path: Path, states: list[str], database_for: Callable[[str], str | None]
) -> tuple[LiveNode, list[LiveNode]]:
    """A secretariat and one node per State, the register published and imported by all."""

    def node(name: str, state: str, mode: str) -> LiveNode:
        folder = tmp_path / name
        port = free_port()
        env = {
            "HANOINET_DATA_DIR": str(folder),
            "HANOINET_STATE": state,
            "HANOINET_MODE": mode,
            "HANOINET_HTTPS": "0",
            "HANOINET_BASE_URL": f"http://127.0.0.1:{port}",
            "HANOINET_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            # Short timeouts and leases: a killed worker's messages go again within seconds.
            "HANOINET_FEDERATION_TIMEOUT_SECONDS": "3",
            "HANOINET_FEDERATION_LEASE_SECONDS": "8",
        }
        database = database_for(name)
        if database:
            env["DATABASE_URL"] = database
        live = LiveNode(name, state, folder, port, env)
        live.ok("init", "--no-input")
        return live

    # Each step is a separate `hanoinet` process per node, and the nodes are independent
    # until the secretariat adds them: run them side by side (a network was 20-30 s of
    # set-up per test, most of it process start-up on one core while the other idled).
    with ThreadPoolExecutor(max_workers=len(states) + 1) as pool:
        made = list(
            pool.map(
                lambda spec: node(*spec),
                [("secretariat", "", "secretariat")]
                + [(state.lower(), state, "node") for state in states],
            )
        )
        secretariat, nodes = made[0], made[1:]
        key = tmp_path / "secretariat.jwk"
        key.write_text(secretariat.ok("register", "key"))

        def describe_and_trust(live: LiveNode) -> Path:
            description = tmp_path / f"{live.name}.json"
            description.write_text(live.ok("register", "describe"))
            live.ok("register", "trust", str(key))
            return description

        for description in pool.map(describe_and_trust, nodes):
            secretariat.ok("register", "add-node", str(description), "--reason", "notified")
        document = tmp_path / "register.jws"
        secretariat.ok("register", "publish", "--out", str(document))
        list(pool.map(lambda live: live.ok("register", "import", str(document)), nodes))
    return secretariat, nodes


def start_nodes(nodes: Iterable[LiveNode]) -> None:
    """Start every node's server, wait until all serve, then start their workers: a
    server takes a few seconds to check itself and boot, and they boot side by side; a
    worker started before its peers serve would find them down and back off."""
    nodes = list(nodes)
    for live in nodes:
        live.spawn_server()
    for live in nodes:
        live.wait_until_serving()
    for live in nodes:
        live.start_worker()


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.3)
