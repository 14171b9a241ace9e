"""Bringing a node up: Django set-up with clear errors, ``init``, ``check``, ``worker``."""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from hanoinet.core.keys import (
    ENCRYPTION_KEY_FILE,
    SIGNING_KEY_FILE,
    KeyFileError,
    generate_node_keys,
    load_node_keys,
    write_node_keys,
)
from hanoinet.node.config import ConfigError, data_dir
from hanoinet.node.errors import CliError

SECRET_KEY_FILE = "secret_key"  # noqa: S105  (a file name)
EVIDENCE_KEY_FILE = "evidence.key"
ENV_FILE = "hanoinet.env"


def setup_django() -> None:
    """Load settings; a configuration mistake becomes a one-line :class:`CliError`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hanoinet.node.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except (ConfigError, ImproperlyConfigured) as exc:
        raise CliError(f"configuration: {exc}") from None


def database_error(exc: Exception) -> CliError:
    from django.conf import settings

    db = settings.DATABASES["default"]
    where = db.get("NAME") if "sqlite" in db["ENGINE"] else f"{db.get('HOST')}:{db.get('PORT')}"
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return CliError(
        f"cannot use the database at {where}: {first_line}. "
        "Check DATABASE_URL and that the database server is running."
    )


def require_data_dir(folder: Path) -> None:
    if not folder.exists():
        raise CliError(
            f"data folder {folder} does not exist; run `hanoinet init` first "
            "or set HANOINET_DATA_DIR to the node's data folder"
        )
    if not folder.is_dir():
        raise CliError(f"data folder {folder} is not a folder")
    if not os.access(folder, os.R_OK | os.W_OK | os.X_OK):
        raise CliError(f"data folder {folder} is not readable and writable by this user")


def _write_secret_file(path: Path, value: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")


def prepare_data_dir(folder: Path) -> list[str]:
    """Create the folder, secret key and node keys if missing; returns what was done."""
    done: list[str] = []
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(f"cannot create data folder {folder}: {exc.strerror}") from None
    require_data_dir(folder)
    secret = folder / SECRET_KEY_FILE
    if not secret.exists():
        _write_secret_file(secret, secrets.token_urlsafe(64))
        done.append(f"secret key written to {secret}")
    keys_dir = folder / "keys"
    present = [(keys_dir / name).exists() for name in (SIGNING_KEY_FILE, ENCRYPTION_KEY_FILE)]
    if not any(present):
        write_node_keys(generate_node_keys(), keys_dir)
        done.append(f"node keys (Ed25519 signing, X25519 encryption) generated in {keys_dir}")
    elif not all(present):
        raise CliError(
            f"only one of the two node keys exists in {keys_dir}; restore the other from backup"
        )
    evidence_key = keys_dir / EVIDENCE_KEY_FILE
    if not evidence_key.exists():
        _write_secret_file(evidence_key, secrets.token_hex(32))
        done.append(f"evidence key (wraps each item's key) generated in {evidence_key}")
    try:
        load_node_keys(keys_dir)
    except KeyFileError as exc:
        raise CliError(str(exc)) from None
    return done


def migrate_database() -> None:
    from django.core.management import call_command
    from django.db import DatabaseError

    try:
        call_command("migrate", interactive=False, verbosity=0)
    except DatabaseError as exc:
        raise database_error(exc) from None


def _admin_password(args: argparse.Namespace) -> tuple[str, bool]:
    """The first admin's password and whether it was generated (and must be printed)."""
    if args.admin_password_file:
        try:
            password = Path(args.admin_password_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise CliError(
                f"cannot read --admin-password-file {args.admin_password_file}: {exc.strerror}"
            ) from None
        return password, False
    if args.no_input or not sys.stdin.isatty():
        return secrets.token_urlsafe(18), True
    first = getpass.getpass("Password for the first administrator: ")
    second = getpass.getpass("Again: ")
    if first != second:
        raise CliError("the two passwords differ")
    return first, False


def create_first_admin(args: argparse.Namespace) -> str | None:
    """Create the node's first administrator unless any user exists; returns a message."""
    from django.core.exceptions import ValidationError

    from hanoinet.node.accounts import actions
    from hanoinet.node.accounts.models import Unit, User
    from hanoinet.node.accounts.roles import Role
    from hanoinet.node.audit.actor import system_actor

    if User.objects.exists():
        return None
    password, generated = _admin_password(args)
    actor = system_actor("init")
    unit = Unit.objects.filter(kind=Unit.Kind.ADMINISTRATION).first() or actions.do_create_unit(
        actor, "Node administration", Unit.Kind.ADMINISTRATION
    )
    try:
        actions.do_create_user(
            actor,
            username=args.admin_username,
            email=args.admin_email,
            unit=unit,
            roles=[Role.NODE_ADMIN, Role.AUDITOR],
            password=password,
        )
    except ValidationError as exc:
        raise CliError("admin password refused: " + " ".join(exc.messages)) from None
    if generated:
        return (
            f"first administrator: {args.admin_username} / {password}  "
            "(shown once; change it after signing in)"
        )
    return f"first administrator: {args.admin_username}"


def pin_secretariat_key(source: str) -> str:
    from hanoinet.node.audit.actor import system_actor
    from hanoinet.node.commands.register import read_jwk
    from hanoinet.node.register.actions import do_trust_secretariat_key

    try:
        signer = do_trust_secretariat_key(system_actor("init"), read_jwk(source))
    except ValueError as exc:
        raise CliError(f"--secretariat-key: {exc}") from None
    return f"secretariat key {signer.kid} pinned for register imports"


def _write_env_file(folder: Path) -> Path:
    from django.conf import settings

    path = folder / ENV_FILE
    lines = [
        "# Environment of this hanoinet node (for systemd EnvironmentFile= or `set -a; . file`).",
        f"HANOINET_DATA_DIR={folder}",
        f"HANOINET_STATE={settings.HANOINET_STATE}",
        f"HANOINET_MODE={settings.HANOINET_MODE}",
    ]
    if settings.HANOINET_REGISTER_URL:
        lines.append(f"HANOINET_REGISTER_URL={settings.HANOINET_REGISTER_URL}")
    if os.environ.get("DATABASE_URL"):
        lines.append(f"DATABASE_URL={os.environ['DATABASE_URL']}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def initialise_node(args: argparse.Namespace) -> int:
    try:
        folder = data_dir()
    except ConfigError as exc:
        raise CliError(str(exc)) from None
    done = prepare_data_dir(folder)
    setup_django()
    from django.conf import settings

    if not settings.HANOINET_STATE and settings.HANOINET_MODE == "node":
        raise CliError(
            "no State given: pass --state VNM (ISO 3166-1 alpha-3) or set HANOINET_STATE"
        )
    migrate_database()
    done.append("database migrated")
    admin = create_first_admin(args)
    if admin:
        done.append(admin)
    if getattr(args, "secretariat_key", None):
        done.append(pin_secretariat_key(args.secretariat_key))
    env_file = _write_env_file(folder)
    done.append(f"environment written to {env_file}")
    served = settings.HANOINET_STATE or "the register of States Parties"
    print(f"hanoinet node for {served} ({settings.HANOINET_MODE}) initialised:")
    for line in done:
        print(f"  - {line}")
    print("Next steps:")
    print(f"  set -a; . {env_file}; set +a")
    print("  hanoinet check            # configuration, keys and database")
    print("  hanoinet serve            # web server on 127.0.0.1:8000 (put HTTPS in front)")
    print("  hanoinet worker           # background jobs")
    print("  Sign in and enrol an authenticator app: every officer needs a second factor.")
    return 0


def check_node() -> int:
    folder = data_dir()
    require_data_dir(folder)
    setup_django()
    from django.core import checks
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    # The node's own checks are deployment checks, so that development commands
    # (makemigrations, shell) run before `init`; serve and check always run them.
    messages = checks.run_checks() + checks.run_checks(
        tags=["hanoinet"], include_deployment_checks=True
    )
    errors = [m for m in messages if m.is_serious()]
    for message in messages:
        print(f"{'ERROR' if message.is_serious() else 'warning'} {message.id}: {message.msg}")
        if message.hint:
            print(f"    {message.hint}")
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        raise database_error(exc) from None
    if pending:
        print(f"ERROR: {len(pending)} database migration(s) pending; run `hanoinet init`")
        return 1
    if errors:
        return 1
    print("node configuration OK")
    return 0


def run_worker_command(*, once: bool) -> int:
    folder = data_dir()
    require_data_dir(folder)
    setup_django()
    from django.conf import settings

    from hanoinet.node.jobs import run_worker

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    run_worker(stop, idle_seconds=settings.HANOINET_WORKER_IDLE_SECONDS, once=once)
    return 0
