"""Operator pages: the evaluation index, rubric editing, the ranking table and its exports."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from challenges.enums import ChallengeState
from evaluation import selectors, services
from evaluation.models import Criterion

from .conftest import assign, build_scenario, review

pytestmark = pytest.mark.django_db


def rubric_data(rows, prefix="criteria", initial=None):
    """POST data for the rubric formset; rows are (id or None, name, weight, max, delete)."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(
            initial if initial is not None else sum(1 for r in rows if r[0])
        ),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "12",
    }
    for i, (pk, name, weight, maximum, delete) in enumerate(rows):
        data[f"{prefix}-{i}-id"] = str(pk or "")
        data[f"{prefix}-{i}-name"] = name
        data[f"{prefix}-{i}-guidance"] = f"Guidance for {name}"
        data[f"{prefix}-{i}-weight"] = str(weight)
        data[f"{prefix}-{i}-max_score"] = str(maximum)
        if delete:
            data[f"{prefix}-{i}-DELETE"] = "on"
    return data


# --------------------------------------------------------------------------- rubric
def test_rubric_edit_adds_removes_and_changes_criteria(client_for, operator, scenario):
    criteria = list(scenario.challenge.criteria.order_by("order"))
    rows = [(c.pk, c.name, c.weight, c.max_score, False) for c in criteria]
    rows[0] = (criteria[0].pk, "Technical excellence", 25, 20, False)
    rows[4] = (criteria[4].pk, criteria[4].name, 10, 10, True)  # removed
    rows.append((None, "Data protection", 15, 5, False))
    url = reverse("evaluation:rubric", args=[scenario.challenge.pk])
    response = client_for(operator).post(url, rubric_data(rows, initial=5))
    assert response.status_code == 302, response.content.decode()[:3000]
    saved = list(
        Criterion.objects.filter(challenge=scenario.challenge).values_list(
            "name", "weight", "max_score"
        )
    )
    assert saved == [
        ("Technical excellence", 25, 20),
        ("Team and capability", 20, 10),
        ("Feasibility and milestones", 20, 10),
        ("Fit with the demand scenario and data", 20, 10),
        ("Data protection", 15, 5),
    ]


@pytest.mark.parametrize("weights", [[30, 20, 20, 20, 20], [30, 20, 20, 20, 5]])
def test_rubric_weights_not_100_are_refused_and_nothing_changes(
    client_for, operator, scenario, weights
):
    criteria = list(scenario.challenge.criteria.order_by("order"))
    before = list(Criterion.objects.values_list("pk", "name", "weight"))
    rows = [(c.pk, c.name, w, c.max_score, False) for c, w in zip(criteria, weights, strict=True)]
    response = client_for(operator).post(
        reverse("evaluation:rubric", args=[scenario.challenge.pk]), rubric_data(rows)
    )
    assert response.status_code == 200
    assert f"they add up to {sum(weights)}" in response.content.decode()
    assert list(Criterion.objects.values_list("pk", "name", "weight")) == before
    with pytest.raises(ValidationError, match="add up to 100"):
        services.rubric_save(
            challenge=scenario.challenge,
            criteria=[
                {"id": c.pk, "name": c.name, "weight": w, "max_score": 10}
                for c, w in zip(criteria, weights, strict=True)
            ],
            by=operator,
        )
    assert list(Criterion.objects.values_list("pk", "name", "weight")) == before


def test_rubric_is_locked_after_the_first_submitted_review(
    client_for, operator, reviewer_a, scenario
):
    seat = assign(scenario, reviewer_a)
    review(seat, scenario.bids[0], 5, submit=False)
    # A draft does not lock it.
    assert not selectors.rubric_is_locked(scenario.challenge)
    review(seat, scenario.bids[0], 5)
    assert selectors.rubric_is_locked(scenario.challenge)
    criteria = list(scenario.challenge.criteria.order_by("order"))
    before = list(Criterion.objects.values_list("pk", "name", "weight"))
    rows = [(c.pk, f"{c.name}!", c.weight, c.max_score, False) for c in criteria]
    c = client_for(operator)
    url = reverse("evaluation:rubric", args=[scenario.challenge.pk])
    assert "The rubric is locked" in c.get(url).content.decode()
    response = c.post(url, rubric_data(rows), follow=True)
    assert "The rubric is locked" in response.content.decode()
    assert list(Criterion.objects.values_list("pk", "name", "weight")) == before
    with pytest.raises(ValidationError, match="locked"):
        services.rubric_save(
            challenge=scenario.challenge,
            criteria=[{"id": c.pk, "name": c.name, "weight": c.weight} for c in criteria],
            by=operator,
        )


