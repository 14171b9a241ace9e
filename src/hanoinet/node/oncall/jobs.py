from __future__ import annotations

from hanoinet.node.jobs import register_job
from hanoinet.node.oncall.actions import escalate_due_pages


@register_job("oncall-escalate", every_seconds=15)
def escalate() -> int:
    return escalate_due_pages()
