"""The formats reach the pages and e-mails: a challenge's budget range and deadline per language."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from core import formats
from tests.challenges.factories import listed_challenge

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "budget"),
    [
        ("zh-hans", "CNY\xa0500,000 – 2,000,000"),  # issue 13: "500000 – 2000000 CNY" before
        ("vi", "500.000 – 2.000.000\xa0CNY"),
        ("pt", "500\xa0000 – 2\xa0000\xa0000\xa0CNY"),
    ],
)
def test_challenge_page_shows_budget_and_deadline_in_the_readers_format(client, language, budget):
    challenge = listed_challenge(
        budget_min=Decimal("500000"), budget_max=Decimal("2000000"), currency="CNY"
    )
    client.cookies["django_language"] = language
    page = client.get(reverse("challenges:detail", args=[challenge.pk])).content.decode()
    assert budget in page
    assert formats.format_datetime(challenge.deadline, language=language) in page


def test_listing_card_shows_the_budget_in_the_readers_format(client):
    listed_challenge(budget_min=Decimal("500000"), budget_max=Decimal("2000000"), currency="CNY")
    client.cookies["django_language"] = "vi"
    page = client.get(reverse("challenges:list")).content.decode()
    assert "2.000.000\xa0CNY" in page


def test_email_dates_and_lists_follow_the_recipients_language():
    import datetime as dt

    from django.utils import translation

    from notifications.events import as_datetime, get_event
    from notifications.rendering import _Values

    when = dt.datetime(2026, 3, 31, 9, 30, tzinfo=dt.UTC).isoformat()
    with translation.override("zh-hans"):
        assert as_datetime(when) == "2026年3月31日 17:30 GMT+08:00"
        values = _Values(get_event("challenge.deadline_reminder"), {"x": ["甲", "乙", "丙"]})
        assert values["x"] == "甲、乙和丙"
