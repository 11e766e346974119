"""Clarification Q&A per challenge (issue 15, item 5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from challenges import clarifications
from challenges.enums import QuestionState
from challenges.models import ClarificationQuestion
from challenges.prechecks import challenge_precheck
from entities.enums import MembershipRole
from notifications.models import Notification
from tests.factories import OrganizationFactory, UserFactory, add_member

from .factories import ChallengeFactory, draft_bid, listed_challenge, submitted_bid

pytestmark = pytest.mark.django_db


def _member(organization, role=MembershipRole.EDITOR):
    user = UserFactory()
    add_member(organization, user, role)
    return user


@pytest.fixture
def challenge():
    return listed_challenge(title="Salinity maps")


@pytest.fixture
def asker():
    organization = OrganizationFactory(capabilities=True, legal_name="Secret Bidder Ltd")
    return organization, _member(organization, MembershipRole.VIEWER)


def _ask(challenge, asker, text="Is the data labelled?"):
    organization, user = asker
    return clarifications.question_ask(
        challenge=challenge, organization=organization, by=user, text=text
    )


def test_guangxi_member_asks_privately_and_demand_entity_is_told(challenge, asker):
    demand_editor = _member(challenge.organization)
    question = _ask(challenge, asker)
    assert question.state == QuestionState.OPEN
    assert not clarifications.published_questions(challenge).exists()
    told = Notification.objects.filter(event="question.asked", recipient=demand_editor)
    assert told.exists()
    assert "Secret Bidder" not in str(list(told.values_list("context", flat=True)))


def test_demand_side_and_asean_members_cannot_ask(challenge):
    asean = OrganizationFactory(asean=True)
    with pytest.raises(ValidationError):
        _ask(challenge, (asean, _member(asean)))
    with pytest.raises(ValidationError):
        _ask(challenge, (challenge.organization, _member(challenge.organization)))
    assert not ClarificationQuestion.objects.exists()


def test_questions_close_at_the_question_deadline(asker):
    challenge = listed_challenge()
    challenge.questions_deadline = timezone.now() - dt.timedelta(minutes=1)
    challenge.save()
    with pytest.raises(ValidationError):
        _ask(challenge, asker)


def test_answer_is_published_and_sent_to_every_drafting_and_submitted_bidder(challenge, asker):
    drafting = draft_bid(challenge)
    submitted = submitted_bid(challenge)
    question = _ask(challenge, asker)
    answerer = _member(challenge.organization)
    clarifications.question_answer(question=question, by=answerer, answer="Yes, by agronomists.")
    assert list(clarifications.published_questions(challenge)) == [question]
    told = set(
        Notification.objects.filter(event="question.answered").values_list(
            "recipient_id", flat=True
        )
    )
    for organization in (drafting.applicant, submitted.applicant, asker[0]):
        assert set(organization.memberships.values_list("user_id", flat=True)) <= told
    assert question.history.count() == 2  # asked, answered


def test_only_the_demand_entity_or_an_operator_answers(challenge, asker):
    question = _ask(challenge, asker)
    rival = OrganizationFactory(capabilities=True)
    with pytest.raises(PermissionDenied):
        clarifications.question_answer(question=question, by=_member(rival), answer="x")
    operator = UserFactory(is_staff=True)
    clarifications.question_answer(question=question, by=operator, answer="Yes.")
    question.refresh_from_db()
    assert question.state == QuestionState.ANSWERED


def test_public_page_shows_the_answer_but_never_who_asked(client, client_for, challenge, asker):
    question = _ask(challenge, asker, text="May we use our own drones?")
    clarifications.question_answer(
        question=question, by=_member(challenge.organization), answer="Yes, registered ones."
    )
    rival = OrganizationFactory(capabilities=True)
    for c in (client, client_for(_member(rival)), client_for(_member(challenge.organization))):
        for url in (
            reverse("challenges:questions", args=[challenge.pk]),
            reverse("challenges:detail", args=[challenge.pk]),
        ):
            page = c.get(url).content.decode()
            assert "May we use our own drones?" in page and "Yes, registered ones." in page
            assert "Secret Bidder" not in page
    operator_page = client_for(UserFactory(is_staff=True)).get(
        reverse("challenges:questions", args=[challenge.pk])
    )
    assert "Secret Bidder" in operator_page.content.decode()


def test_asking_through_the_page(client_for, challenge, asker):
    organization, user = asker
    c = client_for(user)
    response = c.post(reverse("challenges:questions", args=[challenge.pk]), {"text": "Format?"})
    assert response.status_code == 302
    assert ClarificationQuestion.objects.get().organization == organization
    empty = c.post(reverse("challenges:questions", args=[challenge.pk]), {"text": ""})
    assert "This field is required." in empty.content.decode()
    assert ClarificationQuestion.objects.count() == 1


def test_operator_hides_and_edits_with_history(client_for, challenge, asker):
    question = _ask(challenge, asker)
    clarifications.question_answer(
        question=question, by=_member(challenge.organization), answer="A"
    )
    operator = UserFactory(is_staff=True)
    url = reverse("challenges:question_moderate", args=[question.pk])
    assert client_for(_member(challenge.organization)).get(url).status_code == 404
    response = client_for(operator).post(
        url, {"question": "Edited?", "answer": "A", "hidden": "on", "note": "Names a rival"}
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.state == QuestionState.HIDDEN and question.question == "Edited?"
    assert not clarifications.published_questions(challenge).exists()
    assert question.history.first().history_change_reason.endswith("Names a rival")


def test_question_deadline_after_bidding_deadline_is_a_precheck_problem():
    challenge = ChallengeFactory()
    challenge.questions_deadline = challenge.deadline + dt.timedelta(days=1)
    challenge.save()
    assert any("deadline for questions" in p for p in challenge_precheck(challenge).problems)


def test_questions_page_of_a_draft_challenge_is_404_for_outsiders(client_for):
    challenge = ChallengeFactory()
    page = client_for(UserFactory()).get(reverse("challenges:questions", args=[challenge.pk]))
    assert page.status_code == 404
