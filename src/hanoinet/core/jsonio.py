"""Strict JSON in, canonical JSON out.

Strict reading refuses what ``json.loads`` quietly accepts and a court or a peer could
read two ways: duplicate keys (which one counts?), NaN and Infinity (not JSON), and
nesting deep enough to exhaust the stack. Canonical writing gives one byte string per
value (sorted keys, no whitespace, UTF-8), so that digests and signatures are stable;
it matches RFC 8785 (JCS) for the strings, integers, booleans and nulls our documents use.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from hanoinet.core.errors import CoreError

MAX_DEPTH = 64


class JsonError(CoreError):
    """The text is not JSON we accept; the message says where and why."""


def _no_duplicates(pairs: Iterable[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise JsonError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _no_constants(name: str) -> object:
    raise JsonError(f"{name} is not a JSON number")


def _depth(value: object, limit: int) -> int:
    stack: list[tuple[object, int]] = [(value, 1)]
    deepest = 0
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > limit:
            return depth
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return deepest


# One decoder for every call: ``json.loads`` with hooks builds a new one each time, which
# cost as much as parsing a federation header.
_STRICT = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_no_constants)


def loads_strict(text: str | bytes) -> object:
    """Parse JSON, refusing duplicate keys, NaN/Infinity and deep nesting.

    >>> loads_strict('{"a": 1}')
    {'a': 1}
    >>> loads_strict('{"a": 1, "a": 2}')
    Traceback (most recent call last):
    ...
    hanoinet.core.jsonio.JsonError: duplicate key 'a'
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonError(f"not UTF-8 text (byte {exc.start})") from None
    if text.startswith("\ufeff"):
        raise JsonError("not valid JSON: a byte order mark at the start")
    try:
        value = _STRICT.decode(text)
    except json.JSONDecodeError as exc:
        raise JsonError(
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise JsonError(f"nested deeper than {MAX_DEPTH} levels") from None
    # Nesting needs an opening bracket per level: text with few of them (most messages)
    # cannot be too deep, and walking the value would cost more than parsing it.
    brackets = text.count("{") + text.count("[")
    if brackets > MAX_DEPTH and _depth(value, MAX_DEPTH) > MAX_DEPTH:
        raise JsonError(f"nested deeper than {MAX_DEPTH} levels")
    return value


def canonical(value: object) -> bytes:
    """The one encoding of ``value``: sorted keys, no whitespace, UTF-8.

    >>> canonical({"b": [1, "é"], "a": None})
    b'{"a":null,"b":[1,"\\xc3\\xa9"]}'
    """
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()
