"""The formal letter of a request as a PDF, in any of the node's languages.

The node gives the texts, already translated (:class:`Letter`); this module lays them out
on A4 pages with ReportLab. Latin, Cyrillic and Vietnamese text is set in Noto Sans,
Arabic in Noto Sans Arabic (shaped with arabic-reshaper, laid out right to left), Chinese
in the PDF standard Asian font STSong-Light, which every PDF reader provides. Each word is
set in the font of its script, so a reference such as "VNM-A05-0042" in an Arabic or
Chinese letter keeps its Latin glyphs. Text is drawn in logical order so that a court
can search and copy it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from functools import cache

import arabic_reshaper
import fontpkg_noto_sans
import fontpkg_noto_sans_arabic
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from hanoinet.core.errors import CoreError

SANS, ARABIC, CJK = "hanoinet-sans", "hanoinet-arabic", "STSong-Light"
RTL_LANGUAGES = frozenset({"ar"})
MARGIN = 20 * mm
BODY_SIZE, LABEL_SIZE, TITLE_SIZE, FOOTER_SIZE = 10.5, 8.5, 14.0, 7.5
MAX_TEXT = 200_000  # characters in one letter: far above any request, below a denial of service

_ARABIC = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_CJK = "\u2e80-\u303f\u3040-\u9fff\uf900-\ufaff\uff00-\uffef"
# A CJK character is a token of its own (lines may break between any two); otherwise a
# token is a run of Arabic letters, of spaces, or of anything else but spaces.
_TOKENS = re.compile(rf"[{_CJK}]|[{_ARABIC}]+|[^\S\n]+|[^\s{_CJK}{_ARABIC}]+")
_HAS_ARABIC = re.compile(f"[{_ARABIC}]")
_MIRROR = str.maketrans("()[]{}<>", ")(][}{><")


@dataclass(frozen=True)
class Item:
    """One labelled entry: a label, its text, and where the Convention asks for it."""

    label: str
    text: str
    note: str = ""  # e.g. "Art. 42", shown after the label


@dataclass(frozen=True)
class Letter:
    language: str
    title: str
    subtitle: str
    parties: tuple[Item, ...]
    sections: tuple[tuple[str, tuple[Item, ...]], ...]
    signature: tuple[Item, ...]
    footer: str
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def rtl(self) -> bool:
        return self.language.split("-")[0] in RTL_LANGUAGES


@cache
def _register_fonts() -> None:
    sans = fontpkg_noto_sans.ROOT / "files" / "NotoSans[wdth,wght].ttf"
    arabic = next((fontpkg_noto_sans_arabic.ROOT / "files").glob("NotoSansArabic*.ttf"))
    pdfmetrics.registerFont(TTFont(SANS, str(sans)))
    pdfmetrics.registerFont(TTFont(ARABIC, str(arabic)))
    pdfmetrics.registerFont(UnicodeCIDFont(CJK))


def _font_for(token: str) -> str:
    if _HAS_ARABIC.search(token):
        return ARABIC
    if re.match(f"[{_CJK}]", token):
        return CJK
    return SANS


def _shown(text: str, font: str, rtl: bool) -> str:
    """What is drawn: Arabic letters joined in their contextual forms; text of a
    right-to-left run turned (and its brackets mirrored) to be drawn left to right."""
    if font == ARABIC:
        text = arabic_reshaper.reshape(text)
    return text[::-1].translate(_MIRROR) if rtl else text


@dataclass
class _Run:
    """Tokens drawn together in one direction."""

    rtl: bool
    tokens: list[str]


class _Writer:
    def __init__(self, letter: Letter) -> None:
        self.letter = letter
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=A4, pageCompression=1)
        self.width, self.height = A4
        self.page = 1
        self.y = self.height - MARGIN
        for key, value in letter.metadata.items():
            getattr(self.canvas, f"set{key.capitalize()}")(value)

    # Measuring and wrapping -------------------------------------------------------------
    def token_width(self, token: str, size: float) -> float:
        font = _font_for(token)
        return float(pdfmetrics.stringWidth(_shown(token, font, rtl=False), font, size))

    def wrap(self, text: str, size: float, width: float) -> list[list[str]]:
        lines: list[list[str]] = []
        for paragraph in text.split("\n"):
            line: list[str] = []
            used = 0.0
            for token in _TOKENS.findall(paragraph):
                token_width = self.token_width(token, size)
                if line and used + token_width > width and not token.isspace():
                    lines.append(line)
                    line, used = [], 0.0
                if token.isspace() and not line:
                    continue  # no line starts with a space
                piece = token
                while token_width > width:  # one word longer than the line: cut it
                    cut = max(1, int(len(piece) * width / token_width))
                    lines.append([piece[:cut]])
                    piece = piece[cut:]
                    token_width = self.token_width(piece, size)
                line.append(piece)
                used += token_width
            lines.append(line)
        return lines

    # Drawing ----------------------------------------------------------------------------
    def need(self, height: float) -> None:
        if self.y - height < MARGIN + 10 * mm:
            self.footer()
            self.canvas.showPage()
            self.page += 1
            self.y = self.height - MARGIN

    def footer(self) -> None:
        self.canvas.setFont(SANS, FOOTER_SIZE)
        self.canvas.drawString(MARGIN, MARGIN / 2, f"{self.letter.footer} · {self.page}")

    def draw_line(self, tokens: list[str], size: float, x0: float, width: float) -> None:
        while tokens and tokens[-1].isspace():
            tokens = tokens[:-1]
        runs = _runs(tokens) if self.letter.rtl else [_Run(False, tokens)]
        shown = [
            [(font, _shown(text, font, run.rtl)) for font, text in _segments(run.tokens)]
            for run in runs
        ]
        # Right to left: runs in logical order from the right margin leftwards; a run of
        # Latin words keeps its left-to-right order inside.
        x = x0 + width if self.letter.rtl else x0
        for run, segments in zip(runs, shown, strict=True):
            run_width = sum(pdfmetrics.stringWidth(text, font, size) for font, text in segments)
            at = x - run_width if self.letter.rtl else x
            x = at if self.letter.rtl else x + run_width
            for font, text in reversed(segments) if run.rtl else segments:
                self.canvas.setFont(font, size)
                self.canvas.drawString(at, self.y, text)
                at += pdfmetrics.stringWidth(text, font, size)

    def paragraph(self, text: str, size: float, indent: float = 0.0) -> None:
        width = self.width - 2 * MARGIN - indent
        x0 = MARGIN if self.letter.rtl else MARGIN + indent
        for line in self.wrap(text, size, width):
            self.need(size * 1.45)
            self.y -= size * 1.45
            self.draw_line(line, size, x0, width)

    def item(self, item: Item) -> None:
        label = f"{item.label} ({item.note})" if item.note else item.label
        self.need(LABEL_SIZE * 1.45 + BODY_SIZE * 1.45)
        self.paragraph(label, LABEL_SIZE)
        self.paragraph(item.text or "—", BODY_SIZE, indent=6 * mm)
        self.y -= 2

    def render(self) -> bytes:
        letter = self.letter
        self.paragraph(letter.title, TITLE_SIZE)
        self.paragraph(letter.subtitle, LABEL_SIZE)
        self.y -= 6
        for item in letter.parties:
            self.item(item)
        for heading, items in letter.sections:
            self.y -= 6
            self.paragraph(heading, BODY_SIZE + 1.5)
            for item in items:
                self.item(item)
        self.y -= 10
        for item in letter.signature:
            self.item(item)
        self.footer()
        self.canvas.save()
        return self.buffer.getvalue()


def _direction(token: str) -> str:
    if _HAS_ARABIC.search(token):
        return "R"
    return "L" if any(char.isalnum() for char in token) else "N"


def _runs(tokens: list[str]) -> list[_Run]:
    """Direction runs of a right-to-left line, a small part of the Unicode bidirectional
    algorithm: spaces and punctuation between two left-to-right words go with them,
    any other take the right-to-left base direction."""
    strong = [_direction(token) for token in tokens]
    runs: list[_Run] = []
    for index, token in enumerate(tokens):
        direction = strong[index]
        if direction == "N":
            before = next((d for d in reversed(strong[:index]) if d != "N"), None)
            after = next((d for d in strong[index + 1 :] if d != "N"), None)
            direction = "L" if before == after == "L" else "R"
        if runs and runs[-1].rtl == (direction == "R"):
            runs[-1].tokens.append(token)
        else:
            runs.append(_Run(direction == "R", [token]))
    return runs


def _segments(tokens: list[str]) -> list[tuple[str, str]]:
    """Consecutive tokens of one font drawn as one string (spaces take the font before)."""
    segments: list[tuple[str, str]] = []
    for token in tokens:
        font = segments[-1][0] if token.isspace() and segments else _font_for(token)
        if segments and segments[-1][0] == font:
            segments[-1] = (font, segments[-1][1] + token)
        else:
            segments.append((font, token))
    return segments


def render_pdf(letter: Letter) -> bytes:
    """The letter as PDF bytes."""
    size = len(letter.title) + sum(
        len(item.label) + len(item.text)
        for items in (letter.parties, letter.signature, *(s for _h, s in letter.sections))
        for item in items
    )
    if size > MAX_TEXT:
        raise CoreError(f"the letter would hold {size} characters, more than {MAX_TEXT}")
    _register_fonts()
    return _Writer(letter).render()
