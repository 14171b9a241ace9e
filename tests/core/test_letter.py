"""The PDF letter: every text can be found again in the PDF, in every script we write."""

# ruff: noqa: RUF001 - the texts are in their own scripts on purpose

from __future__ import annotations

import io
import unicodedata

import pytest
from pypdf import PdfReader

from hanoinet.core.errors import CoreError
from hanoinet.core.letter import Item, Letter, render_pdf

TEXTS = {
    "en": ("Request for expedited preservation", "Telecom operator, Phnom Penh"),
    "fr": ("Demande de conservation rapide", "Opérateur de télécommunications, Phnom Penh"),
    "ru": ("Запрос об ускоренном сохранении", "Оператор связи, Пномпень"),
    "vi": ("Yêu cầu bảo quản khẩn cấp", "Nhà mạng viễn thông, Phnôm Pênh"),
    "zh-hans": ("迅速保全请求", "电信运营商，金边"),
    "ar": ("طلب الحفظ العاجل", "مشغل الاتصالات في بنوم بنه"),
}


def text_of(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    # NFKC: Arabic is drawn in its contextual (presentation) forms.
    return unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in pages))


def letter(language: str, title: str, value: str, repeat: int = 1) -> Letter:
    return Letter(
        language=language,
        title=title,
        subtitle="Art. 42",
        parties=(Item("From", "Viet Nam (VNM)"), Item("Reference", "VNM-A05-2026-0042")),
        sections=(("Content", tuple(Item(f"E{i}", value, "Art. 42") for i in range(repeat))),),
        signature=(Item("Signature", "______"),),
        footer="hanoinet · 2f1c",
        metadata={"title": title},
    )


@pytest.mark.parametrize("language", sorted(TEXTS))
def test_each_script_is_written_and_can_be_searched(language: str) -> None:
    title, value = TEXTS[language]
    pdf = render_pdf(letter(language, title, value))
    assert pdf.startswith(b"%PDF-")
    found = text_of(pdf)
    assert title in found
    assert unicodedata.normalize("NFKC", value) in found
    # A Latin reference keeps its order inside a right-to-left or Chinese letter.
    assert "VNM-A05-2026-0042" in found
    assert PdfReader(io.BytesIO(pdf)).metadata.title == title  # type: ignore[union-attr]


def test_a_long_letter_runs_over_pages_with_numbered_footers() -> None:
    pdf = render_pdf(letter("en", "Long", "word " * 400, repeat=12))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > 3
    last = reader.pages[-1].extract_text()
    assert f"hanoinet · 2f1c · {len(reader.pages)}" in last


def test_a_word_longer_than_the_line_is_cut_not_lost() -> None:
    wallet = "bc1q" + "x" * 300
    found = text_of(render_pdf(letter("en", "Wallet", wallet))).replace("\n", "")
    assert wallet in found


def test_an_absurdly_large_letter_is_refused() -> None:
    with pytest.raises(CoreError, match="characters"):
        render_pdf(letter("en", "Too big", "x" * 250_000))
