"""The languages evocompose speaks to a steering group, and how it writes numbers in each.

Texts meant for people (a diagnosis, an explanation, the reasons for a
change) are kept in every language of :data:`LANGUAGES` as a mapping
``{"en": ..., "da": ...}`` (:data:`Text`); :func:`pick` chooses one.

Examples
--------
>>> number(1650.25, "da"), number(1650.25, "en")
('1.650,25', '1,650.25')
>>> percent(0.8, "da"), percent(0.8, "en")
('80 %', '80%')
>>> pick({"en": "yes", "da": "ja"}, "da")
'ja'
"""

from __future__ import annotations

from collections.abc import Mapping

from evocompose.errors import EvocomposeError

__all__ = ["LANGUAGES", "Text", "check_language", "number", "percent", "pick", "text"]

#: English and Danish.
LANGUAGES: tuple[str, ...] = ("en", "da")

#: One text in every language, e.g. ``{"en": "food needs ...", "da": "fødevarer kræver ..."}``.
Text = Mapping[str, str]


def check_language(language: str) -> str:
    """``language`` if evocompose speaks it; otherwise an :class:`EvocomposeError` saying which it does."""
    if language not in LANGUAGES:
        raise EvocomposeError(
            f"unknown language; use one of {', '.join(LANGUAGES)} (en = English, da = Danish)",
            column="language",
            value=language,
        )
    return language


def pick(value: Text, language: str) -> str:
    """The text in ``language`` (English when that one is missing)."""
    return value.get(language) or value.get("en") or next(iter(value.values()), "")


def text(en: str, da: str) -> dict[str, str]:
    """A :data:`Text` from its English and Danish versions."""
    return {"en": en, "da": da}


def number(x: float, language: str, decimals: int = 2) -> str:
    """``x`` with thousands separators, ``decimals`` places (trailing zeros of whole numbers dropped).

    Danish uses ``.`` for thousands and ``,`` for decimals.
    """
    value = float(x)
    if value == int(value) and abs(value) < 1e15:
        body = f"{int(value):,}"
    else:
        body = f"{value:,.{decimals}f}"
    if language == "da":
        body = body.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return body


def percent(share: float, language: str) -> str:
    """A share as a percentage: ``80%`` in English, ``80 %`` in Danish."""
    value = f"{100 * float(share):.0f}"
    return f"{value} %" if language == "da" else f"{value}%"
