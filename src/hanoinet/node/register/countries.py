"""State names in the UI languages, from pycountry's ISO 3166 data and translations."""

from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry

# Django language codes → the locale names of pycountry's catalogues.
CATALOGUE_FOR_LANGUAGE = {
    "en": "en",
    "fr": "fr",
    "es": "es",
    "ru": "ru",
    "zh-hans": "zh_CN",
    "ar": "ar",
    "vi": "vi",
    "id": "id",
}


def is_state_code(code: str) -> bool:
    return pycountry.countries.get(alpha_3=code.upper()) is not None


def english_name(code: str) -> str:
    country = pycountry.countries.get(alpha_3=code.upper())
    return str(country.name) if country is not None else code


@lru_cache(maxsize=16)
def _catalogue(language: str) -> gettext.NullTranslations:
    locale = CATALOGUE_FOR_LANGUAGE.get(language, "en")
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[locale], fallback=True
    )


def state_name(code: str, language: str) -> str:
    """The State's short name in ``language`` (English if no translation is known).

    >>> state_name("VNM", "fr")
    'Viêt Nam'
    >>> state_name("KHM", "en")
    'Cambodia'
    """
    return _catalogue(language).gettext(english_name(code))
