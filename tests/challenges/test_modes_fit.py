"""A bid may offer only the cooperation modes its challenge asks for (issue 15, item 4)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from challenges import lifecycle
from challenges.enums import BidState
from challenges.models import Bid, BidModePlan
from challenges.prechecks import bid_precheck
from entities.eligibility import Role, check_eligibility
from entities.enums import RuleCode
from entities.models import EligibilityRecord

from .factories import accepted_partner, draft_bid, listed_challenge

pytestmark = pytest.mark.django_db


def _offer(bid: Bid, mode: str) -> None:
    BidModePlan.objects.create(bid=bid, mode=mode, plan="We will do it.")


def _modes_result(report):
    return next(r for r in report.results if r.code == RuleCode.COOPERATION_MODES)


def test_bid_offering_an_unsought_mode_is_refused_with_a_clear_message():
    bid = draft_bid(listed_challenge(cooperation_modes=["collaborative_rnd"]))
    accepted_partner(bid)
    _offer(bid, "technology_investment")
    precheck = bid_precheck(bid)
    result = _modes_result(precheck.report)
    assert not precheck.ready and not result.passed and result.outcome == "not_sought"
    message = " ".join(precheck.errors())
    assert "does not ask for technology investment" in message.lower()
    assert "collaborative r&d" in message.lower()
    assert "COOPERATION_MODES" not in message
    with pytest.raises(lifecycle.IneligibleError):
        lifecycle.transition_bid(bid, "submit", by=bid.created_by)
    assert Bid.objects.get(pk=bid.pk).state == BidState.DRAFT


def test_bid_offering_a_subset_of_the_sought_modes_is_accepted_and_stored():
    challenge = listed_challenge(cooperation_modes=["collaborative_rnd", "technology_transfer"])
    bid = draft_bid(challenge)
    accepted_partner(bid)
    assert _modes_result(bid_precheck(bid).report).passed
    lifecycle.transition_bid(bid, "submit", by=bid.created_by)
    record = EligibilityRecord.objects.get(pk=Bid.objects.get(pk=bid.pk).eligibility_record_id)
    stored = next(r for r in record.report["results"] if r["code"] == "COOPERATION_MODES")
    assert stored["passed"] and stored["params"]["sought"] == challenge.cooperation_modes


def test_rule_without_sought_modes_keeps_the_old_behaviour():
    bid = draft_bid(listed_challenge())
    report = check_eligibility(bid.applicant, role=Role.LEAD, on=bid.created_at, modes=["x"])
    assert _modes_result(report).outcome == "unknown"
    report = check_eligibility(
        bid.applicant,
        role=Role.LEAD,
        on=bid.created_at,
        modes=["personnel_training"],
        sought_modes=["collaborative_rnd"],
    )
    assert _modes_result(report).outcome == "not_sought"
    assert _modes_result(report).params["not_sought"] == ["personnel_training"]


def test_bid_submit_page_names_the_unsought_mode(client_for):
    bid = draft_bid(listed_challenge(cooperation_modes=["collaborative_rnd"]))
    _offer(bid, "personnel_training")
    page = client_for(bid.created_by).get(reverse("challenges:bid_submit", args=[bid.pk]))
    assert "does not ask for personnel training" in page.content.decode().lower()
