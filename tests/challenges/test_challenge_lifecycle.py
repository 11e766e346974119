"""The challenge transition table: every allowed and every forbidden transition."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from challenges import lifecycle
from challenges.enums import ChallengeState
from challenges.lifecycle import CHALLENGE
from challenges.models import Challenge, ChallengeTransition
from entities.enums import MembershipRole
from entities.models import EligibilityRecord
from tests.factories import UserFactory, add_member

from .factories import ChallengeFactory

pytestmark = pytest.mark.django_db


def _editor(challenge):
    """An editor of the demand entity: the row's actor for submit."""
    user = UserFactory()
    add_member(challenge.organization, user, MembershipRole.EDITOR)
    return user


ALL_STATES = list(ChallengeState.values)
# Rows whose guard needs a selected bid and its milestones, or a new deadline, are covered
# in tests/evaluation (test_validation, test_deadline_control); reopening needs an upheld
# appeal (test_appeals_reopen).
ACTIONS = [
    a
    for a in CHALLENGE.transitions
    if a not in ("start_validation", "validate", "extend_deadline", "reopen_decision")
]
CASES = [(action, state) for action in ACTIONS for state in ALL_STATES]


def _prepare(state: str, action: str) -> Challenge:
    """A challenge in `state` whose preconditions for `action` hold."""
    now = timezone.now()
    deadline = now - dt.timedelta(hours=1) if action == "close" else now + dt.timedelta(days=20)
    challenge = ChallengeFactory(deadline=deadline)
    Challenge.objects.filter(pk=challenge.pk).update(state=state)
    challenge.refresh_from_db()
    return challenge


@pytest.mark.parametrize(("action", "state"), CASES)
def test_challenge_transition_table_allows_exactly_the_listed_sources(action, state):
    transition = CHALLENGE[action]
    challenge = _prepare(state, action)
    user = UserFactory(is_staff=True)
    add_member(challenge.organization, user, MembershipRole.OWNER)
    reason = "Because the programme office says so." if transition.needs_reason else ""
    if state in transition.sources:
        result = lifecycle.transition_challenge(challenge, action, by=user, reason=reason)
        assert result.state == transition.target
        log = ChallengeTransition.objects.get(challenge=challenge)
        assert (log.from_state, log.to_state, log.action, log.actor) == (
            state,
            transition.target,
            action,
            user,
        )
        assert log.reason == reason
    else:
        with pytest.raises(lifecycle.TransitionError):
            lifecycle.transition_challenge(challenge, action, by=user, reason=reason)
        challenge.refresh_from_db()
        assert challenge.state == state
        assert not ChallengeTransition.objects.filter(challenge=challenge).exists()


@pytest.mark.parametrize("action", [a for a, t in CHALLENGE.transitions.items() if t.needs_reason])
def test_challenge_transition_without_required_reason_is_refused(action):
    transition = CHALLENGE[action]
    state = sorted(transition.sources)[0]
    challenge = _prepare(state, action)
    with pytest.raises(lifecycle.TransitionError):
        lifecycle.transition_challenge(
            challenge, action, by=UserFactory(is_staff=True), reason="   "
        )
    challenge.refresh_from_db()
    assert challenge.state == state


def test_challenge_submit_stores_the_eligibility_report_on_the_challenge():
    challenge = ChallengeFactory()
    editor = UserFactory()
    add_member(challenge.organization, editor, MembershipRole.EDITOR)
    lifecycle.transition_challenge(challenge, "submit", by=editor)
    challenge.refresh_from_db()
    record = challenge.eligibility_record
    assert record is not None and record.eligible
    assert record.role == "demand"
    assert record.context == f"challenge:{challenge.pk}"
    codes = {r["code"] for r in record.report["results"]}
    assert {"DEMAND_ASEAN_MEMBER", "REGISTERED_ONE_YEAR", "COOPERATION_MODES"} <= codes
    assert ChallengeTransition.objects.get(challenge=challenge).eligibility_record == record


def test_challenge_submit_by_ineligible_owner_lists_every_failed_rule_and_keeps_the_draft():
    challenge = ChallengeFactory(
        organization__verification_status="unverified",
        organization__country="CN",
        organization__region_code="450100",
        organization__registry="cn_uscc",
        organization__registration_number="91450100MA5KB1234J",
    )
    editor = UserFactory()
    add_member(challenge.organization, editor, MembershipRole.EDITOR)
    before = Challenge.objects.filter(pk=challenge.pk).values().get()
    with pytest.raises(lifecycle.IneligibleError) as info:
        lifecycle.transition_challenge(challenge, "submit", by=editor)
    failed = info.value.report.failed
    assert {"DEMAND_ASEAN_MEMBER", "ORGANIZATION_VERIFIED"} <= failed
    assert len(info.value.messages) == len(info.value.report.failures)
    after = Challenge.objects.filter(pk=challenge.pk).values().get()
    assert before == after
    assert not EligibilityRecord.objects.exists()
    assert not ChallengeTransition.objects.exists()


def test_challenge_submit_incomplete_draft_names_what_is_missing():
    challenge = ChallengeFactory(problem_statement="", kpis=False)
    with pytest.raises(lifecycle.TransitionError) as info:
        lifecycle.transition_challenge(challenge, "submit", by=_editor(challenge))
    text = " ".join(info.value.messages)
    assert "problem statement" in text and "KPI" in text
    challenge.refresh_from_db()
    assert challenge.state == ChallengeState.DRAFT


def test_challenge_submit_with_past_deadline_is_refused():
    challenge = ChallengeFactory(deadline=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(lifecycle.TransitionError) as info:
        lifecycle.transition_challenge(challenge, "submit", by=_editor(challenge))
    assert "deadline in the future" in " ".join(info.value.messages)


def test_challenge_publish_after_deadline_passed_is_refused():
    challenge = ChallengeFactory(deadline=timezone.now() - dt.timedelta(minutes=1))
    Challenge.objects.filter(pk=challenge.pk).update(state=ChallengeState.SUBMITTED)
    with pytest.raises(lifecycle.TransitionError):
        lifecycle.transition_challenge(challenge, "publish", by=UserFactory(is_staff=True))
    challenge.refresh_from_db()
    assert challenge.state == ChallengeState.SUBMITTED


def test_challenge_close_before_deadline_is_refused():
    challenge = ChallengeFactory()
    Challenge.objects.filter(pk=challenge.pk).update(state=ChallengeState.LISTED)
    with pytest.raises(lifecycle.TransitionError):
        lifecycle.transition_challenge(challenge, "close", by=None)


def test_challenge_double_submit_is_reported_as_already_done():
    challenge = ChallengeFactory()
    user = _editor(challenge)
    lifecycle.transition_challenge(challenge, "submit", by=user)
    with pytest.raises(lifecycle.AlreadyDone):
        lifecycle.transition_challenge(challenge, "submit", by=user)
    assert ChallengeTransition.objects.filter(challenge=challenge, action="submit").count() == 1


def test_challenge_rollback_after_transition_sends_nothing(django_capture_on_commit_callbacks):
    from django.db import transaction

    challenge = ChallengeFactory()
    UserFactory(is_staff=True)
    with pytest.raises(RuntimeError), transaction.atomic():
        lifecycle.transition_challenge(challenge, "submit", by=_editor(challenge))
        raise RuntimeError("boom")
    challenge.refresh_from_db()
    assert challenge.state == ChallengeState.DRAFT
    assert mail.outbox == []
