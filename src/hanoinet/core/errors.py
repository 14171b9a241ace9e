"""The base of every error the core raises, so callers can catch one family."""

from __future__ import annotations


class CoreError(ValueError):
    """Something given to the core was not acceptable; the message says what."""
