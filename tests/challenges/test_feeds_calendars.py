"""RSS/Atom feeds of new challenges and .ics calendars, read back with feedparser and icalendar."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from challenges import lifecycle
from challenges.calendars import question_deadline_of
from challenges.models import Challenge, ChallengeTransition
from challenges.search import update_search_vector
from tests.challenges.factories import ChallengeFactory, listed_challenge
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def thai_organization():
    """One Thai institute per test (its registration number is unique)."""
    return OrganizationFactory(
        asean=True,
        capabilities=True,
        country="TH",
        registry="th_juristic",
        registration_number="0994000617721",
    )


def _listed(*, title: str, country: str = "VN", sector: str = "agriculture", **kwargs):
    organization = kwargs.pop("organization", None)
    if organization is None:
        organization = OrganizationFactory(asean=True, capabilities=True, country=country)
    challenge = listed_challenge(organization=organization, title=title, sector=sector, **kwargs)
    update_search_vector(challenge.pk)
    return challenge


@pytest.fixture
def three(operator):
    thai = thai_organization()
    rice = _listed(title="Rice blast detection", organization=thai, sector="agriculture")
    flood = _listed(title="Flood warning for Mekong towns", country="VN", sector="disaster_warning")
    clinic = _listed(title="Clinic triage assistant", organization=thai, sector="health")
    Challenge.objects.filter(pk=rice.pk).update(published_at=timezone.now() - dt.timedelta(days=2))
    rice.refresh_from_db()
    return rice, flood, clinic


def _feed(client, kind: str, query: str = ""):
    response = client.get(reverse(f"challenges:feed_{kind}") + query)
    assert response.status_code == 200
    return response, feedparser.parse(response.content)


def test_rss_feed_lists_new_challenges_newest_first(client, three):
    rice, flood, clinic = three
    draft = ChallengeFactory(title="Unpublished draft")
    response, feed = _feed(client, "rss")
    assert response["Content-Type"].startswith("application/rss+xml")
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "rss20"
    titles = [entry.title for entry in feed.entries]
    assert titles[-1] == rice.title  # published two days earlier than the others
    assert set(titles) == {rice.title, flood.title, clinic.title}
    assert draft.title not in titles
    entry = next(e for e in feed.entries if e.title == flood.title)
    assert entry.link == "http://testserver" + flood.get_absolute_url()
    assert entry.published_parsed is not None
    assert "Vietnam" in [tag.term for tag in entry.tags]


def test_atom_feed_is_valid_and_carries_dates_and_authors(client, three):
    rice, _flood, _clinic = three
    response, feed = _feed(client, "atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    entry = next(e for e in feed.entries if e.title == rice.title)
    assert entry.author == rice.organization.legal_name
    published = dt.datetime(*entry.published_parsed[:6], tzinfo=dt.UTC)
    assert abs(published - rice.published_at.astimezone(dt.UTC)) < dt.timedelta(seconds=1)


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feed_applies_the_listing_filters(client, three, kind):
    rice, flood, clinic = three
    _response, feed = _feed(client, kind, "?country=TH&sector=agriculture")
    assert [e.title for e in feed.entries] == [rice.title]
    assert "Thailand" in feed.feed.title and "Agriculture" in feed.feed.title
    _response, feed = _feed(client, kind, "?q=triage")
    assert [e.title for e in feed.entries] == [clinic.title]
    _response, feed = _feed(client, kind, "?country=TH")
    assert {e.title for e in feed.entries} == {rice.title, clinic.title}
    assert flood.title not in {e.title for e in feed.entries}


def test_feed_ignores_an_invalid_filter_and_keeps_the_valid_ones(client, three):
    rice, _flood, clinic = three
    _response, feed = _feed(client, "rss", "?country=TH&sector=not-a-sector&deadline_before=x")
    assert {e.title for e in feed.entries} == {rice.title, clinic.title}


def test_feed_is_in_the_readers_language(client, three):
    response = client.get(reverse("challenges:feed_rss"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    feed = feedparser.parse(response.content)
    assert feed.feed.language == "zh-hans"


def test_feed_query_count_does_not_grow(client, operator, django_assert_max_num_queries):
    for index in range(3):
        _listed(title=f"Challenge {index}")
    with django_assert_max_num_queries(3):
        client.get(reverse("challenges:feed_rss"))
    for index in range(3, 12):
        _listed(title=f"Challenge {index}")
    with django_assert_max_num_queries(3):
        _response, feed = _feed(client, "atom")
    assert len(feed.entries) == 12


def test_listing_links_its_feeds_with_its_filters(client, three):
    response = client.get(reverse("challenges:list") + "?country=TH&sector=agriculture&page=1")
    html = response.content.decode()
    rss = reverse("challenges:feed_rss") + "?sector=agriculture&amp;country=TH"
    assert '<link rel="alternate" type="application/rss+xml"' in html
    assert f'href="{rss}"' in html
    assert reverse("challenges:feed_atom") + "?sector=agriculture&amp;country=TH" in html
    assert reverse("challenges:calendar") + "?sector=agriculture&amp;country=TH" in html
    assert ">RSS feed</a>" in html and ">Atom feed</a>" in html


# --------------------------------------------------------------------------- calendars
def _calendar(client, url: str) -> Calendar:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"].startswith("attachment;")
    return Calendar.from_ical(response.content)


def _events(calendar: Calendar) -> list:
    return list(calendar.walk("VEVENT"))


def test_challenge_calendar_has_the_deadline_with_its_time_zone(client, operator):
    challenge = _listed(title="Rice blast detection")
    calendar = _calendar(client, reverse("challenges:challenge_calendar", args=[challenge.pk]))
    events = _events(calendar)
    assert len(events) == 1
    event = events[0]
    assert str(event["summary"]) == "Bidding deadline: Rice blast detection"
    start = event.decoded("dtstart")
    assert start.tzinfo is not None and start.utcoffset() == dt.timedelta(hours=8)
    assert start == challenge.deadline.replace(microsecond=0)
    assert str(event["url"]).endswith(challenge.get_absolute_url())
    assert str(event["uid"]).startswith(f"challenge-{challenge.pk}-deadline@")
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    assert event["dtstart"].params["TZID"] == "Asia/Shanghai"


def test_challenge_calendar_adds_the_decision_date_once_set(client, operator):
    challenge = _listed(title="Rice blast detection")
    decided = timezone.now().replace(microsecond=0) - dt.timedelta(days=1)
    ChallengeTransition.objects.create(
        challenge=challenge,
        action="assign_lead",
        from_state="evaluation",
        to_state="lead_assigned",
        at=decided,
    )
    calendar = _calendar(client, reverse("challenges:challenge_calendar", args=[challenge.pk]))
    by_summary = {str(e["summary"]): e for e in _events(calendar)}
    assert set(by_summary) == {
        "Bidding deadline: Rice blast detection",
        "Lead decided: Rice blast detection",
    }
    assert by_summary["Lead decided: Rice blast detection"].decoded("dtstart") == decided


def test_question_deadline_is_read_when_the_challenge_has_one():
    challenge = Challenge(title="x")
    assert question_deadline_of(challenge) is None
    moment = timezone.now()
    challenge.question_deadline = moment
    assert question_deadline_of(challenge) == moment


def test_challenge_calendar_of_a_draft_is_404_for_strangers(client, outsider, client_for):
    draft = ChallengeFactory()
    url = reverse("challenges:challenge_calendar", args=[draft.pk])
    assert client.get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 404


def test_listing_calendar_applies_the_filters(client, three):
    rice, flood, clinic = three
    calendar = _calendar(client, reverse("challenges:calendar") + "?country=TH")
    summaries = {str(e["summary"]) for e in _events(calendar)}
    assert summaries == {f"Bidding deadline: {rice.title}", f"Bidding deadline: {clinic.title}"}
    calendar = _calendar(client, reverse("challenges:calendar") + "?q=flood")
    assert [str(e["summary"]) for e in _events(calendar)] == [f"Bidding deadline: {flood.title}"]


def test_listing_calendar_is_translated(client, three):
    response = client.get(reverse("challenges:calendar"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    calendar = Calendar.from_ical(response.content)
    assert calendar["x-wr-language"] == "zh-hans"


def test_listing_calendar_query_count_does_not_grow(
    client, operator, django_assert_max_num_queries
):
    _listed(title="First")
    with django_assert_max_num_queries(3):
        client.get(reverse("challenges:calendar"))
    for index in range(8):
        _listed(title=f"More {index}")
    with django_assert_max_num_queries(3):
        calendar = _calendar(client, reverse("challenges:calendar"))
    assert len(_events(calendar)) == 9


def test_cancelled_challenge_leaves_the_feed(client, operator):
    challenge = _listed(title="To be cancelled")
    lifecycle.transition_challenge(challenge, "cancel", by=operator, reason="No budget.")
    _response, feed = _feed(client, "rss")
    assert challenge.title not in [e.title for e in feed.entries]