# --------------------------------------------------------------------------- ranking
def _scored_scenario(operator, reviewers):
    s = build_scenario(operator=operator, bids=3)
    services.panel_create(challenge=s.challenge, by=operator)
    seats = [assign(s, r) for r in reviewers]
    # Bid 0: 80, 80 · bid 1: 90, 40 (reviewers disagree) · bid 2: no reviews.
    review(seats[0], s.bids[0], 8)
    review(seats[1], s.bids[0], 8)
    review(seats[0], s.bids[1], 9)
    review(seats[1], s.bids[1], 4)
    return s


def test_ranking_table_with_spread_flags(client_for, operator, reviewer_a, reviewer_b):
    s = _scored_scenario(operator, [reviewer_a, reviewer_b])
    rows = selectors.ranking(s.challenge)
    assert [r.bid for r in rows] == [s.bids[0], s.bids[1], s.bids[2]]
    assert [r.score for r in rows] == [80.0, 65.0, None]
    assert [r.panel.disagree for r in rows] == [False, True, False]
    body = (
        client_for(operator)
        .get(reverse("evaluation:operator_challenge", args=[s.challenge.pk]))
        .content.decode()
    )
    assert "reviewers disagree" in body
    assert body.index(s.bids[0].applicant.legal_name) < body.index(s.bids[1].applicant.legal_name)


