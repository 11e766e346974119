"""Clarification Q&A: bidders ask privately, the demand entity or an operator answers,
answers are published (without the asker) and sent to every bidder; operators moderate."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from entities.enums import MembershipRole
from entities.models import Organization, User
from entities.selectors import operators, organization_users
from notifications.services import notify

from . import rules
from .enums import BidState, QuestionState
from .models import Challenge, ClarificationQuestion

#: Bids whose members hear of every published answer: drafting and submitted.
_BIDS_TOLD = (BidState.DRAFT, BidState.SUBMITTED)


def _url(challenge: Challenge) -> str:
    return reverse("challenges:questions", args=[challenge.pk])


def _bidders(challenge: Challenge) -> list[User]:
    """Members of every organization with a draft or submitted bid for the challenge."""
    users: dict[int, User] = {}
    for bid in challenge.bids.filter(state__in=_BIDS_TOLD).select_related("applicant"):
        for user in organization_users(bid.applicant):
            users[user.pk] = user
    return list(users.values())


@transaction.atomic
def question_ask(
    *, challenge: Challenge, organization: Organization, by: User, text: str
) -> ClarificationQuestion:
    """Ask privately; the demand entity's editors and the operators are told (not who asked)."""
    if not rules.can_ask_question(by, organization, challenge):
        raise ValidationError(
            _(
                "Questions about this challenge are closed, or your organization cannot ask "
                "them. Members of Guangxi organizations may ask until the question deadline."
            )
        )
    question = ClarificationQuestion(
        challenge=challenge, organization=organization, asked_by=by, question=text.strip()
    )
    question.full_clean()
    question.save()
    answerers = (
        organization_users(challenge.organization, min_role=MembershipRole.EDITOR) + operators()
    )
    notify(
        answerers,
        "question.asked",
        question,
        {"challenge": challenge.title, "question": question.question, "url": _url(challenge)},
    )
    return question


def _lock(question: ClarificationQuestion) -> ClarificationQuestion:
    return ClarificationQuestion.objects.select_for_update().get(pk=question.pk)


@transaction.atomic
def question_answer(
    *, question: ClarificationQuestion, by: User, answer: str
) -> ClarificationQuestion:
    """Answer and publish; everyone with a draft or submitted bid, and the asker, is told."""
    if not rules.can_answer_questions(by, question.challenge):
        raise PermissionDenied
    locked = _lock(question)
    if locked.state != QuestionState.OPEN:
        raise ValidationError(_("This question has already been answered or hidden."))
    locked.answer = answer.strip()
    locked.state = QuestionState.ANSWERED
    locked.answered_by = by
    locked.answered_at = timezone.now()
    locked.full_clean()
    locked._change_reason = "answered"
    locked.save()
    challenge = locked.challenge
    recipients = {u.pk: u for u in _bidders(challenge) + organization_users(locked.organization)}
    notify(
        list(recipients.values()),
        "question.answered",
        locked,
        {
            "challenge": challenge.title,
            "question": locked.question,
            "answer": locked.answer,
            "url": _url(challenge),
        },
    )
    return locked


@transaction.atomic
def question_moderate(
    *,
    question: ClarificationQuestion,
    by: User,
    hidden: bool,
    question_text: str,
    answer_text: str,
    note: str = "",
) -> ClarificationQuestion:
    """An operator hides or shows a question and corrects its text or answer, with a note."""
    if not rules.can_moderate_questions(by):
        raise PermissionDenied
    locked = _lock(question)
    locked.question = question_text.strip()
    locked.answer = answer_text.strip()
    if hidden:
        locked.state = QuestionState.HIDDEN
    elif locked.answer:
        locked.state = QuestionState.ANSWERED
        locked.answered_at = locked.answered_at or timezone.now()
        locked.answered_by = locked.answered_by or by
    else:
        locked.state = QuestionState.OPEN
    locked.moderation_note = note.strip()
    locked.full_clean()
    locked._change_reason = f"moderated by {by.email}: {note.strip()}"[:100]
    locked.save()
    return locked


# --------------------------------------------------------------------------- reading
def published_questions(challenge: Challenge) -> QuerySet[ClarificationQuestion]:
    """Answered, not hidden: what everyone sees on the challenge page (never who asked)."""
    return challenge.questions.filter(state=QuestionState.ANSWERED).order_by("answered_at", "pk")


def own_questions(
    challenge: Challenge, organization: Organization | None
) -> QuerySet[ClarificationQuestion]:
    if organization is None:
        return ClarificationQuestion.objects.none()
    return challenge.questions.filter(organization=organization)


def all_questions(challenge: Challenge) -> QuerySet[ClarificationQuestion]:
    """Every question, for those who answer or moderate."""
    return challenge.questions.select_related("organization", "answered_by")
