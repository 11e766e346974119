"""`{{ obj|localized:"title" }}`: the reader's language version of a field, else the original."""

from __future__ import annotations

from typing import Any

from django import template

from core import multilingual

register = template.Library()


@register.filter
def localized(obj: Any, field: str) -> str:
    return multilingual.localized(obj, field)


@register.filter
def content_language(obj: Any) -> str:
    """The language `localized` shows for `obj` (for a `lang` attribute)."""
    reader = multilingual.reader_language()
    return (
        reader if multilingual.has_version(obj, reader) else multilingual.original_language_of(obj)
    )
