"""What changed between two registers, State by State and field by field."""

from __future__ import annotations

from hanoinet.core.register.model import Change, Register, state_index, state_to_json

FIELDS = ("name", "status", "declarations", "languages", "authorities", "node")
NODE_FIELDS = ("endpoint", "protocols", "capabilities", "keys")


def diff_registers(old: Register | None, new: Register) -> tuple[Change, ...]:
    """Changes from ``old`` to ``new``, sorted by State then field.

    >>> from datetime import UTC, datetime
    >>> from hanoinet.core.register.model import StateEntry
    >>> t = datetime(2026, 1, 1, tzinfo=UTC)
    >>> a = Register(1, t, t, (StateEntry("VNM", "Viet Nam"),))
    >>> b = Register(2, t, t, (StateEntry("VNM", "Viet Nam", languages=("vi",)),))
    >>> [(c.state, c.what, c.change) for c in diff_registers(a, b)]
    [('VNM', 'languages', 'changed')]
    """
    before = state_index(old) if old is not None else {}
    after = state_index(new)
    changes: list[Change] = []
    for code in sorted(set(before) | set(after)):
        if code not in before:
            changes.append(Change(code, "state", "added"))
            continue
        if code not in after:
            changes.append(Change(code, "state", "removed"))
            continue
        old_json, new_json = state_to_json(before[code]), state_to_json(after[code])
        for name in FIELDS:
            if name == "node":
                changes.extend(_node_changes(code, old_json["node"], new_json["node"]))
            elif old_json[name] != new_json[name]:
                changes.append(Change(code, name, "changed"))
    return tuple(changes)


def _node_changes(code: str, old: object, new: object) -> list[Change]:
    if old == new:
        return []
    if old is None:
        return [Change(code, "node", "added")]
    if new is None:
        return [Change(code, "node", "removed")]
    old_node = old if isinstance(old, dict) else {}
    new_node = new if isinstance(new, dict) else {}
    return [
        Change(code, f"node.{name}", "changed")
        for name in NODE_FIELDS
        if old_node.get(name) != new_node.get(name)
    ]
