"""Bid lifecycle: the transition table, the deadline by the server's clock, withdraw and resubmit."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection

from challenges import lifecycle
from challenges.enums import BidState, PartnerStatus
from challenges.lifecycle import BID
from challenges.models import Bid, BidPartner, BidTransition
from core.transitions import Actor
from entities.models import EligibilityRecord
from tests.factories import OrganizationFactory, UserFactory

from .factories import accepted_partner, draft_bid, listed_challenge

pytestmark = pytest.mark.django_db


def _editor(bid):
    """An editor of the applicant: the row's actor for submit."""
    return bid.applicant.memberships.first().user


CASES = [(action, state) for action in BID.transitions for state in BidState.values]


@pytest.mark.parametrize(("action", "state"), CASES)
def test_bid_transition_table_allows_exactly_the_listed_sources(action, state):
    transition = BID[action]
    challenge = listed_challenge()
    bid = draft_bid(challenge)
    Bid.objects.filter(pk=bid.pk).update(state=state)
    bid.refresh_from_db()
    # The row's actor: an applicant's editor, an operator, or the system (no user).
    user = {
        Actor.OWNER: bid.applicant.memberships.first().user,
        Actor.OPERATOR: UserFactory(is_staff=True),
        Actor.SYSTEM: None,
    }[transition.actor]
    reason = "Stated reason." if transition.needs_reason else ""
    if state in transition.sources:
        result = lifecycle.transition_bid(bid, action, by=user, reason=reason)
        assert result.state == transition.target
        log = BidTransition.objects.get(bid=bid)
        assert (log.from_state, log.to_state, log.actor) == (state, transition.target, user)
    else:
        with pytest.raises(lifecycle.TransitionError):
            lifecycle.transition_bid(bid, action, by=user, reason=reason)
        bid.refresh_from_db()
        assert bid.state == state
        assert not BidTransition.objects.filter(bid=bid).exists()


def test_bid_submit_stores_the_lead_report_with_partners_and_modes():
    challenge = listed_challenge()
    bid = draft_bid(challenge)
    partner = accepted_partner(bid)
    lifecycle.transition_bid(bid, "submit", by=bid.applicant.memberships.first().user)
    bid.refresh_from_db()
    assert bid.state == BidState.SUBMITTED and bid.submitted_at
    record = bid.eligibility_record
    assert record.eligible and record.role == "lead" and record.context == f"bid:{bid.pk}"
    partners_result = next(
        r for r in record.report["results"] if r["code"] == "PARTNERS_AT_MOST_FIVE"
    )
    assert partner.organization.legal_name in partners_result["params"]["partners"]
    modes_result = next(r for r in record.report["results"] if r["code"] == "COOPERATION_MODES")
    assert modes_result["params"]["modes"] == ["collaborative_rnd"]


@pytest.mark.parametrize(("offset", "accepted"), [(-1, True), (0, False), (1, False)])
def test_bid_submit_around_the_deadline_uses_the_server_clock(offset, accepted):
    challenge = listed_challenge()
    bid = draft_bid(challenge)
    user = bid.applicant.memberships.first().user
    with time_machine.travel(challenge.deadline + dt.timedelta(seconds=offset), tick=False):
        if accepted:
            lifecycle.transition_bid(bid, "submit", by=user)
        else:
            with pytest.raises(lifecycle.TransitionError) as info:
                lifecycle.transition_bid(bid, "submit", by=user)
            assert "deadline" in " ".join(info.value.messages)
    bid.refresh_from_db()
    assert bid.state == (BidState.SUBMITTED if accepted else BidState.DRAFT)


def test_bid_submit_with_a_pending_partner_is_refused():
    bid = draft_bid(listed_challenge())
    pending = BidPartner.objects.create(
        bid=bid,
        organization=OrganizationFactory(),
        role="Data",
        contribution="x",
        status=PartnerStatus.INVITED,
    )
    with pytest.raises(lifecycle.TransitionError) as info:
        lifecycle.transition_bid(bid, "submit", by=_editor(bid))
    assert pending.organization.legal_name in " ".join(info.value.messages)
    bid.refresh_from_db()
    assert bid.state == BidState.DRAFT and bid.eligibility_record is None


def test_bid_submit_with_six_partners_is_refused():
    bid = draft_bid(listed_challenge())
    for _ in range(6):
        accepted_partner(bid)
    with pytest.raises(lifecycle.TransitionError) as info:
        lifecycle.transition_bid(bid, "submit", by=_editor(bid))
    assert "at most 5" in " ".join(info.value.messages)
    assert Bid.objects.get(pk=bid.pk).state == BidState.DRAFT


def test_bid_submit_without_a_mode_is_refused():
    bid = draft_bid(listed_challenge())
    bid.mode_plans.all().delete()
    with pytest.raises(lifecycle.TransitionError) as info:
        lifecycle.transition_bid(bid, "submit", by=_editor(bid))
    assert "cooperation mode" in " ".join(info.value.messages)


