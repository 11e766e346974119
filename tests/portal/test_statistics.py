"""Programme statistics (public) and the operator dashboard: numbers, charts with their data
tables, languages, permissions and constant query counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from challenges import lifecycle
from challenges.enums import ChallengeState
from challenges.models import Challenge
from challenges.selectors.statistics import challenge_statistics
from evaluation import services
from evaluation.selectors.statistics import review_progress
from portal import charts
from tests.challenges.factories import ChallengeFactory, listed_challenge, submitted_bid
from tests.evaluation.conftest import assign, build_scenario, review
from tests.factories import OrganizationFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(operator):
    """Two listed challenges (Viet Nam, Thailand), one in evaluation with two bids, a draft
    and one awaiting vetting."""
    scenario = build_scenario(operator=operator)
    thai = OrganizationFactory(
        asean=True,
        capabilities=True,
        country="TH",
        registry="th_juristic",
        registration_number="0994000617721",
    )
    health = listed_challenge(
        organization=thai,
        title="Clinic triage assistant",
        sector="health",
        cooperation_modes=["personnel_training"],
    )
    ChallengeFactory(title="A private draft")
    waiting = ChallengeFactory(title="Awaiting vetting")
    Challenge.objects.filter(pk=waiting.pk).update(state=ChallengeState.SUBMITTED)
    return scenario, health


def test_public_statistics_count_only_public_challenges(programme):
    stats = challenge_statistics(public=True)
    assert stats.total == 2
    assert stats.by_country == {"VN": 1, "TH": 1}
    assert stats.by_sector == {"agriculture": 1, "health": 1}
    assert stats.by_mode == {
        "collaborative_rnd": 1,
        "technology_transfer": 1,
        "personnel_training": 1,
    }
    assert stats.by_state == {"evaluation": 1, "listed": 1}
    assert stats.bids_total == 2
    # Of the challenges whose bidding closed, one received two bids.
    assert dict(stats.bids_histogram) == {0: 0, 1: 0, 2: 1, 3: 0, 4: 0, 5: 0}
    assert dict(stats.funnel) == {
        "posted": 2,
        "listed": 2,
        "evaluated": 1,
        "lead_assigned": 0,
        "validated": 0,
    }
    everything = challenge_statistics(public=False)
    assert everything.total == 3 and everything.by_state["submitted"] == 1


def test_statistics_page_draws_each_chart_with_its_table(programme, client):
    response = client.get(reverse("statistics"))
    html = response.content.decode()
    svgs = re.findall(r"<svg [^>]*role=\"img\"[^>]*>", html)
    assert len(svgs) == 7  # funnel, stage, country, sector, mode, bids, timeline
    for chart_id in ("funnel", "by-stage", "by-country", "by-sector", "by-mode", "bids"):
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in html
        assert f'<title id="{chart_id}-title">' in html
        assert "Data of the chart:" in html
    assert '<th scope="row">Thailand</th><td class="num">1</td>' in html
    assert '<th scope="row">Submitted for vetting</th><td class="num">2 (100 %)</td>' in html
    assert '<th scope="row">Evaluated</th><td class="num">1 (50 %)</td>' in html
    assert "A private draft" not in html and "Awaiting vetting" not in html
    assert "cdn" not in html.lower() and '<script src="http' not in html


def test_statistics_timeline_lists_upcoming_deadlines(programme, client):
    _scenario, health = programme
    html = client.get(reverse("statistics")).content.decode()
    timeline = html[html.index('id="timeline-h"') :]
    assert "Bidding deadline" in timeline
    assert f'href="{health.get_absolute_url()}">{health.title}</a>' in timeline


def test_statistics_page_is_in_the_readers_language(programme, client):
    html = client.get(reverse("statistics"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "泰国" in html  # Thailand, named in Chinese (in the chart and its table)
    assert "越南" in html


def test_numbers_are_formatted_for_the_locale():
    with translation.override("en"):
        assert charts.number(12345) == "12,345"
    with translation.override("id"):
        assert charts.number(12345) == "12.345"
    with translation.override("pt"):
        assert charts.number(1234567) == "1.234.567"
    with translation.override("en"):
        assert charts.percent(1, 3) == "33 %"
        assert charts.percent(0, 0) == "0 %"


def test_statistics_page_query_count_does_not_grow(
    programme, client, operator, django_assert_max_num_queries
):
    from django.core.cache import cache

    with django_assert_max_num_queries(20) as first:
        client.get(reverse("statistics"))
    for index in range(4):
        listed_challenge(title=f"More {index}")
    cache.clear()
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("statistics"))


def test_statistics_are_cached_briefly(programme, client, django_assert_max_num_queries):
    client.get(reverse("statistics"))
    with django_assert_max_num_queries(2):  # the session and nothing else
        client.get(reverse("statistics"))


# --------------------------------------------------------------------------- charts
def test_charts_escape_labels_and_name_themselves():
    svg = charts.bar_chart(
        chart_id="x", title="T <b>", desc="D & d", items=[("<script>alert(1)</script>", 3)]
    )
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert '<title id="x-title">T &lt;b&gt;</title>' in svg
    assert '<desc id="x-desc">D &amp; d</desc>' in svg
    assert 'role="img"' in svg


def test_empty_charts_say_so():
    assert "No data yet." in charts.bar_chart(chart_id="e", title="t", desc="d", items=[])
    now = timezone.now()
    timeline = charts.timeline_chart(
        chart_id="t",
        title="t",
        desc="d",
        points=[],
        kinds={"deadline": ("primary", "Deadline")},
        start=now - dt.timedelta(days=3),
        end=now + dt.timedelta(days=60),
        now=now,
    )
    assert "Nothing in this period." in timeline and "today" in timeline


# --------------------------------------------------------------------------- the operator dashboard
def test_review_progress_counts_expected_and_submitted_reviews(operator):
    s = build_scenario(operator=operator)  # two bids under review
    services.panel_create(challenge=s.challenge, by=operator)
    first, second = assign(s), assign(s)
    assign(s, ReviewerFactory(is_active=True))  # a third reviewer, no review yet
    review(first, s.bids[0], 8)
    review(first, s.bids[1], 6)
    review(second, s.bids[0], 7, submit=False)  # a draft does not count
    services.conflict_declare(
        assignment=second,
        bid=s.bids[1],
        has_conflict=True,
        explanation="Former employer.",
        by=second.reviewer,
    )
    [progress] = review_progress()
    assert (progress.bids, progress.reviewers, progress.conflicts) == (2, 3, 1)
    assert progress.expected == 5  # 3 reviewers × 2 bids − 1 conflict
    assert progress.submitted == 2
    assert progress.percent == 40


def test_operator_dashboard_shows_progress_bars_and_bids(operator, client_for):
    s = build_scenario(operator=operator)
    services.panel_create(challenge=s.challenge, by=operator)
    seat = assign(s)
    review(seat, s.bids[0], 8)
    listed = listed_challenge(title="Open for bids now")
    submitted_bid(listed)
    html = client_for(operator).get(reverse("operator_dashboard")).content.decode()
    assert '<progress max="100" value="50"' in html
    assert "1 of 2 reviews (50 %)" in html
    row = html[html.index(f'href="{listed.get_absolute_url()}">Open for bids now</a>') :]
    assert '<td class="num">1</td>' in row[:600]
    assert html.count('role="img"') >= 7


def test_operator_dashboard_is_for_operators_only(client, client_for, owner, reviewer):
    url = reverse("operator_dashboard")
    assert client.get(url).status_code == 302
    assert client_for(owner).get(url).status_code == 404
    assert client_for(reviewer).get(url).status_code == 404


def test_operator_dashboard_query_count_does_not_grow(
    operator, client_for, django_assert_max_num_queries
):
    client = client_for(operator)
    s = build_scenario(operator=operator)
    services.panel_create(challenge=s.challenge, by=operator)
    with django_assert_max_num_queries(30) as first:
        client.get(reverse("operator_dashboard"))
    for _index in range(2):
        more = build_scenario(operator=operator)
        services.panel_create(challenge=more.challenge, by=operator)
        review(assign(more), more.bids[0], 5)
        lifecycle.transition_challenge(listed_challenge(), "cancel", by=operator, reason="x")
    with django_assert_max_num_queries(len(first.captured_queries)):
        html = client.get(reverse("operator_dashboard")).content.decode()
    assert html.count("<progress") == 3
