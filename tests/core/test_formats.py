"""Locale-correct formats: a budget range, a date-time with its zone and a list, per language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from core import formats

WHEN = dt.datetime(2026, 3, 31, 9, 30, tzinfo=dt.UTC)  # 17:30 in Asia/Shanghai

# language -> (budget range 500,000–2,000,000 CNY, date-time at 17:30 Beijing, a list of three)
EXPECTED = {
    "en": ("CNY\xa0500,000 – 2,000,000", "Mar 31, 2026, 5:30\u202fPM GMT+08:00", "A, B, and C"),
    "zh-hans": ("CNY\xa0500,000 – 2,000,000", "2026年3月31日 17:30 GMT+08:00", "A、B和C"),
    "vi": ("500.000 – 2.000.000\xa0CNY", "17:30 31 thg 3, 2026 GMT+08:00", "A, B và C"),
    "th": ("CNY\xa0500,000 – 2,000,000", "31 มี.ค. 2026 17:30 น. GMT+08:00", "A B และC"),
    "id": ("CNY\xa0500.000 – 2.000.000", "31 Mar 2026 17.30 GMT+08:00", "A, B, dan C"),
    "ms": ("CNY\xa0500,000 – 2,000,000", "31 Mac 2026, 5:30\u202fPTG GMT+08:00", "A, B dan C"),
    "km": ("500,000 – 2,000,000\xa0CNY", "31 មីនា 2026, 5:30 PM ម៉ោង\u200bសកល +08:00", "A, B និង C"),
    "lo": ("CNY\xa0500.000 – 2.000.000", "31 ມ.ນ. 2026, 17:30 GMT+08:00", "A, B, C"),
    "my": ("500,000 – 2,000,000\xa0CNY", "2026 မတ် 31 17:30 GMT+08:00", "A၊ B နှင့် C"),
    "fil": ("CNY\xa0500,000 – 2,000,000", "Mar 31, 2026, 5:30\u202fPM GMT+08:00", "A, B, at C"),
    "pt": ("500\xa0000 – 2\xa0000\xa0000\xa0CNY", "31/03/2026, 17:30 +08:00 GMT", "A, B e C"),
}


def test_every_ui_language_has_expected_formats():
    assert set(EXPECTED) == {code for code, _ in settings.LANGUAGES}


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_budget_range_date_with_zone_and_list_per_language(language):
    budget, when, listed = EXPECTED[language]
    low, high = Decimal("500000"), Decimal("2000000")
    assert formats.format_money_range(low, high, "CNY", language=language) == budget
    assert formats.format_datetime(WHEN, language=language) == when
    assert formats.format_list(["A", "B", "C"], language=language) == listed


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_template_filters_follow_the_active_language(language):
    template = Template(
        "{% load formats %}{% money_range low high 'CNY' %}|{{ when|datetime_tz }}|{{ items|list_join }}"
    )
    with translation.override(language):
        text = template.render(
            Context({"low": 500000, "high": 2000000, "when": WHEN, "items": ["A", "B", "C"]})
        )
    assert text.split("|") == list(EXPECTED[language])


def test_reader_time_zone_is_named():
    import zoneinfo

    bangkok = zoneinfo.ZoneInfo("Asia/Bangkok")
    assert (
        formats.format_datetime(WHEN, language="en", tz=bangkok)
        == "Mar 31, 2026, 4:30\u202fPM GMT+07:00"
    )


def test_money_keeps_cents_only_when_there_are_any_and_handles_missing_values():
    assert formats.format_money(Decimal("1234.50"), "USD", language="vi") == "1.234,50\xa0USD"
    assert formats.format_money(Decimal("1234.00"), "USD", language="en") == "USD\xa01,234"
    assert formats.format_money(None, "USD", language="en") == "—"
    assert formats.format_money_range(None, Decimal("300000"), "USD", language="en") == (
        "USD\xa0300,000"
    )
    assert formats.format_money_range(None, None, "USD") == "—"
    assert formats.format_list([], language="en") == "—"


def test_bad_values_in_templates_do_not_fail_the_page():
    template = Template("{% load formats %}{{ x|money:'CNY' }}|{{ x|datetime_tz }}|{{ x|number }}")
    assert (
        template.render(Context({"x": "not a number"})) == "not a number|not a number|not a number"
    )


def test_iso_strings_from_stored_reports_are_formatted():
    assert formats.format_date("2026-03-31", language="vi") == "31 thg 3, 2026"
    assert formats.format_datetime("2026-03-31T09:30:00+00:00", language="zh-hans") == (
        "2026年3月31日 17:30 GMT+08:00"
    )
    assert formats.format_date("", language="en") == "—"
