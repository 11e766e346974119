"""The programme office's spreadsheet of reviews: operators only, read back as CSV and XLSX,
a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.challenges.test_exports import read_csv, read_xlsx
from tests.factories import ReviewerFactory

from .conftest import assign, review

pytestmark = pytest.mark.django_db


def test_reviews_export_lists_each_review_with_total_and_scores(scenario, client_for, operator):
    seat = assign(scenario, ReviewerFactory(full_name="Rosa Reviewer"))
    review(seat, scenario.bids[0], 9, comment="Strong.", overall="+Solid plan")
    review(seat, scenario.bids[1], 4, submit=False)
    response = client_for(operator).get(reverse("evaluation:reviews_export", args=["csv"]))
    rows = {int(r["Bid"]): r for r in read_csv(response)}
    submitted, draft = rows[scenario.bids[0].pk], rows[scenario.bids[1].pk]
    assert submitted["Reviewer"] == "Rosa Reviewer"
    assert submitted["Review state"] == "Submitted"
    assert float(submitted["Total (0–100)"]) == 90.0
    assert ": 9" in submitted["Scores"]
    assert submitted["Overall comment"] == "'+Solid plan"
    assert draft["Review state"] == "Draft" and draft["Total (0–100)"] == ""
    xlsx = read_xlsx(client_for(operator).get(reverse("evaluation:reviews_export", args=["xlsx"])))
    assert sorted(r["Bid"] for r in xlsx) == sorted(rows)


def test_reviews_export_is_a_404_for_reviewers_and_members(scenario, client_for):
    seat = assign(scenario)
    url = reverse("evaluation:reviews_export", args=["csv"])
    assert client_for(seat.reviewer).get(url).status_code == 404
    assert client_for(scenario.demand_owner).get(url).status_code == 404


def test_reviews_export_query_count_is_constant(scenario, client_for, operator):
    client = client_for(operator)
    url = reverse("evaluation:reviews_export", args=["xlsx"])
    first = assign(scenario)
    review(first, scenario.bids[0], 7)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(3):
        seat = assign(scenario)
        review(seat, scenario.bids[0], 8)
        review(seat, scenario.bids[1], 6)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(read_xlsx(response)) == 7
    assert len(many) == len(few)
