"""Download file names: safe in a header whatever the officer or the victim named the file."""

from __future__ import annotations

from hanoinet.node.http import attachment


def test_names_cannot_escape_their_quotes_or_carry_a_path() -> None:
    assert attachment('exhibit "7"/../x.pdf') == 'attachment; filename="exhibit__7__.._x.pdf"'
    assert attachment("", inline=True) == 'inline; filename="download"'


def test_names_in_any_script_encode_as_a_header() -> None:
    value = attachment("ảnh chụp màn hình.png")
    value.encode("latin-1")  # Django sends headers as latin-1
    assert value.endswith('.png"')
