"""CLI subcommands contributed by modules that must not import Django at import time.

Each module exposes ``register(subparsers)``, which adds its parser and sets
``handler`` to a function taking the parsed arguments and returning the exit code.
"""

from __future__ import annotations

import importlib
from types import ModuleType

COMMAND_MODULES = ("hanoinet.node.commands.convention", "hanoinet.node.commands.register")


def registered_command_modules() -> list[ModuleType]:
    modules = []
    for name in COMMAND_MODULES:
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return modules
