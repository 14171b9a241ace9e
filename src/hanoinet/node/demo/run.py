"""``hanoinet demo``: the demo network — a secretariat and the nodes of Viet Nam, Cambodia
and France on 127.0.0.1, each with its own folder, SQLite database, server and worker —
set up through the ``hanoinet`` command, seeded, then the story told through HTTP.

The demo folder carries a marker file; only such a folder is ever wiped, and only a demo
node hands out second-factor codes (``hanoinet demo-code``).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from pathlib import Path
from types import FrameType
from typing import Any

from hanoinet.node.demo.nodes import (
    MARKER,
    NATIONAL,
    SECRETARIAT,
    SPECS,
    DemoNode,
    check_out_folder,
    choose_ports,
    node_environment,
    prepare_out_folder,
    reset_demo_folder,
    run_parallel,
    stop_all,
    wait_until_up,
)
from hanoinet.node.demo.seed import DEMO_PASSWORD, users_for
from hanoinet.node.demo.story import STORY, Outcome, Story, tell
from hanoinet.node.errors import CliError

HISTORY_PER_PAIR = 50  # 6 pairs of States: 300 historical threads across the network

# What each State writes into the register (the secretariat's entry for it).
REGISTER_ENTRIES: dict[str, dict[str, Any]] = {
    "VNM": {"name": "Viet Nam", "languages": ["vi", "en"], "signed_on": "2025-10-25"},
    "KHM": {"name": "Cambodia", "languages": ["km", "en", "fr"], "signed_on": "2025-10-25"},
    "FRA": {"name": "France", "languages": ["fr", "en"], "signed_on": "2025-10-25"},
}


def _say(text: str = "") -> None:
    print(text, flush=True)


def _terminate_as_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


class Network:
    """The demo's nodes, started and stopped together."""

    def __init__(self, folder: Path, ports: list[int]) -> None:
        self.folder = folder
        self.logs = folder / "logs"
        secretariat_url = f"http://127.0.0.1:{ports[0]}"
        self.nodes = {
            spec.name: DemoNode(
                spec,
                folder / spec.name,
                port,
                self.logs,
                register_url=secretariat_url if spec.mode == "node" else "",
            )
            for spec, port in zip(SPECS, ports, strict=True)
        }
        self.secrets: dict[str, dict[str, str]] = {}
        self.tokens: dict[str, dict[str, str]] = {}
        self.history = 0

    @property
    def secretariat(self) -> DemoNode:
        return self.nodes[SECRETARIAT.name]

    @property
    def national(self) -> list[DemoNode]:
        return [self.nodes[spec.name] for spec in NATIONAL]

    def set_up(self, register_copy: Path) -> None:
        """init, the register (describe, add-node, publish, trust, import) and seeding."""
        self.logs.mkdir(exist_ok=True)
        shared = self.folder / "shared"
        shared.mkdir(exist_ok=True)
        everyone = list(self.nodes.values())
        run_parallel(
            [(n, ("init", "--no-input", "--admin-username", "root"), "init") for n in everyone]
        )
        key = shared / "secretariat.jwk"
        key.write_text(self.secretariat.cli("register", "key"), encoding="utf-8")
        descriptions = run_parallel(
            [(n, ("register", "describe"), "register describe") for n in self.national]
        )
        run_parallel(
            [(n, ("register", "trust", str(key)), "register trust") for n in self.national]
        )
        for node, description in zip(self.national, descriptions, strict=True):
            entry = REGISTER_ENTRIES[node.spec.state]
            state_file = shared / f"{node.name}-entry.json"
            state_file.write_text(
                json.dumps(
                    {
                        "code": node.spec.state,
                        "name": entry["name"],
                        "status": {"signed_on": entry["signed_on"]},
                        "languages": entry["languages"],
                    }
                ),
                encoding="utf-8",
            )
            self.secretariat.cli(
                "register", "set-state", str(state_file), "--reason", "signature in Hanoi"
            )
            described = shared / f"{node.name}-node.json"
            described.write_text(description, encoding="utf-8")
            self.secretariat.cli(
                "register", "add-node", str(described), "--reason", "notified by note verbale"
            )
        document = shared / "register.jws"
        self.secretariat.cli("register", "publish", "--out", str(document))
        shutil.copyfile(document, register_copy)
        run_parallel(
            [(n, ("register", "import", str(document)), "register import") for n in self.national]
        )
        self.seed()

    def seed(self) -> None:
        """Officers, tokens, roster, cases and history, inside each node (set-up only)."""
        nodes = list(self.nodes.values())
        jobs = [
            (
                node,
                ("-m", "hanoinet.node.demo.seed", node.spec.state)
                + (("--history", str(HISTORY_PER_PAIR)) if node.spec.state else ()),
                "seeding",
            )
            for node in nodes
        ]
        for node, output in zip(nodes, run_parallel(jobs, python=True), strict=True):
            seeded = json.loads(output.strip().splitlines()[-1])
            self.secrets[node.name] = seeded["secrets"]
            self.tokens[node.name] = seeded["tokens"]
            self.history += int(seeded["history"])

    def start(self) -> None:
        # The secretariat first: the national workers fetch the register from it at once.
        self.secretariat.start()
        wait_until_up([self.secretariat])
        for node in self.national:
            node.start()
        wait_until_up(self.national)

    def check_running(self) -> None:
        for node in self.nodes.values():
            node.check_running()

    def stop(self) -> None:
        stop_all(self.nodes.values())


