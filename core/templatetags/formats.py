"""Template filters for locale-correct formats (`{% load formats %}`); see core/formats.py.

{{ amount|money:"CNY" }}            {% money_range c.budget_min c.budget_max c.currency %}
{{ count|number }}                  {{ when|datetime_tz }}     {{ day|date_local }}
{{ names|list_join }}               {{ names|list_join:"unit" }}
"""

from __future__ import annotations

from django import template

from core import formats

register = template.Library()


@register.filter
def number(value, digits: int = 0) -> str:
    try:
        return formats.format_number(value, digits=int(digits))
    except (TypeError, ValueError, ArithmeticError):
        return str(value)


@register.filter
def money(value, currency: str = "") -> str:
    try:
        return formats.format_money(value, str(currency or ""))
    except (TypeError, ValueError, ArithmeticError):
        return str(value)


@register.simple_tag
def money_range(low, high, currency) -> str:
    try:
        return formats.format_money_range(low, high, str(currency or ""))
    except (TypeError, ValueError, ArithmeticError):
        return f"{low} – {high} {currency}"


@register.filter
def datetime_tz(value, seconds: bool = False) -> str:
    try:
        return formats.format_datetime(value, seconds=bool(seconds))
    except (TypeError, ValueError, AttributeError):
        return str(value)


@register.filter
def date_local(value) -> str:
    try:
        return formats.format_date(value)
    except (TypeError, ValueError, AttributeError):
        return str(value)


@register.filter
def list_join(items, style: str = "standard") -> str:
    try:
        return formats.format_list(items, style=style or "standard")
    except (TypeError, ValueError):
        return ", ".join(str(i) for i in items)
