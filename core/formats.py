"""Locale-correct numbers, money, dates with time zone and lists, in the reader's language.

One place for every format the portal shows (pages, e-mails, exports, PDFs):
the CLDR data of Babel, for the active Django language (or the one given).
Templates use the filters of `core/templatetags/formats.py`; Python code
(e-mail contexts, exports, documents) calls these functions.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import lists as babel_lists
from babel import numbers as babel_numbers
from django.conf import settings
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime

# Django language code -> CLDR locale. Simplified Chinese as written in China,
# Portuguese as in Timor-Leste (the programme's Portuguese-speaking member).
_CLDR = {"zh-hans": "zh_Hans_CN", "pt": "pt_TL", "en": "en"}

Number = int | float | Decimal


@lru_cache(maxsize=32)
def _locale(language: str) -> Locale:
    code = _CLDR.get(language, language.replace("-", "_"))
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(_CLDR.get(settings.LANGUAGE_CODE, "en"))


def babel_locale(language: str | None = None) -> Locale:
    """The CLDR locale of `language` (default: the active language)."""
    return _locale((language or translation.get_language() or settings.LANGUAGE_CODE).lower())


def format_number(value: Number | None, *, language: str | None = None, digits: int = 0) -> str:
    """1234567 -> "1,234,567" (en), "1.234.567" (vi, id), "1 234 567" (pt); "—" for None."""
    if value is None or value == "":
        return "—"
    fmt = "#,##0" + ("." + "0" * digits if digits else "")
    return babel_numbers.format_decimal(
        value, format=fmt, locale=babel_locale(language), decimal_quantization=True
    )


def _amount(value: Number, locale: Locale) -> str:
    # Whole amounts without decimals ("500,000"), others with two ("1,234.50").
    digits = 0 if Decimal(str(value)) == Decimal(str(value)).to_integral_value() else 2
    fmt = "#,##0" + (".00" if digits else "")
    return babel_numbers.format_decimal(value, format=fmt, locale=locale)


def _code_first(locale: Locale) -> bool:
    """Whether the locale writes the currency before the amount ("CN¥500" vs "500 CN¥")."""
    pattern = locale.currency_formats["standard"].pattern
    return pattern.lstrip("\u200e\u200f").startswith("¤")


def format_money(value: Number | None, currency: str, *, language: str | None = None) -> str:
    """An amount with its ISO currency code where the locale puts the currency: "CNY 500,000"."""
    if value is None or value == "":
        return "—"
    locale = babel_locale(language)
    amount = _amount(value, locale)
    return f"{currency}\u00a0{amount}" if _code_first(locale) else f"{amount}\u00a0{currency}"


def format_money_range(
    low: Number | None, high: Number | None, currency: str, *, language: str | None = None
) -> str:
    """A budget range, e.g. "500,000 – 2,000,000 CNY"; one end alone when the other is unset."""
    if low is None and high is None:
        return "—"
    if low is None or high is None or low == high:
        return format_money(low if high is None else high, currency, language=language)
    locale = babel_locale(language)
    span = f"{_amount(low, locale)} – {_amount(high, locale)}"
    return f"{currency}\u00a0{span}" if _code_first(locale) else f"{span}\u00a0{currency}"


def _zone(tz: dt.tzinfo | None) -> dt.tzinfo:
    return tz or timezone.get_current_timezone()


def format_datetime(
    value: dt.datetime | None,
    *,
    language: str | None = None,
    tz: dt.tzinfo | None = None,
    seconds: bool = False,
) -> str:
    """Date and time in the reader's time zone, always naming it: "Mar 31, 2026, 17:30 GMT+08:00"."""
    if isinstance(value, str):  # an ISO date-time stored in JSON; other text as it is
        if not value:
            return "—"
        parsed = parse_datetime(value)
        if parsed is None:
            return value
        value = parsed
    if value is None:
        return "—"
    locale = babel_locale(language)
    zone = _zone(tz)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, zone)
    local = value.astimezone(zone)
    time_pattern = locale.time_formats["medium" if seconds else "short"].pattern
    date_pattern = locale.date_formats["medium"].pattern
    glue = locale.datetime_formats["medium"]
    pattern = glue.replace("{1}", date_pattern).replace("{0}", time_pattern)
    text = babel_dates.format_datetime(local, pattern, tzinfo=zone, locale=locale)
    return f"{text} {babel_dates.get_timezone_gmt(local, width='long', locale=locale)}"


def format_date(value: dt.date | dt.datetime | None, *, language: str | None = None) -> str:
    """A date alone, e.g. "Mar 31, 2026" (en), "2026年3月31日" (zh-hans)."""
    if isinstance(value, str):  # an ISO date stored in JSON (reports, e-mail contexts)
        if not value:
            return "—"
        parsed = parse_datetime(value) or parse_date(value)
        if parsed is None:
            return value
        value = parsed
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return babel_dates.format_date(value, "medium", locale=babel_locale(language))


def format_list(items, *, language: str | None = None, style: str = "standard") -> str:
    """Items joined the way the language joins them: "a, b and c", "a、b和c"; "—" if empty."""
    texts = [str(i) for i in items if i is not None and str(i) != ""]
    if not texts:
        return "—"
    return babel_lists.format_list(texts, style=style, locale=babel_locale(language))
