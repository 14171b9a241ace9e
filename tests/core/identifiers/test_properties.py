"""Laws over generated input: no text makes normalise raise, and normalising is idempotent."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hanoinet.core.identifiers import IdentifierKind, guess, normalise

kinds = st.sampled_from(list(IdentifierKind))
regions = st.sampled_from([None, "VN", "GB", "US", "DE"])
# Text that looks like identifiers reaches deeper into the parsers than arbitrary text.
fragments = st.sampled_from(
    [
        "+84",
        "0",
        "9",
        "@",
        ".",
        ":",
        "/",
        "-",
        " ",
        "bc1",
        "0x",
        "T",
        "1",
        "3",
        "GB82",
        "DE",
        "xn--",
        "https://",
        "t.me/",
        "example",
        ".com",
        ".vn",
        "[",
        "]",
        "%",
        "a",
        "Z",
        "ü",
        "。",
    ]
)
identifier_like = st.lists(fragments | st.text(max_size=4), max_size=12).map("".join)
texts = st.text() | identifier_like


@settings(max_examples=400)
@given(kinds, texts, regions)
def test_normalise_never_raises_and_keeps_the_raw_text(
    kind: IdentifierKind, raw: str, region: str | None
) -> None:
    identifier = normalise(kind, raw, default_region=region)
    assert identifier.raw == raw
    assert identifier.valid == (identifier.value is not None)
    assert identifier.valid or identifier.link_key is None


@settings(max_examples=400)
@given(kinds, texts, regions)
def test_normalising_a_normalised_value_changes_nothing(
    kind: IdentifierKind, raw: str, region: str | None
) -> None:
    first = normalise(kind, raw, default_region=region)
    if first.value is not None:
        again = normalise(kind, first.value, default_region=region)
        assert (again.value, again.link_key, again.scope) == (
            first.value,
            first.link_key,
            first.scope,
        )


@given(
    st.sampled_from(
        [
            (IdentifierKind.PHONE, "+84912345678"),
            (IdentifierKind.IBAN, "GB82WEST12345698765432"),
            (IdentifierKind.WALLET, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"),
            (IdentifierKind.EMAIL, "Scam.Desk@example.com"),
        ]
    ),
    st.text(alphabet=" \t\n", max_size=3),
    st.text(alphabet=" \t\n", max_size=3),
)
def test_surrounding_whitespace_does_not_matter(
    case: tuple[IdentifierKind, str], before: str, after: str
) -> None:
    kind, value = case
    assert normalise(kind, before + value + after).value == value


@settings(max_examples=200)
@given(texts)
def test_guess_never_raises_and_only_returns_valid_identifiers(raw: str) -> None:
    identifier = guess(raw, default_region="VN")
    assert identifier is None or identifier.valid
