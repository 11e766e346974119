"""The evaluation's documents of a bid: the decision letter and the validation certificate.

Registered with `challenges.documents` at start-up (EvaluationConfig.ready);
rendered by the shared renderer from `templates/evaluation/documents/`. A
decision letter carries only the bidder's own feedback (`bid_feedback`):
never another bid, a reviewer's name, the ranking or the decision's
rationale (which may compare bids).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from challenges.documents import DocumentSpec, register_document
from challenges.enums import BidState, ChallengeState, DocumentKind, PartnerStatus
from challenges.models import Bid

from . import selectors
from .enums import EventAction, MilestoneState
from .models import Decision, EvaluationEvent
from .selectors.results import kpi_rows

DECIDED_STATES = (BidState.SELECTED, BidState.NOT_SELECTED)


def _decision(bid: Bid) -> Decision | None:
    return Decision.objects.filter(challenge_id=bid.challenge_id).first()


def _decision_available(bid: Bid) -> bool:
    return bid.state in DECIDED_STATES and _decision(bid) is not None


def decision_letter_context(bid: Bid) -> dict[str, Any]:
    """The bidder's outcome and its own per-criterion feedback (nothing of rival bids)."""
    decision = _decision(bid)
    return {
        "bid": bid,
        "challenge": bid.challenge,
        "selected": bid.state == BidState.SELECTED,
        "decided_at": decision.decided_at if decision else None,
        "feedback": selectors.bid_feedback(bid),
        "issued_at": timezone.now(),
    }


def _certificate_available(bid: Bid) -> bool:
    return bid.state == BidState.SELECTED and bid.challenge.state == ChallengeState.VALIDATED


def certificate_context(bid: Bid) -> dict[str, Any]:
    """What the lead delivered: accepted milestones, confirmed KPIs, the sign-off date."""
    challenge = bid.challenge
    signed_off = (
        EvaluationEvent.objects.filter(challenge=challenge, action=EventAction.VALIDATED)
        .order_by("-at")
        .first()
    )
    return {
        "bid": bid,
        "challenge": challenge,
        "partners": [p for p in bid.partners.all() if p.status == PartnerStatus.ACCEPTED],
        "milestones": [
            v
            for v in selectors.milestone_validations(challenge)
            if v.state == MilestoneState.ACCEPTED
        ],
        "kpis": [k for k in kpi_rows(challenge) if k.current and k.current.is_confirmed],
        "validated_at": signed_off.at if signed_off else challenge.state_changed_at,
        "issued_at": timezone.now(),
    }


def install() -> None:
    """Declare the decision letter and the certificate (called once at start-up)."""
    register_document(
        DocumentSpec(
            kind=DocumentKind.DECISION,
            template="evaluation/documents/decision_letter.html",
            available=_decision_available,
            context=decision_letter_context,
        )
    )
    register_document(
        DocumentSpec(
            kind=DocumentKind.CERTIFICATE,
            template="evaluation/documents/certificate.html",
            available=_certificate_available,
            context=certificate_context,
        )
    )
