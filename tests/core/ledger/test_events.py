"""Custody events: one canonical leaf per event, and strict reading back."""

from __future__ import annotations

import contextlib
import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hanoinet.core.ledger import (
    CUSTODY_KINDS,
    CustodyEvent,
    LedgerCode,
    MalformedError,
    MerkleTree,
    leaf_hash,
    verify_inclusion,
)

AT = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
DIGEST = hashlib.sha256(b"disk image").hexdigest()


def event(**overrides: object) -> CustodyEvent:
    values: dict[str, object] = {
        "kind": "sealed",
        "actor": "alice@vnm",
        "at": AT,
        "item_digest": DIGEST,
        "reason": "bagged and sealed after imaging",
        **overrides,
    }
    return CustodyEvent(**values)  # type: ignore[arg-type]


def test_the_leaf_is_canonical_json() -> None:
    leaf = event(thread="T-1", reference="Art. 42").to_leaf_bytes()
    assert (
        leaf
        == (
            '{"actor":"alice@vnm","at":"2026-11-23T03:00:00Z",'
            f'"item_digest":"{DIGEST}","kind":"sealed","reason":"bagged and sealed after imaging",'
            '"reference":"Art. 42","schema":"hanoinet.custody/1","thread":"T-1"}'
        ).encode()
    )


@pytest.mark.parametrize("kind", sorted(CUSTODY_KINDS))
def test_every_kind_round_trips(kind: str) -> None:
    original = event(kind=kind)
    assert CustodyEvent.from_leaf_bytes(original.to_leaf_bytes()) == original


def test_the_kinds_are_the_custody_steps() -> None:
    expected = {
        "acquired",
        "hashed",
        "sealed",
        "opened",
        "exported",
        "transferred",
        "received",
        "verified",
        "disposed",
    }
    assert expected == CUSTODY_KINDS


def test_time_is_kept_in_utc_to_the_second() -> None:
    local = datetime(2026, 11, 23, 10, 0, 0, 123_456, tzinfo=timezone(timedelta(hours=7)))
    assert event(at=local).at == AT
    assert event(at=local).at.tzinfo is UTC


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "stolen"}, "kind"),
        ({"actor": ""}, "actor"),
        ({"actor": "   "}, "actor"),
        ({"actor": 7}, "actor"),
        ({"at": datetime(2026, 11, 23)}, "at"),  # noqa: DTZ001
        ({"at": "2026-11-23T03:00:00Z"}, "at"),
        ({"item_digest": DIGEST.upper()}, "item_digest"),
        ({"item_digest": DIGEST[:-1]}, "item_digest"),
        ({"item_digest": None}, "item_digest"),
        ({"reason": ""}, "reason"),
        ({"reason": "x" * 4001}, "reason"),
        ({"reason": "half a pair \ud800"}, "reason"),
        ({"thread": ""}, "thread"),
        ({"reference": 12}, "reference"),
    ],
)
def test_invalid_events_name_the_field(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(MalformedError) as caught:
        event(**overrides)
    assert caught.value.code is LedgerCode.MALFORMED
    assert caught.value.field == field
    assert field in str(caught.value)


def leaf_with(**changes: object) -> bytes:
    document = event().to_json()
    document.update(changes)
    return json.dumps(
        {k: v for k, v in document.items() if v is not ...},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()


@pytest.mark.parametrize(
    ("leaf", "field"),
    [
        pytest.param(b"not json", "leaf", id="not JSON"),
        pytest.param(b'{"a":1,"a":2}', "leaf", id="duplicate key"),
        pytest.param(b"[]", "leaf", id="not an object"),
        pytest.param(leaf_with(reason=...), "reason", id="missing reason"),
        pytest.param(leaf_with(location="safe 3"), "location", id="unknown field"),
        pytest.param(leaf_with(schema="hanoinet.custody/2"), "schema", id="other schema"),
        pytest.param(leaf_with(kind="stolen"), "kind", id="unknown kind"),
        pytest.param(leaf_with(kind=3), "kind", id="kind not a string"),
        pytest.param(leaf_with(at="2026-11-23T03:00:00.5Z"), "at", id="fractional time"),
        pytest.param(leaf_with(at="2026-11-31T03:00:00Z"), "at", id="impossible day"),
        pytest.param(leaf_with(at=1790000000), "at", id="numeric time"),
        pytest.param(leaf_with(actor=["alice"]), "actor", id="actor not a string"),
        pytest.param(leaf_with(thread=5), "thread", id="thread not a string"),
        pytest.param(leaf_with(item_digest="AB" * 32), "item_digest", id="upper-case digest"),
        pytest.param(event().to_leaf_bytes() + b" ", "leaf", id="trailing space"),
        pytest.param(
            json.dumps(event().to_json(), separators=(",", ":")).encode(), "leaf", id="key order"
        ),
    ],
)
def test_leaves_are_read_strictly(leaf: bytes, field: str) -> None:
    with pytest.raises(MalformedError) as caught:
        CustodyEvent.from_leaf_bytes(leaf)
    assert caught.value.code is LedgerCode.MALFORMED
    assert caught.value.field == field


printable = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=60
).filter(str.strip)


@settings(max_examples=100, deadline=None)
@given(
    kind=st.sampled_from(sorted(CUSTODY_KINDS)),
    actor=printable,
    at=st.datetimes(timezones=st.just(UTC)),
    content=st.binary(),
    reason=printable,
    thread=st.none() | printable,
    reference=st.none() | printable,
)
def test_any_valid_event_round_trips_through_its_leaf(
    kind: str,
    actor: str,
    at: datetime,
    content: bytes,
    reason: str,
    thread: str | None,
    reference: str | None,
) -> None:
    original = event(
        kind=kind,
        actor=actor,
        at=at,
        item_digest=hashlib.sha256(content).hexdigest(),
        reason=reason,
        thread=thread,
        reference=reference,
    )
    leaf = original.to_leaf_bytes()
    assert CustodyEvent.from_leaf_bytes(leaf) == original
    assert CustodyEvent.from_leaf_bytes(leaf).to_leaf_bytes() == leaf


@settings(max_examples=200, deadline=None)
@given(data=st.binary() | st.text().map(str.encode))
def test_reading_garbage_raises_only_malformed(data: bytes) -> None:
    with contextlib.suppress(MalformedError):
        CustodyEvent.from_leaf_bytes(data)


def test_events_are_proved_in_the_log_by_their_leaf_hash() -> None:
    steps = [
        event(kind="acquired", reason="collected from the provider"),
        event(kind="hashed", reason="SHA-256 computed"),
        event(kind="sealed"),
        event(kind="transferred", reason="sent to KHM", thread="T-1"),
    ]
    tree = MerkleTree()
    for step in steps:
        tree.append(step.to_leaf_bytes())
    proof = tree.inclusion(3)
    verify_inclusion(leaf_hash(steps[3].to_leaf_bytes()), 3, 4, proof, tree.root())
