"""Content in several languages: the original text plus translations (django-parler rows).

A translatable model keeps its original text in its own columns (so every
existing query and template that reads `challenge.title` keeps working) and
says which language that text is in (`original_language_of`). Translations the
owner adds are django-parler translation rows (`obj.translations`), whose
fields are named `translated_<field>`.

`localized(obj, field)` is the one accessor: the reader's language version of a
field when a translation exists, else the original. `versions_of(obj)` lists
the languages a reader can switch between. Both read `obj.translations.all()`,
so a list page prefetches `translations` once and stays at a fixed query count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import get_language, get_language_info

TRANSLATED_PREFIX = "translated_"
# Own names Django lacks (Tetum) or gives in English (Khmer).
_EXTRA_NAMES = {"tet": "Tetun", "km": "ភាសាខ្មែរ"}


def normalize(code: str | None) -> str:
    """A language code as the portal stores it (`zh-hans`, `th`), lower case."""
    return (code or settings.LANGUAGE_CODE).lower().replace("_", "-")


def reader_language() -> str:
    """The language the current request is rendered in."""
    return normalize(get_language())


def original_language_of(obj: Any) -> str:
    """The language of `obj`'s own columns: `original_language`, else its parent's."""
    getter = getattr(obj, "get_original_language", None)
    if callable(getter):
        return normalize(getter())
    return normalize(getattr(obj, "original_language", None))


def _translations(obj: Any) -> list[Any]:
    if obj is None or obj.pk is None or getattr(obj, "_parler_meta", None) is None:
        return []
    return list(obj.translations.all())


def translation_of(obj: Any, language: str) -> Any | None:
    """The translation row of `obj` in `language`, or None."""
    language = normalize(language)
    for row in _translations(obj):
        if normalize(row.language_code) == language:
            return row
    return None


def localized(obj: Any, field: str, language: str | None = None) -> str:
    """`field` of `obj` in `language` (default: the reader's), else the original text."""
    if obj is None:
        return ""
    original = getattr(obj, field, "") or ""
    language = normalize(language) if language else reader_language()
    if language == original_language_of(obj):
        return original
    row = translation_of(obj, language)
    value = getattr(row, TRANSLATED_PREFIX + field, "") if row is not None else ""
    return value or original


def has_version(obj: Any, language: str) -> bool:
    """Whether `obj` can be read in `language` (its original language or a translation)."""
    language = normalize(language)
    return language == original_language_of(obj) or translation_of(obj, language) is not None


@dataclass(frozen=True)
class Version:
    """One language version of an object, as a reader may choose it."""

    language: str
    name: str
    is_original: bool


def versions_of(obj: Any) -> list[Version]:
    """The original first, then the translations in language-code order."""
    original = original_language_of(obj)
    rows = sorted({normalize(r.language_code) for r in _translations(obj)} - {original})
    return [Version(original, safe_language_name(original), True)] + [
        Version(code, safe_language_name(code), False) for code in rows
    ]


def safe_language_name(code: str) -> str:
    """The language's own name; the code itself for a language Django has no entry for."""
    if code in _EXTRA_NAMES:
        return _EXTRA_NAMES[code]
    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return code


def chosen_language(obj: Any, requested: str | None) -> str:
    """The version to show: the requested one if it exists, else the reader's, else the original."""
    for candidate in (requested, reader_language()):
        if candidate and has_version(obj, candidate):
            return normalize(candidate)
    return original_language_of(obj)


#: Marks a stored "every version" value (`all_versions`) in notification contexts.
ORIGINAL_KEY = "_original"


def all_versions(obj: Any, field: str) -> str | dict[str, str]:
    """`field` in every language version, for a context rendered later in another language.

    Just the original text when there are no translations (so stored contexts stay
    plain strings); otherwise `{ORIGINAL_KEY: original, "<language>": text, …}`,
    which `pick_version` turns into the reader's version when the message is rendered.
    """
    original = getattr(obj, field, "") or ""
    rows = _translations(obj)
    if not rows:
        return original
    versions = {normalize(r.language_code): getattr(r, TRANSLATED_PREFIX + field, "") for r in rows}
    return {ORIGINAL_KEY: original} | {code: text for code, text in versions.items() if text}


def pick_version(value: Any, language: str | None = None) -> Any:
    """The `language` (default: active) version of an `all_versions` value; others unchanged."""
    if not isinstance(value, dict) or ORIGINAL_KEY not in value:
        return value
    return value.get(normalize(language) if language else reader_language()) or value[ORIGINAL_KEY]