def test_ranking_export_csv_and_xlsx(client_for, operator, reviewer_a, reviewer_b):
    s = _scored_scenario(operator, [reviewer_a, reviewer_b])
    c = client_for(operator)
    response = c.get(reverse("evaluation:ranking_export", args=[s.challenge.pk, "csv"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table[0][:3] == ["Rank", "Bid", "Lead organizer"]
    assert "Technical solution (mean, 0–10)" in table[0]
    assert [row[2] for row in table[1:]] == [b.applicant.legal_name for b in s.bids]
    assert table[2][table[0].index("Reviewers disagree")] == "yes"
    assert reviewer_a.full_name not in response.content.decode()

    response = c.get(reverse("evaluation:ranking_export", args=[s.challenge.pk, "xlsx"]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][2] == "Lead organizer"
    assert values[1][2] == s.bids[0].applicant.legal_name
    assert c.get(f"/operator/evaluation/{s.challenge.pk}/ranking.pdf").status_code == 404


def test_export_escapes_formulas(client_for, operator, reviewer_a):
    s = build_scenario(operator=operator, bids=1)
    services.panel_create(challenge=s.challenge, by=operator)
    applicant = s.bids[0].applicant
    applicant.legal_name = '=HYPERLINK("http://evil")'
    applicant.save()
    response = client_for(operator).get(
        reverse("evaluation:ranking_export", args=[s.challenge.pk, "csv"])
    )
    assert "'=HYPERLINK" in response.content.decode()


def test_exports_and_pages_are_for_operators_only(client_for, reviewer_a, scenario):
    assign(scenario, reviewer_a)
    c = client_for(reviewer_a)
    for url in (
        reverse("evaluation:operator_index"),
        reverse("evaluation:operator_challenge", args=[scenario.challenge.pk]),
        reverse("evaluation:rubric", args=[scenario.challenge.pk]),
        reverse("evaluation:ranking_export", args=[scenario.challenge.pk, "csv"]),
        reverse("evaluation:decide", args=[scenario.challenge.pk]),
    ):
        assert c.get(url).status_code == 404


# --------------------------------------------------------------------------- query counts
def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_operator_list_pages_run_a_fixed_number_of_queries(
    client_for, operator, reviewer_a, reviewer_b
):
    s = _scored_scenario(operator, [reviewer_a, reviewer_b])
    c = client_for(operator)
    index = reverse("evaluation:operator_index")
    page = reverse("evaluation:operator_challenge", args=[s.challenge.pk])
    before = {index: _count(c, index), page: _count(c, page)}
    # More challenges, more reviewers, more reviews.
    more = _scored_scenario(operator, [reviewer_a, reviewer_b])
    for _ in range(3):
        extra = assign(s)
        review(extra, s.bids[2], 6)
    assert _count(c, index) == before[index]
    assert _count(c, page) == before[page]
    assert more.challenge.title in c.get(index).content.decode()


def test_operator_index_shows_the_next_step_of_each_state(
    client_for, operator, reviewer_a, reviewer_b
):
    """Each group's "next step" follows the challenge's state (compared with the enum)."""
    unset = build_scenario(operator=operator)
    waiting = build_scenario(operator=operator)
    services.panel_create(challenge=waiting.challenge, by=operator)
    assign(waiting, reviewer_a)
    ranked = _scored_scenario(operator, [reviewer_a, reviewer_b])
    lead = _scored_scenario(operator, [reviewer_a, reviewer_b])
    services.decision_create(
        challenge=lead.challenge,
        bid=lead.bids[0],
        rationale="Clearly the best bid.",
        quorum_override="Decided in a test before the full quorum.",
        by=operator,
    )
    validating = _scored_scenario(operator, [reviewer_a, reviewer_b])
    services.decision_create(
        challenge=validating.challenge,
        bid=validating.bids[0],
        rationale="Clearly the best bid.",
        quorum_override="Decided in a test before the full quorum.",
        by=operator,
    )
    services.validation_start(challenge=validating.challenge, by=operator)
    body = client_for(operator).get(reverse("evaluation:operator_index")).content.decode()

    def row(s) -> str:
        start = body.index(reverse("evaluation:operator_challenge", args=[s.challenge.pk]))
        return body[start : body.index("</tr>", start)]

    assert "Set up the panel" in row(unset)
    assert "Waiting for reviews" in row(waiting)
    assert "Rank and select the lead" in row(ranked)
    assert "Start the validation" in row(lead)
    assert "milestones accepted" in row(validating)
    lead.challenge.refresh_from_db()
    assert lead.challenge.state == ChallengeState.LEAD_ASSIGNED
    page = client_for(operator).get(
        reverse("evaluation:operator_challenge", args=[lead.challenge.pk])
    )
    assert reverse("evaluation:validation", args=[lead.challenge.pk]) in page.content.decode()
    page = client_for(operator).get(
        reverse("evaluation:operator_challenge", args=[ranked.challenge.pk])
    )
    assert reverse("evaluation:validation", args=[ranked.challenge.pk]) not in page.content.decode()


def test_invited_reviewers_are_withdrawn_and_active_ones_removed(
    client_for, operator, reviewer_a, scenario
):
    seat = assign(scenario, reviewer_a)
    invited = services.reviewer_invite(
        challenge=scenario.challenge, email="not.yet@example.net", by=operator
    )
    body = (
        client_for(operator)
        .get(reverse("evaluation:operator_challenge", args=[scenario.challenge.pk]))
        .content.decode()
    )

    def button(assignment) -> str:
        url = reverse("evaluation:reviewer_remove", args=[scenario.challenge.pk, assignment.pk])
        start = body.index(url)
        return body[start : body.index("</a>", start)]

    assert "Withdraw" in button(invited)
    assert "Remove" in button(seat)


@pytest.mark.django_db
def test_desk_lists_open_challenges_with_bids_and_no_panel(client_for, operator):
    from tests.challenges.factories import listed_challenge, submitted_bid
    from tests.factories import OrganizationFactory

    with_bid = listed_challenge()
    submitted_bid(with_bid, OrganizationFactory(capabilities=True))
    without_bid = listed_challenge()
    html = client_for(operator).get(reverse("evaluation:operator_index")).content.decode()
    assert with_bid.title in html and "Set up the panel" in html
    assert without_bid.title not in html
