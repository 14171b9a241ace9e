"""Why the linking core refused its input."""

from __future__ import annotations

from hanoinet.core.errors import CoreError


class LinkingError(CoreError):
    """Input the linker cannot use: bad codes, shapes, caps or warning-list entries."""
