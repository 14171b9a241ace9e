"""Every page of the node in the eight UI languages: no string left in English.

The messages are found here independently of the catalogues (templates through Django's
own template-to-gettext conversion, Python through its syntax tree), so a string added
without a translation fails this test.
"""

from __future__ import annotations

import ast
import gettext
import re
import subprocess
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils.translation import to_locale
from django.utils.translation.template import templatize

from hanoinet.node.accounts.models import User

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "src" / "hanoinet"
LOCALE = PACKAGE / "node" / "locale"
GETTEXT_NAMES = {
    "_",
    "gettext",
    "gettext_lazy",
    "N_",
    "pgettext",
    "pgettext_lazy",
    "ngettext",
    "ngettext_lazy",
}
# gettext('msg') and pgettext('context', 'msg'): the message is the last literal;
# ngettext('singular', 'plural', n): the catalogue keys it by the singular.
TEMPLATE_CALL = re.compile(
    r"\b(gettext|pgettext)\((?:u?'(?:[^'\\]|\\.)*'\s*,\s*)?u?'((?:[^'\\]|\\.)*)'"
    r"|\b(ngettext)\(u?'((?:[^'\\]|\\.)*)'"
)
OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]


def _python_messages(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name not in GETTEXT_NAMES:
            continue
        index = 1 if name.startswith("pgettext") else 0
        argument = node.args[index] if len(node.args) > index else None
        if (
            isinstance(argument, ast.Constant)
            and isinstance(argument.value, str)
            and argument.value
        ):
            found.add(argument.value)
    return found


def _template_messages(path: Path) -> set[str]:
    converted = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    found = set()
    for match in TEMPLATE_CALL.finditer(converted):
        text = match.group(2) or match.group(4)
        if text:
            found.add(ast.literal_eval(f"'{text}'"))
    return found


@cache
def source_messages() -> frozenset[str]:
    messages: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if "migrations" not in path.parts:
            messages |= _python_messages(path)
    for path in PACKAGE.rglob("templates/**/*.html"):
        messages |= _template_messages(path)
    return frozenset(messages)


@cache
def catalogue(language: str) -> dict[str, str]:
    """msgid -> translation; a plural message appears under its singular (first form)."""
    path = LOCALE / to_locale(language) / "LC_MESSAGES" / "django.mo"
    with path.open("rb") as handle:
        raw = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    return {
        (key[0] if isinstance(key, tuple) else key): value
        for key, value in raw.items()
        if not isinstance(key, tuple) or key[1] == 0
    }


def test_the_extraction_finds_the_messages() -> None:
    messages = source_messages()
    assert "Sign in" in messages
    assert "Thread with %(state)s" in messages  # a blocktranslate with a variable
    assert "Expedited preservation of stored electronic data" in messages  # the core's N_
    assert len(messages) > 400


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    translations = catalogue(language)
    missing = sorted(m for m in source_messages() if not translations.get(m))
    assert not missing, f"{language}: {len(missing)} untranslated, e.g. {missing[:5]}"


def test_the_catalogues_are_complete_and_compiled() -> None:
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "tools" / "messages.py"), "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:]


@pytest.mark.django_db
@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_pages_render_in_the_language_with_its_direction(
    language: str, verified_client: Callable[[User], Client], alice: User
) -> None:
    client = verified_client(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for path, english in (("/", "Dashboard"), ("/register/", "Register"), ("/oncall/", "On call")):
        page = client.get(path).content.decode()
        direction = "rtl" if language == "ar" else "ltr"
        assert f'<html lang="{language}" dir="{direction}">' in page
        if language != "en":
            translated = catalogue(language)[english]
            assert translated in page
            assert f">{english}<" not in page, (
                f"{path} shows {english!r} untranslated in {language}"
            )
    login = Client()
    login.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = login.get("/accounts/login/").content.decode()
    if language != "en":
        assert catalogue(language)["Sign in"] in page
