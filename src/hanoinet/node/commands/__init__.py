"""CLI subcommands contributed by modules that must not import Django at import time.

Each module exposes ``register(subparsers)``, which adds its parser and sets
``handler`` to a function taking the parsed arguments and returning the exit code.
"""

from __future__ import annotations

from types import ModuleType

from hanoinet.node.commands import (
    convention,
    evidence,
    federation,
    keys,
    linking,
    register,
    statistics,
    verify_bundle,
)


def registered_command_modules() -> list[ModuleType]:
    return [convention, evidence, federation, keys, linking, register, statistics, verify_bundle]
