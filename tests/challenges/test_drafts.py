"""Drafts that always save (issue 15, item 3): only a title needed; every rule at submission;
autosave answers in JSON; a completeness indicator per form."""

from __future__ import annotations

import pytest
from django.urls import reverse

from challenges.models import Bid, Challenge
from challenges.prechecks import bid_completeness, bid_precheck, challenge_precheck
from entities.enums import MembershipRole
from tests.factories import OrganizationFactory, UserFactory, add_member

from .factories import ChallengeFactory, draft_bid, listed_challenge
from .test_bid_views import edit_data

pytestmark = pytest.mark.django_db

KPI_EMPTY = {
    "kpi-TOTAL_FORMS": "0",
    "kpi-INITIAL_FORMS": "0",
    "kpi-MIN_NUM_FORMS": "0",
    "kpi-MAX_NUM_FORMS": "12",
}
AUTOSAVE = {"HTTP_X_AUTOSAVE": "1"}


@pytest.fixture
def asean_editor():
    org = OrganizationFactory(asean=True, capabilities=True)
    user = UserFactory()
    add_member(org, user, MembershipRole.EDITOR)
    return user


def test_challenge_draft_saves_with_only_its_title(client_for, asean_editor):
    response = client_for(asean_editor).post(
        reverse("challenges:create"), {"title": "Salinity maps", **KPI_EMPTY}
    )
    challenge = Challenge.objects.get()
    assert response.status_code == 302 and challenge.title == "Salinity maps"
    precheck = challenge_precheck(challenge)
    assert not precheck.ready
    assert "a one-paragraph summary" in precheck.missing
    assert "at least one cooperation mode" in precheck.missing


def test_challenge_draft_with_a_past_deadline_and_two_paragraphs_saves_and_precheck_says_so(
    client_for, asean_editor
):
    client_for(asean_editor).post(
        reverse("challenges:create"),
        {
            "title": "Salinity maps",
            "summary": "One.\n\nTwo.",
            "deadline": "2020-01-01T10:00",
            **KPI_EMPTY,
        },
    )
    challenge = Challenge.objects.get()
    errors = challenge_precheck(challenge).errors()
    assert "Keep the summary to one paragraph." in errors
    assert any("a bidding deadline in the future" in e for e in errors)


def test_challenge_draft_without_title_is_refused(client_for, asean_editor):
    response = client_for(asean_editor).post(reverse("challenges:create"), KPI_EMPTY)
    assert "This field is required." in response.content.decode()
    assert not Challenge.objects.exists()


def test_challenge_autosave_creates_then_updates_one_draft(client_for, asean_editor):
    c = client_for(asean_editor)
    first = c.post(reverse("challenges:create"), {"title": "Draft A", **KPI_EMPTY}, **AUTOSAVE)
    challenge = Challenge.objects.get()
    body = first.json()
    assert body["saved"] and body["message"].startswith("Saved at ")
    assert body["url"] == reverse("challenges:edit", args=[challenge.pk])
    assert (
        "0 of 6 sections done" in body["completeness"]
        or "of 6 sections done" in body["completeness"]
    )
    c.post(body["url"], {"title": "Draft B", "summary": "One line.", **KPI_EMPTY}, **AUTOSAVE)
    challenge.refresh_from_db()
    assert Challenge.objects.count() == 1 and challenge.summary == "One line."


def test_challenge_autosave_of_bad_input_saves_nothing_and_says_so(client_for, asean_editor):
    challenge = ChallengeFactory(title="Kept")
    user = UserFactory()
    add_member(challenge.organization, user, MembershipRole.EDITOR)
    response = client_for(user).post(
        reverse("challenges:edit", args=[challenge.pk]),
        {"title": "", **KPI_EMPTY},
        **AUTOSAVE,
    )
    assert response.status_code == 422 and not response.json()["saved"]
    challenge.refresh_from_db()
    assert challenge.title == "Kept"


def test_challenge_form_shows_completeness_linking_to_missing_sections(client_for):
    challenge = ChallengeFactory(problem_statement="", cooperation_modes=[])
    user = UserFactory()
    add_member(challenge.organization, user, MembershipRole.EDITOR)
    page = client_for(user).get(reverse("challenges:edit", args=[challenge.pk])).content.decode()
    assert "4 of 6 sections done" in page
    assert 'href="#section-2"' in page and 'id="section-2"' in page
    assert 'href="#section-5"' in page and 'href="#section-1"' not in page
    assert "challenges/autosave.js" in page and "data-autosave" in page


# --------------------------------------------------------------------------- bids
def _bid_and_editor():
    bid = draft_bid(listed_challenge(cooperation_modes=["collaborative_rnd"]))
    return bid, bid.created_by


def test_bid_draft_saves_a_mode_without_plan_and_lines_not_adding_up(client_for):
    bid, editor = _bid_and_editor()
    response = client_for(editor).post(
        reverse("challenges:bid_edit", args=[bid.pk]),
        edit_data(bid, **{"modes-plan_collaborative_rnd": "", "budget_total": "999"}),
    )
    assert response.status_code == 302
    bid = Bid.objects.get(pk=bid.pk)
    assert bid.budget_total == 999 and bid.mode_plans.get().plan == ""
    errors = bid_precheck(bid).errors()
    joined = " ".join(errors)
    # Every problem listed together by the one pre-check.
    assert "add up to 1000.00, not the total of 999" in joined
    assert "a plan for “Collaborative R&D”" in joined


def test_bid_draft_saves_with_no_mode_and_a_late_milestone(client_for):
    bid, editor = _bid_and_editor()
    data = edit_data(bid, **{"ms-0-due_month": "13"})
    del data["modes-mode_collaborative_rnd"]
    assert (
        client_for(editor).post(reverse("challenges:bid_edit", args=[bid.pk]), data).status_code
        == 302
    )
    bid = Bid.objects.get(pk=bid.pk)
    assert not bid.mode_plans.exists()
    joined = " ".join(bid_precheck(bid).errors())
    assert "due after the end of the project (month 12): Model" in joined
    assert "No cooperation mode is chosen" in joined


def test_bid_autosave_answers_with_time_and_completeness(client_for):
    bid, editor = _bid_and_editor()
    response = client_for(editor).post(
        reverse("challenges:bid_edit", args=[bid.pk]),
        edit_data(bid, technical_approach=""),
        **AUTOSAVE,
    )
    body = response.json()
    assert body["saved"] and "3 of 4 sections done" in body["completeness"]
    assert 'href="#section-2"' in body["completeness"]
    assert Bid.objects.get(pk=bid.pk).technical_approach == ""


def test_bid_completeness_counts_sections():
    bid, _editor = _bid_and_editor()
    assert bid_completeness(bid).done == 4
    Bid.objects.filter(pk=bid.pk).update(lead_cv="")
    bid.milestones.all().delete()
    done = bid_completeness(Bid.objects.get(pk=bid.pk))
    assert (done.done, done.total) == (2, 4)
    assert [s.label for s in done.incomplete] == ["Lead researcher", "Milestones"]
