"""Appeals against the lead decision: filed once by a bidder that was not selected, within
`settings.APPEAL_WINDOW_DAYS` of the decision, then upheld or rejected by the programme
office with reasons (the `APPEAL` machine; each step is a line of the evaluation history).

Upholding does not change the selection by itself: the portal records that the programme
office has to decide again, tells everyone concerned, and the validation cannot start while
an appeal is open or upheld. The selection is never changed silently.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from challenges.models import Bid, Challenge
from core.transitions import Actor, Change, Emit, Machine, row
from entities.enums import MembershipRole
from entities.models import User
from entities.rules import is_operator
from entities.selectors import operators, organization_users
from notifications.services import notify

from . import rules
from .enums import BLOCKING_APPEAL_STATES, AppealState, EventAction
from .history import log_event
from .models import Appeal, EvaluationEvent


def _appellants(change: Change) -> list[User]:
    return organization_users(change.obj.bid.applicant)


def _demand(change: Change) -> list[User]:
    return organization_users(change.obj.challenge.organization, min_role=MembershipRole.EDITOR)


def _lead(change: Change) -> list[User]:
    winner = rules.selected_bid(change.obj.challenge)
    return organization_users(winner.applicant) if winner else []


def everyone_concerned(change: Change) -> list[User]:
    """The appellant, the demand entity and the selected lead, each person once."""
    seen: dict[int, User] = {}
    for user in _appellants(change) + _demand(change) + _lead(change):
        seen.setdefault(user.pk, user)
    return list(seen.values())


def appeal_context(change: Change) -> dict[str, Any]:
    appeal = change.obj
    return {
        "challenge": appeal.challenge.title,
        "appellant": appeal.bid.applicant.legal_name,
        "response": change.reason,
        "url": reverse("evaluation:appeal", args=[appeal.bid_id]),
    }


def _lock_appeal(appeal: Appeal) -> Appeal:
    # Challenge first, as every transition does.
    challenge = Challenge.objects.select_for_update(of=("self",)).get(pk=appeal.challenge_id)
    locked = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("bid", "bid__applicant")
        .get(pk=appeal.pk)
    )
    locked.challenge = challenge
    return locked


def _guard_answer(change: Change) -> None:
    appeal = change.obj
    appeal.response = change.reason
    appeal.decided_by = change.by
    appeal.decided_at = change.now


_ACTIONS = {
    "uphold": EventAction.APPEAL_UPHELD,
    "reject": EventAction.APPEAL_REJECTED,
    "resolve": EventAction.APPEAL_RESOLVED,  # the row is added by `evaluation.reopening`
}


def _history(change: Change) -> EvaluationEvent:
    appeal = change.obj
    return EvaluationEvent(
        challenge=appeal.challenge,
        action=_ACTIONS[change.action],
        actor=change.by,
        at=change.now,
        subject=appeal.bid.applicant.legal_name[:255],
        bid=appeal.bid,
        reason=change.reason,
    )


def _operator(user: Any, obj: Any) -> bool:
    return user is not None and is_operator(user)


A = AppealState
APPEAL = Machine(
    name="appeal",
    model=Appeal,
    states=AppealState,
    refused=gettext_lazy("This appeal is “%(state)s”; it cannot be answered again."),
    notify=notify,
    context=appeal_context,
    lock=_lock_appeal,
    history=_history,
    transitions=[
        row(
            "uphold",
            [A.FILED],
            A.UPHELD,
            Actor.OPERATOR,
            gettext_lazy("Uphold the appeal"),
            needs_reason=True,
            reason_field="response",
            reason_prompt=gettext_lazy("Explain why the appeal is upheld and what happens next."),
            may=_operator,
            denied=gettext_lazy("Only the programme office answers appeals."),
            guard=_guard_answer,
            emits=[Emit("appeal.upheld", everyone_concerned)],
        ),
        row(
            "reject",
            [A.FILED],
            A.REJECTED,
            Actor.OPERATOR,
            gettext_lazy("Reject the appeal"),
            needs_reason=True,
            reason_field="response",
            reason_prompt=gettext_lazy("Explain why the appeal is rejected."),
            may=_operator,
            denied=gettext_lazy("Only the programme office answers appeals."),
            guard=_guard_answer,
            emits=[Emit("appeal.rejected", everyone_concerned)],
        ),
    ],
)


@transaction.atomic
def appeal_file(*, bid: Bid, grounds: str, by: User, now: dt.datetime | None = None) -> Appeal:
    """File the bid's one appeal; the programme office and the demand entity are e-mailed."""
    now = now or timezone.now()
    Challenge.objects.select_for_update(of=("self",)).get(pk=bid.challenge_id)
    bid = Bid.objects.select_related("applicant", "challenge").get(pk=bid.pk)
    refusal = rules.appeal_refusal(by, bid, now=now)
    if refusal:
        raise ValidationError(refusal)
    grounds = (grounds or "").strip()
    appeal = Appeal(
        bid=bid,
        challenge=bid.challenge,
        grounds=grounds,
        filed_by=by,
        filed_at=now,
        state_changed_at=now,
    )
    appeal.full_clean(exclude=["bid", "challenge", "filed_by"])
    if len(grounds) < 50:
        raise ValidationError(
            {"grounds": _("Explain the grounds of your appeal in at least 50 characters.")}
        )
    appeal.save()
    log_event(
        bid.challenge,
        EventAction.APPEAL_FILED,
        by=by,
        subject=bid.applicant.legal_name,
        bid=bid,
        reason=grounds,
        now=now,
    )
    context = {
        "challenge": bid.challenge.title,
        "appellant": bid.applicant.legal_name,
        "grounds": grounds,
        "url": reverse("evaluation:appeal", args=[bid.pk]),
    }
    demand = organization_users(bid.challenge.organization, min_role=MembershipRole.EDITOR)
    notify(operators() + demand, "appeal.filed", appeal, context)
    return appeal


def appeal_decide(*, appeal: Appeal, uphold: bool, response: str, by: User) -> Appeal:
    """Uphold or reject an open appeal, with reasons (kept and sent to everyone concerned)."""
    return APPEAL.apply(appeal, "uphold" if uphold else "reject", by=by, reason=response)


def blocking_appeals(challenge: Challenge) -> list[Appeal]:
    """Open or upheld appeals: the validation waits until the programme office re-decides."""
    return list(
        Appeal.objects.filter(challenge=challenge, state__in=BLOCKING_APPEAL_STATES).select_related(
            "bid__applicant"
        )
    )
