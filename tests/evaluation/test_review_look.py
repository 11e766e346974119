"""The review site in the portal's look (issue 15, items 7 and 9): its lists are portal
pages (header, language switcher, pagination, empty states), not Django's change lists;
rule codes reach operators only."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from evaluation import services
from evaluation.admin import lists
from tests.factories import ReviewerFactory

from .conftest import assign, build_scenario

pytestmark = pytest.mark.django_db

LIST_URL = "/review/evaluation/bidtoreview/"
SEATS_URL = "/review/evaluation/reviewerassignment/"
RULE_CODE = re.compile(r"\b[A-Z]+_[A-Z_]{4,}\b")


def _portal_page(html: str) -> None:
    """The portal's shell, not Django's admin."""
    assert 'id="language-select"' in html  # the portal's language switcher
    assert 'class="site-header"' in html and '<main id="main"' in html
    assert "admin/css" not in html and 'id="changelist"' not in html
    assert 'id="result_list"' not in html


def _visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_bid_list_is_a_portal_page_with_the_reviewers_bids_and_status(
    client_for, reviewer_a, scenario
):
    assign(scenario, reviewer_a)
    html = client_for(reviewer_a).get(LIST_URL).content.decode()
    _portal_page(html)
    assert "<h1>Bids to review</h1>" in html
    for bid in scenario.bids:
        assert reverse("review:evaluation_bidtoreview_change", args=[bid.pk]) in html
        assert bid.applicant.legal_name in html
    assert "Declare conflict of interest" in html and "review-status-todo" in html
    assert "2 bids" in html


def test_bid_list_filters_by_the_reviewers_own_challenges_only(
    client_for, operator, reviewer_a, scenario
):
    mine = build_scenario(operator=operator, bids=1)
    services.panel_create(challenge=mine.challenge, by=operator)
    services.reviewer_assign(challenge=mine.challenge, reviewer=reviewer_a, by=operator)
    other = build_scenario(operator=operator, bids=1)
    services.panel_create(challenge=other.challenge, by=operator)
    assign(scenario, reviewer_a)
    c = client_for(reviewer_a)
    html = c.get(LIST_URL).content.decode()
    assert '<label for="id_challenge">Challenge</label>' in html
    assert other.challenge.title not in html
    filtered = c.get(LIST_URL, {"challenge": mine.challenge.pk}).content.decode()
    assert mine.bids[0].applicant.legal_name in filtered
    assert scenario.bids[0].applicant.legal_name not in filtered
    assert "Show all bids" in filtered
    # Another reviewer's challenge, or nonsense: ignored, never a leak nor an error.
    for value in (other.challenge.pk, "abc", "-1", "9" * 30):
        response = c.get(LIST_URL, {"challenge": value, "page": "x"})
        assert response.status_code == 200
        body = response.content.decode()
        assert other.bids[0].applicant.legal_name not in body
        assert scenario.bids[0].applicant.legal_name in body


def test_bid_list_paginates(client_for, reviewer_a, scenario, monkeypatch):
    monkeypatch.setattr(lists, "PER_PAGE", 1)
    assign(scenario, reviewer_a)
    c = client_for(reviewer_a)
    first = c.get(LIST_URL).content.decode()
    second = c.get(LIST_URL, {"page": 2}).content.decode()
    assert 'class="pagination"' in first and 'rel="next"' in first
    a, b = sorted(scenario.bids, key=lambda bid: (bid.submitted_at, bid.pk))
    assert a.applicant.legal_name in first and b.applicant.legal_name not in first
    assert b.applicant.legal_name in second and 'rel="prev"' in second


def test_lists_have_empty_states(client_for, reviewer_a):
    c = client_for(reviewer_a)
    bids = c.get(LIST_URL).content.decode()
    _portal_page(bids)
    assert "No bids to review" in bids
    seats = c.get(SEATS_URL).content.decode()
    _portal_page(seats)
    assert "No review panels" in seats


def test_panel_list_is_a_portal_page_with_progress(client_for, reviewer_a, scenario):
    seat = assign(scenario, reviewer_a)
    html = client_for(reviewer_a).get(SEATS_URL).content.decode()
    _portal_page(html)
    assert "<h1>Your review panels</h1>" in html
    assert reverse("review:evaluation_reviewerassignment_change", args=[seat.pk]) in html
    assert scenario.challenge.organization.legal_name in html
    assert "0 of 2 submitted" in html


def test_admin_app_index_and_logout_lead_to_portal_pages(client_for, reviewer_a):
    c = client_for(reviewer_a)
    assert c.get("/review/evaluation/")["Location"] == "/review/"
    assert c.get("/review/logout/")["Location"] == reverse("account_logout")


def _readable_bid_page(client, seat, bid, user) -> str:
    services.conflict_declare(assignment=seat, bid=bid, has_conflict=False, by=user)
    html = client.get(reverse("review:evaluation_bidtoreview_change", args=[bid.pk]))
    return html.content.decode()


def test_bid_review_page_shows_rule_codes_to_operators_only(client_for, operator, scenario):
    reviewer = ReviewerFactory()
    bid = scenario.bids[1]
    html = _readable_bid_page(client_for(reviewer), assign(scenario, reviewer), bid, reviewer)
    _portal_page(html)
    assert "Eligibility at submission" in html
    assert bid.eligibility_record.results[0]["title"] in html
    assert not RULE_CODE.search(_visible_text(html)), RULE_CODE.search(_visible_text(html))
    staff_reviewer = ReviewerFactory(is_staff=True)
    seat = assign(scenario, staff_reviewer)
    staff_html = _readable_bid_page(client_for(staff_reviewer), seat, bid, staff_reviewer)
    assert bid.eligibility_record.results[0]["code"] in _visible_text(staff_html)
