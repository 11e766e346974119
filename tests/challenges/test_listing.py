"""The public listing: search, filters, sort, pagination, empty state and query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from challenges.enums import ChallengeState
from challenges.models import Challenge
from challenges.search import update_search_vector
from tests.factories import OrganizationFactory

from .factories import ChallengeFactory

pytestmark = pytest.mark.django_db


def make_listed(**kwargs) -> Challenge:
    challenge = ChallengeFactory(**kwargs)
    Challenge.objects.filter(pk=challenge.pk).update(
        state=ChallengeState.LISTED, published_at=timezone.now()
    )
    update_search_vector(challenge.pk)
    challenge.refresh_from_db()
    return challenge


def titles(response) -> list[str]:
    return [c.title for c in response.context["challenges"]]


@pytest.fixture
def catalogue(db):
    thai = OrganizationFactory(
        asean=True, country="TH", registry="th_juristic", registration_number="0994000617721"
    )
    rice = make_listed(
        title="Rice blast detection in the Mekong Delta",
        sector="agriculture",
        cooperation_modes=["collaborative_rnd"],
        deadline=timezone.now() + dt.timedelta(days=40),
    )
    flood = make_listed(
        title="Flood early warning for Jakarta",
        summary="Rivers overflow after rain upstream.",
        sector="disaster_warning",
        cooperation_modes=["technology_transfer"],
        deadline=timezone.now() + dt.timedelta(days=10),
    )
    speech = make_listed(
        organization=thai,
        title="Thai speech recognition for telemedicine",
        problem_statement="Transcribe dialect speech during telemedicine calls.",
        sector="language_technology",
        cooperation_modes=["personnel_training", "technology_licensing"],
        deadline=timezone.now() + dt.timedelta(days=20),
    )
    closed = make_listed(
        title="Port crane maintenance",
        sector="logistics",
        deadline=timezone.now() + dt.timedelta(days=5),
    )
    Challenge.objects.filter(pk=closed.pk).update(
        state=ChallengeState.EVALUATION, deadline=timezone.now() - dt.timedelta(days=1)
    )
    draft = ChallengeFactory(title="Secret draft about rice")
    return {"rice": rice, "flood": flood, "speech": speech, "closed": closed, "draft": draft}


def test_listing_shows_public_challenges_only_without_login(client, catalogue):
    response = client.get(reverse("challenges:list"))
    assert response.status_code == 200
    shown = titles(response)
    assert "Secret draft about rice" not in shown
    assert set(shown) == {c.title for k, c in catalogue.items() if k != "draft"}
    assert "4 challenges" in response.content.decode()


def test_listing_search_matches_title_summary_problem_and_scenario(client, catalogue):
    assert titles(client.get(reverse("challenges:list"), {"q": "rice"})) == [
        catalogue["rice"].title
    ]
    assert titles(client.get(reverse("challenges:list"), {"q": "rivers"})) == [
        catalogue["flood"].title
    ]
    assert titles(client.get(reverse("challenges:list"), {"q": "dialect telemedicine"})) == [
        catalogue["speech"].title
    ]
    assert titles(
        client.get(reverse("challenges:list"), {"q": "Can Tho cooperatives"})
    )  # scenario text


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "TH"}, {"speech"}),
        ({"sector": "disaster_warning"}, {"flood"}),
        ({"mode": "personnel_training"}, {"speech"}),
        ({"mode": "collaborative_rnd"}, {"rice", "closed"}),
        ({"status": "open"}, {"rice", "flood", "speech"}),
        ({"status": "closed"}, {"closed"}),
        (
            {"deadline_before": (timezone.localdate() + dt.timedelta(days=15)).isoformat()},
            {"flood", "closed"},
        ),
    ],
)
def test_listing_filters(client, catalogue, params, expected):
    response = client.get(reverse("challenges:list"), params)
    assert set(titles(response)) == {catalogue[k].title for k in expected}


def test_listing_sorts_by_deadline_and_newest(client, catalogue):
    by_deadline = titles(
        client.get(reverse("challenges:list"), {"sort": "deadline", "status": "open"})
    )
    assert by_deadline == [catalogue[k].title for k in ("flood", "speech", "rice")]
    Challenge.objects.filter(pk=catalogue["rice"].pk).update(
        published_at=timezone.now() + dt.timedelta(hours=1)
    )
    assert (
        titles(client.get(reverse("challenges:list"), {"sort": "newest"}))[0]
        == catalogue["rice"].title
    )


def test_listing_empty_state_offers_to_clear_filters(client, catalogue):
    response = client.get(reverse("challenges:list"), {"q": "quantum blockchain"})
    page = response.content.decode()
    assert titles(response) == []
    assert "No challenge matches" in page and "Show all challenges" in page


def test_listing_bad_filter_values_do_not_crash(client, catalogue):
    response = client.get(
        reverse("challenges:list"),
        {"deadline_before": "not-a-date", "sector": "<script>", "page": "x"},
    )
    assert response.status_code == 200
    assert len(titles(response)) == 4


def test_listing_paginates_twelve_per_page(client):
    for i in range(14):
        make_listed(title=f"Challenge number {i:02d}")
    first = client.get(reverse("challenges:list"))
    second = client.get(reverse("challenges:list"), {"page": 2})
    assert len(titles(first)) == 12 and len(titles(second)) == 2
    assert "14 challenges" in first.content.decode()
    assert 'rel="next"' in first.content.decode()


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_listing_query_count_does_not_grow_with_challenges(client):
    make_listed()
    one = _count_queries(client, reverse("challenges:list"))
    for _ in range(29):
        make_listed()
    thirty = _count_queries(client, reverse("challenges:list"))
    assert one == thirty


def test_dashboard_query_count_does_not_grow_with_challenges(client_for):
    from entities.enums import MembershipRole
    from tests.factories import UserFactory, add_member

    first = ChallengeFactory()
    user = UserFactory()
    add_member(first.organization, user, MembershipRole.EDITOR)
    c = client_for(user)
    one = _count_queries(c, reverse("dashboard"))
    for _ in range(29):
        ChallengeFactory(organization=first.organization)
    thirty = _count_queries(c, reverse("dashboard"))
    assert one == thirty


@pytest.mark.postgres
def test_listing_uses_postgres_full_text_search_with_stemming(client, catalogue):
    # "warnings" matches "warning" only through the English stemmer of the tsvector.
    assert titles(client.get(reverse("challenges:list"), {"q": "warnings"})) == [
        catalogue["flood"].title
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'challenge_search_gin'")
        assert "gin" in cursor.fetchone()[0].lower()


def test_listing_one_invalid_filter_keeps_the_valid_ones(client, catalogue):
    response = client.get(
        reverse("challenges:list"), {"q": "flood", "deadline_before": "2025-13-45", "country": "FR"}
    )
    assert titles(response) == [catalogue["flood"].title]
    assert response.context["filter"].form.errors.keys() == {"deadline_before", "country"}
