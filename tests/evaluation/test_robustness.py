"""Odd input never produces a server error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from evaluation.models import Decision, Review

from .conftest import assign

pytestmark = pytest.mark.django_db


def test_garbage_ids_and_posts_in_the_review_panel(client_for, reviewer_a, scenario):
    assign(scenario, reviewer_a)
    c = client_for(reviewer_a)
    for url in (
        "/review/evaluation/bidtoreview/abc/change/",
        "/review/evaluation/bidtoreview/-1/change/",
        "/review/evaluation/bidtoreview/99999999999999999999/change/",
        "/review/evaluation/reviewerassignment/%00/change/",
        "/review/evaluation/bidtoreview/?challenge=abc",
        "/review/evaluation/bidtoreview/?o=99",
        "/review/nonsense/",
    ):
        assert c.get(url).status_code < 500, url
    bid_url = reverse("review:evaluation_bidtoreview_change", args=[scenario.bids[0].pk])
    for data in (
        {},
        {"action": "nonsense"},
        {"action": "declare"},
        {"action": "declare", "coi-has_conflict": "maybe"},
        {"action": "submit", "score_1": "1e9"},
        {"action": "late_conflict"},
    ):
        assert c.post(bid_url, data).status_code < 500, data
    assert not Review.objects.exists()


def test_garbage_posts_on_operator_pages(client_for, operator, scenario):
    c = client_for(operator)
    pk = scenario.challenge.pk
    for url, data in (
        (
            reverse("evaluation:decide", args=[pk]),
            {"bid": "x", "rationale": "y" * 30, "confirm": "yes"},
        ),
        (
            reverse("evaluation:decide", args=[pk]),
            {"bid": 999999, "rationale": "y" * 30, "confirm": "yes"},
        ),
        (reverse("evaluation:rubric", args=[pk]), {"criteria-TOTAL_FORMS": "x"}),
        (reverse("evaluation:rubric", args=[pk]), {}),
        (reverse("evaluation:reviewer_assign", args=[pk]), {"reviewer": "x"}),
        (reverse("evaluation:reviewer_invite", args=[pk]), {"email": "not an address"}),
        (reverse("evaluation:reviewer_remove", args=[pk, 999999]), {}),
        (reverse("evaluation:operator_challenge", args=[999999]), {}),
    ):
        assert c.post(url, data).status_code < 500, (url, data)
    assert not Decision.objects.exists()