def print_logins(network: Network) -> None:
    _say(f"Sign in with these users; password for all: {DEMO_PASSWORD}")
    for node in network.nodes.values():
        _say(f"{node.title} — {node.url}")
        secrets = network.secrets.get(node.name, {})
        for user in users_for(node.spec.state):
            roles = ", ".join(user.roles)
            _say(
                f"  {user.username:<13} {user.full_name:<16} {roles:<28} "
                f"TOTP key {secrets.get(user.username, '?')}"
            )
    _say("Second factor: add the TOTP key to an authenticator app, or print the current")
    _say(
        "code with: hanoinet demo-code USER --node vnm|khm|fra|secretariat "
        f"--data-dir {network.folder}"
    )


def _out_folder(folder: Path, out: str | None, *, once: bool) -> Path:
    if out and not once:
        raise CliError("--out goes with --once (the interactive demo writes into DATA_DIR/out)")
    out_dir = Path(out).expanduser().resolve() if out else folder / "out"
    if out_dir == folder or (folder in out_dir.parents and out_dir != folder / "out"):
        raise CliError(f"--out {out_dir} must not be the demo folder or a node's folder in it")
    return out_dir


def _bring_up(network: Network, story: Story, started: float) -> None:
    _say(f"hanoinet demo network in {network.folder}")
    _say("Setting up: keys (init), the register (publish, import), users and history …")
    story.current = "set-up"
    network.set_up(story.out / "register.jws")
    _say(
        f"  ready in {time.monotonic() - started:.1f} s; {network.history // 2} historical "
        "threads seeded (each node holds its side)"
    )
    _say("Starting servers and workers …")
    story.current = "start-up"
    network.start()
    for node in network.nodes.values():
        _say(f"  {node.title:<42} {node.url}")
    _say(f"  up after {time.monotonic() - started:.1f} s")


def _summarise(outcomes: list[Outcome], story: Story, story_started: float, started: float) -> None:
    _say()
    _say("Summary")
    for outcome in outcomes:
        mark = "FAILED" if outcome.error else "ok"
        _say(f"  {outcome.step.number:<3} {outcome.step.name:<20} {outcome.seconds:6.1f} s  {mark}")
    now = time.monotonic()
    _say(f"  story {now - story_started:.1f} s, total {now - started:.1f} s")
    written = ["register.jws", *(f"bundles/{b.name}" for b in story.bundles)]
    _say(f"  written to {story.out}: {', '.join(written)}")


def run_demo(
    *,
    data_dir: str,
    port: int | None,
    keep: bool,
    once: bool = False,
    out: str | None = None,
) -> int:
    folder = Path(data_dir).expanduser().resolve()
    out_dir = _out_folder(folder, out, once=once)
    ports = choose_ports(port, len(SPECS))
    check_out_folder(out_dir)  # before anything is wiped
    reset_demo_folder(folder, keep=keep)
    prepare_out_folder(out_dir)
    network = Network(folder, ports)
    story = Story(network.nodes, network.tokens, network.secrets, out_dir, say=_say)
    previous = signal.signal(signal.SIGTERM, _terminate_as_interrupt)
    started = time.monotonic()
    try:
        _bring_up(network, story, started)
        _say()
        _say("The story (through the nodes' HTTP APIs and web pages):")
        story_started = time.monotonic()
        outcomes = tell(story, STORY)
        story.current = ""
        _summarise(outcomes, story, story_started, started)
        failed = next((o for o in outcomes if o.error), None)
        if failed is not None and once:
            raise CliError(
                f"the demo story failed at step {failed.step.number} "
                f"'{failed.step.name}': {failed.error}",
                exit_code=1,
            )
        if once:
            _say("Every step succeeded.")
            return 0
        if failed is not None:
            _say(f"Step {failed.step.number} '{failed.step.name}' failed; the nodes stay up.")
        _say()
        print_logins(network)
        _say(f"Logs: {network.logs}")
        _say("Press Ctrl-C to stop the demo.")
        story.current = "running"
        while True:
            network.check_running()
            time.sleep(0.5)
    except KeyboardInterrupt:
        if story.current == "running":
            _say("\nStopping the demo …")
            return 0
        _say(f"\nInterrupted during {story.current or 'the demo'}; stopping every node …")
        return 130
    finally:
        # A second Ctrl-C must not cut the stopping short (and leave orphans behind).
        interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            network.stop()
        finally:
            signal.signal(signal.SIGINT, interrupt)
            signal.signal(signal.SIGTERM, previous)
        if story.current != "running":
            _say("All demo processes stopped.")


def print_demo_code(username: str, node: str = "vnm") -> int:
    folder = Path(os.environ.get("HANOINET_DATA_DIR", ".hanoinet-demo")).expanduser().resolve()
    if not (folder / MARKER).exists():
        raise CliError(f"{folder} is not a demo data folder: codes are only given out in demo mode")
    spec = next((s for s in SPECS if s.name == node), None)
    if spec is None:
        raise CliError(f"--node {node!r}: one of {', '.join(s.name for s in SPECS)}")
    node_folder = folder / spec.name
    if not (node_folder / "hanoinet.sqlite3").exists():
        raise CliError(f"{node_folder} holds no demo node: run `hanoinet demo` first")
    # The demo always runs on its own SQLite files, whatever DATABASE_URL says.
    os.environ.pop("DATABASE_URL", None)
    os.environ.update(node_environment(node_folder, spec, 0))
    from hanoinet.node.bootstrap import setup_django

    setup_django()
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is None:
        raise CliError(f"no demo user {username!r} with a second factor on {spec.title}")
    print(f"{totp(device.bin_key, step=device.step, digits=device.digits):0{device.digits}d}")
    return 0