def test_bid_submit_for_a_challenge_that_is_not_listed_is_refused():
    challenge = listed_challenge()
    bid = draft_bid(challenge)
    type(challenge).objects.filter(pk=challenge.pk).update(state="evaluation")
    with pytest.raises(lifecycle.TransitionError) as info:
        lifecycle.transition_bid(bid, "submit", by=_editor(bid))
    assert "not open for bids" in " ".join(info.value.messages)


def test_bid_submit_by_an_ineligible_lead_lists_every_failed_rule_and_changes_nothing():
    applicant = OrganizationFactory(
        capabilities=True,
        region_code="110105",
        institution_type="government_agency",
        verification_status="unverified",
    )
    bid = draft_bid(listed_challenge(), applicant)
    with pytest.raises(lifecycle.IneligibleError) as info:
        lifecycle.transition_bid(bid, "submit", by=_editor(bid))
    assert {
        "LEAD_IN_GUANGXI",
        "LEAD_INSTITUTION_TYPE",
        "ORGANIZATION_VERIFIED",
    } <= info.value.report.failed
    assert len(info.value.messages) == len(info.value.report.failures)
    bid.refresh_from_db()
    assert bid.state == BidState.DRAFT
    assert not EligibilityRecord.objects.filter(context=f"bid:{bid.pk}").exists()


def test_bid_withdraw_and_resubmit_keeps_both_submissions_in_the_history():
    challenge = listed_challenge()
    bid = draft_bid(challenge)
    user = bid.applicant.memberships.first().user
    lifecycle.transition_bid(bid, "submit", by=user)
    lifecycle.transition_bid(bid, "withdraw", by=user, reason="Fixing the budget.")
    lifecycle.transition_bid(bid, "reopen", by=user)
    lifecycle.transition_bid(bid, "submit", by=user)
    actions = list(BidTransition.objects.filter(bid=bid).values_list("action", flat=True))
    assert actions == ["submit", "withdraw", "reopen", "submit"]
    records = [
        t.eligibility_record_id for t in BidTransition.objects.filter(bid=bid, action="submit")
    ]
    assert len(set(records)) == 2 and None not in records


def test_bid_withdraw_after_the_deadline_is_refused():
    challenge = listed_challenge()
    bid = draft_bid(challenge)
    user = bid.applicant.memberships.first().user
    lifecycle.transition_bid(bid, "submit", by=user)
    with (
        time_machine.travel(challenge.deadline + dt.timedelta(seconds=1)),
        pytest.raises(lifecycle.TransitionError),
    ):
        lifecycle.transition_bid(bid, "withdraw", by=user, reason="Too late")
    assert Bid.objects.get(pk=bid.pk).state == BidState.SUBMITTED


def test_bid_reopen_is_refused_when_another_active_bid_exists():
    challenge = listed_challenge()
    bid = draft_bid(challenge)
    user = bid.applicant.memberships.first().user
    lifecycle.transition_bid(bid, "withdraw", by=user, reason="Start over")
    draft_bid(challenge, bid.applicant, by=user)
    with pytest.raises(lifecycle.TransitionError) as info:
        lifecycle.transition_bid(bid, "reopen", by=user)
    assert "already has an active bid" in " ".join(info.value.messages)
    assert Bid.objects.get(pk=bid.pk).state == BidState.WITHDRAWN


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_bid_concurrent_double_submit_creates_one_submission():
    challenge = listed_challenge()
    bid = draft_bid(challenge)
    user = bid.applicant.memberships.first().user
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit():
        try:
            barrier.wait()
            lifecycle.transition_bid(Bid(pk=bid.pk, challenge_id=challenge.pk), "submit", by=user)
            outcomes.append("submitted")
        except lifecycle.AlreadyDone:
            outcomes.append("already")
        except lifecycle.TransitionError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["already", "submitted"]
    assert BidTransition.objects.filter(bid=bid, action="submit").count() == 1
    assert EligibilityRecord.objects.filter(context=f"bid:{bid.pk}").count() == 1


def test_bid_submit_with_an_unverified_partner_names_the_partner_and_changes_nothing():
    bid = draft_bid(listed_challenge())
    partner = accepted_partner(
        bid, OrganizationFactory(asean=True, verification_status="unverified")
    )
    with pytest.raises(lifecycle.TransitionError) as info:
        lifecycle.transition_bid(bid, "submit", by=_editor(bid))
    text = " ".join(info.value.messages)
    assert partner.organization.legal_name in text and "verified" in text
    bid.refresh_from_db()
    assert bid.state == BidState.DRAFT
    assert not EligibilityRecord.objects.filter(context__startswith=f"bid:{bid.pk}").exists()


def test_bid_submit_keeps_each_partners_own_report():
    bid = draft_bid(listed_challenge())
    partner = accepted_partner(bid)
    lifecycle.transition_bid(bid, "submit", by=_editor(bid))
    record = EligibilityRecord.objects.get(context=f"bid:{bid.pk}:partner")
    assert (
        record.organization == partner.organization and record.role == "partner" and record.eligible
    )
