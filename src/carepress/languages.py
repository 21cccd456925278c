"""What the pipeline needs to know about a language tag: its script, its direction, and how
Babel names its locale.

One place, so resolve (bidi isolation of Latin titles), typeset (fonts and line layout),
finish (which side a booklet binds on) and the build (scheduling) agree.
"""

from __future__ import annotations

RIGHT_TO_LEFT = frozenset({"ar", "fa", "he", "ur"})
CJK = frozenset({"zh", "ja", "ko"})


def primary(lang: str) -> str:
    return lang.split("-")[0].lower()


def right_to_left(lang: str) -> bool:
    return primary(lang) in RIGHT_TO_LEFT


def script_of(lang: str) -> str:
    """Which line layout the text needs: "arabic" (right to left), "cjk" or "latin"."""
    if right_to_left(lang):
        return "arabic"
    return "cjk" if primary(lang) in CJK else "latin"


def babel_locale(lang: str) -> str:
    """Babel's (and gettext's) name for a language tag: `zh-Hans` -> `zh_Hans`."""
    return lang.replace("-", "_")


def cldr_knows(lang: str) -> bool:
    """Whether Babel's CLDR data has the language: carepress writes its dates through it."""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(babel_locale(lang))
    except (UnknownLocaleError, ValueError):
        return False
    return True


def leaflet_locale(lang: str, clinic_locale: str | None) -> str:
    """The locale a leaflet's dates and regional fixed strings follow: the clinic's when it
    is a region of the leaflet's language (`en-GB` for an `en` leaflet), else the
    language's own (a UK clinic's French leaflets are in `fr`)."""
    if clinic_locale and (clinic_locale == lang or clinic_locale.startswith(lang + "-")):
        return clinic_locale
    return lang


def regional_tags(lang: str, locale: str) -> list[str]:
    """The tags between a locale and its language, most particular first: the strings files
    that may change a leaflet's fixed strings (`zh-Hans-HK`, `zh-Hans` for a `zh` leaflet in
    `zh-Hans-HK`; none for a leaflet in its language's own locale)."""
    parts = locale.split("-")
    tags = ["-".join(parts[:count]) for count in range(len(parts), 0, -1)]
    return [tag for tag in tags if tag.startswith(lang + "-")]
