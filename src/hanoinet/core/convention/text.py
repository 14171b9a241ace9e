"""Marking of user-facing text in the core.

The core never imports Django, yet its explanations are shown to officers in eight
languages. ``N_`` marks a string for the translators' extraction (``make messages``
passes ``--keyword=N_``) and returns it unchanged; the node translates at display time
with ``gettext(message) % params``.
"""

from __future__ import annotations

# The UN document whose text this model encodes; bump MODEL_VERSION whenever an element,
# ground or time limit changes, so stored validations can say which reading they used.
TEXT_REFERENCE = "A/79/460 (annex to A/RES/79/243)"
MODEL_VERSION = "2026.1"


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark ``message`` for translation without translating it here."""
    return message
