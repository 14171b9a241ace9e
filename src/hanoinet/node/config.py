"""Typed readers for the environment: every setting of a node comes from here.

Each reader raises :class:`ConfigError` with a message that names the variable and
says how to fix it; the CLI prints that one line instead of a traceback.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})
STATE_CODE = re.compile(r"^[A-Z]{3}$")


class ConfigError(Exception):
    """A configuration value is missing or wrong; the message names it."""


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean; use 1/0, true/false, yes/no or on/off")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise ConfigError(f"{name}={value} is below the minimum of {minimum}")
    return value


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = os.environ.get(name, "").strip().lower() or default
    if raw not in choices:
        raise ConfigError(f"{name}={raw!r} must be one of: {', '.join(choices)}")
    return raw


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int_list(name: str, default: list[int], *, minimum: int = 0) -> list[int]:
    """Comma-separated whole numbers, e.g. ``14,7,2``."""
    values = []
    for item in env_list(name, [str(value) for value in default]):
        try:
            value = int(item)
        except ValueError:
            raise ConfigError(f"{name}: {item!r} is not a whole number (use e.g. 14,7,2)") from None
        if value < minimum:
            raise ConfigError(f"{name}: {value} is below the minimum of {minimum}")
        values.append(value)
    return values


def env_secret_file(name: str, default_path: Path) -> Path:
    """Where a secret lives: secrets are read from files, never from the environment."""
    raw = os.environ.get(f"{name}_FILE")
    return Path(raw).expanduser() if raw else default_path


def env_optional_secret_file(name: str) -> Path | None:
    """As :func:`env_secret_file`, for a secret that may be left out: None if unset."""
    raw = os.environ.get(f"{name}_FILE", "").strip()
    return Path(raw).expanduser() if raw else None


def data_dir() -> Path:
    """The node's data folder (``HANOINET_DATA_DIR``, default ``./hanoinet-data``)."""
    raw = os.environ.get("HANOINET_DATA_DIR", "")
    return Path(raw or "hanoinet-data").expanduser().resolve()


def state_code() -> str:
    """ISO 3166-1 alpha-3 of the State the node serves (``HANOINET_STATE``)."""
    raw = os.environ.get("HANOINET_STATE", "").strip().upper()
    if not raw:
        return ""
    if not STATE_CODE.match(raw):
        raise ConfigError(
            f"HANOINET_STATE={raw!r} is not an ISO 3166-1 alpha-3 code (three letters, e.g. VNM)"
        )
    return raw


def node_mode() -> str:
    raw = os.environ.get("HANOINET_MODE", "node").strip().lower()
    if raw not in {"node", "secretariat"}:
        raise ConfigError(f"HANOINET_MODE={raw!r} must be 'node' or 'secretariat'")
    return raw
