"""Numbers on the statistics pages, written as the reader's locale writes them."""

from __future__ import annotations

from django import template

from ..charts import number

register = template.Library()


@register.filter
def num(value):
    """A count with the locale's grouping, e.g. 12,345 or 12.345 or 12 345."""
    try:
        return number(value)
    except (TypeError, ValueError):
        return value
