"""The transitions evaluation owns: stages 3 and 4 of a challenge, and each milestone's checks.

- `install()` (called when the app starts) adds the challenge rows of the
  lead assignment and the validation to `challenges.lifecycle.CHALLENGE`, and
  the decision e-mails to the bid rows `select` / `not_select`: the
  challenges app never imports evaluation.
- `MILESTONE` is the machine of a milestone's validation: the lead reports,
  the demand entity accepts or rejects (with a comment), until accepted.

Every row writes its step to the evaluation history (`EvaluationEvent`) as
an effect and sends its events through the notification outbox.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from challenges.enums import BidState, ChallengeState
from challenges.lifecycle import (
    BID,
    CHALLENGE,
    challenge_owners,
    programme_operators,
)
from challenges.models import Bid, Challenge
from core.multilingual import all_versions
from core.transitions import Actor, Change, Emit, Machine, TransitionError, row
from entities.enums import MembershipRole
from entities.models import User
from entities.rules import is_operator
from entities.selectors import operators, organization_users
from notifications.services import notify

from . import rules, selectors
from .enums import (
    ACTION_TO_KIND,
    BLOCKING_APPEAL_STATES,
    EventAction,
    KPIState,
    MilestoneState,
)
from .history import log_event
from .models import (
    Appeal,
    EvaluationEvent,
    KPIAchievement,
    MilestoneEntry,
    MilestoneEvidence,
    MilestoneValidation,
)
from .quorum import guard_quorum, override_context, owners_if_quorum_overridden


def _operator(user: Any, obj: Any) -> bool:
    return user is not None and is_operator(user)


def _selected(challenge: Challenge) -> Bid | None:
    return rules.selected_bid(challenge)


# --------------------------------------------------------------------------- audiences
def lead_members(change: Change) -> list[User]:
    winner = _selected(change.obj)
    return organization_users(winner.applicant) if winner else []


def owners_and_lead(change: Change) -> list[User]:
    return challenge_owners(change) + lead_members(change)


def lead_and_owners(change: Change) -> list[User]:
    return lead_members(change) + challenge_owners(change)


def bid_applicant(change: Change) -> list[User]:
    return organization_users(change.obj.applicant)


# --------------------------------------------------------------------------- contexts
def _lead_context(change: Change) -> dict[str, Any]:
    winner = _selected(change.obj)
    return {"lead": winner.applicant.legal_name if winner else ""}


def _validation_page_context(change: Change) -> dict[str, Any]:
    return {
        **_lead_context(change),
        "url": reverse("evaluation:validation", args=[change.obj.pk]),
    }


def feedback_context(change: Change) -> dict[str, Any]:
    """A bidder's own per-criterion feedback (never another bid's, never a reviewer's name)."""
    return {
        "feedback": selectors.bid_feedback(change.obj) or _("No reviewer scored this bid."),
    }


# --------------------------------------------------------------------------- stage 3 and 4 guards
def _guard_start_validation(change: Change) -> None:
    winner = _selected(change.obj)
    if winner is None:
        raise TransitionError(_("No bid has been selected for this challenge."))
    if Appeal.objects.filter(challenge=change.obj, state__in=BLOCKING_APPEAL_STATES).exists():
        raise TransitionError(
            _("An appeal is open or upheld: the programme office must decide on it first.")
        )
    milestones = list(winner.milestones.all())
    if not milestones:
        raise TransitionError(_("The selected bid has no milestones to validate."))
    change.data["milestones"] = milestones


def _create_milestone_validations(change: Change) -> None:
    for milestone in change.data["milestones"]:
        MilestoneValidation.objects.get_or_create(
            milestone=milestone,
            defaults={"challenge": change.obj, "state_changed_at": change.now},
        )


def _guard_all_accepted(change: Change) -> None:
    if not selectors.all_milestones_accepted(change.obj):
        raise TransitionError(
            _(
                "Every milestone must be accepted by the demand entity before the validation is signed off."
            )
        )


def _history(action: str):
    """An effect that writes the step to the evaluation history."""

    def effect(change: Change) -> None:
        log_event(change.obj, action, by=change.by, reason=change.reason, now=change.now)

    effect.__name__ = f"log_{action}"
    return effect


S = ChallengeState
CHALLENGE_ROWS = [
    row(
        "assign_lead",
        [S.EVALUATION],
        S.LEAD_ASSIGNED,
        Actor.OPERATOR,
        gettext_lazy("Assign the lead"),
        may=_operator,
        denied=gettext_lazy("Only the programme office selects the lead."),
        guard=guard_quorum,
        emits=[
            Emit("challenge.lead_assigned", challenge_owners, context=_lead_context),
            Emit(
                "decision.quorum_overridden",
                owners_if_quorum_overridden,
                context=override_context,
            ),
        ],
    ),
    row(
        "start_validation",
        [S.LEAD_ASSIGNED],
        S.IN_VALIDATION,
        Actor.OPERATOR,
        gettext_lazy("Start validation"),
        may=_operator,
        denied=gettext_lazy("Only the programme office starts the validation."),
        guard=_guard_start_validation,
        effects=[_create_milestone_validations, _history(EventAction.VALIDATION_STARTED)],
        emits=[Emit("validation.started", lead_and_owners, context=_validation_page_context)],
    ),
    row(
        "validate",
        [S.IN_VALIDATION],
        S.VALIDATED,
        Actor.OPERATOR,
        gettext_lazy("Sign off validation"),
        may=_operator,
        denied=gettext_lazy("Only the programme office signs off a validation."),
        guard=_guard_all_accepted,
        effects=[_history(EventAction.VALIDATED)],
        emits=[Emit("challenge.validated", owners_and_lead)],
    ),
    row(
        "fail_validation",
        [S.IN_VALIDATION],
        S.FAILED_VALIDATION,
        Actor.OPERATOR,
        gettext_lazy("Record failed validation"),
        needs_reason=True,
        may=_operator,
        denied=gettext_lazy("Only the programme office records a failed validation."),
        effects=[_history(EventAction.VALIDATION_FAILED)],
        emits=[Emit("challenge.validation_failed", owners_and_lead)],
    ),
]

DECISION_EMITS = {
    "select": Emit("decision.selected", bid_applicant, context=feedback_context),
    "not_select": Emit("decision.not_selected", bid_applicant, context=feedback_context),
}


def install() -> None:
    """Add evaluation's rows and events to the challenge and bid machines (once)."""
    if "assign_lead" not in CHALLENGE:
        CHALLENGE.extend(CHALLENGE_ROWS)
    for action, emit in DECISION_EMITS.items():
        BID.on(action, emits=[emit])


# --------------------------------------------------------------------------- milestones
def _lock_validation(validation: MilestoneValidation) -> MilestoneValidation:
    # Challenge first (as every transition does), then the milestone: sign-off and
    # decisions serialize.
    challenge = (
        Challenge.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=validation.challenge_id)
    )
    locked = (
        MilestoneValidation.objects.select_for_update(of=("self",))
        .select_related("milestone", "milestone__bid", "milestone__bid__applicant")
        .get(pk=validation.pk)
    )
    locked.challenge = challenge
    return locked


def milestone_context(change: Change) -> dict[str, Any]:
    validation = change.obj
    return {
        "challenge": all_versions(validation.challenge, "title"),
        "milestone": validation.milestone.deliverable,
        "url": reverse("evaluation:validation", args=[validation.challenge_id])
        + f"#milestone-{validation.pk}",
        "comment": change.reason,
    }


def demand_editors(change: Change) -> list[User]:
    return organization_users(change.obj.challenge.organization, min_role=MembershipRole.EDITOR)


def milestone_lead(change: Change) -> list[User]:
    return organization_users(change.obj.milestone.bid.applicant)


def operators_once_all_accepted(change: Change) -> list[User]:
    """The programme office, when this acceptance was the last one missing."""
    return operators() if selectors.all_milestones_accepted(change.obj.challenge) else []


def _ready_context(change: Change) -> dict[str, Any]:
    challenge = change.obj.challenge
    return {
        "organization": challenge.organization.legal_name,
        "url": reverse("evaluation:validation", args=[challenge.pk]),
    }


def _save_evidence(change: Change) -> None:
    entry = change.data["history"]
    for upload, info in change.data.get("files", ()):
        evidence = MilestoneEvidence(entry=entry, uploaded_by=change.by)
        evidence.set_upload(upload, info)
        evidence.save()


def _milestone_history(action: str):
    def effect(change: Change) -> None:
        log_event(
            change.obj.challenge,
            action,
            by=change.by,
            subject=change.obj.milestone.deliverable,
            reason=change.reason,
            now=change.now,
        )

    effect.__name__ = f"log_{action}"
    return effect


def _milestone_entry(change: Change) -> MilestoneEntry:
    entry = MilestoneEntry(
        validation=change.obj,
        kind=ACTION_TO_KIND[change.action],
        text=change.reason,
        from_state=change.from_state,
        to_state=change.to_state,
        by=change.by,
        at=change.now,
    )
    entry.full_clean(exclude=["validation", "by"])
    return entry


M = MilestoneState
MILESTONE = Machine(
    name="milestone",
    model=MilestoneValidation,
    states=MilestoneState,
    refused=gettext_lazy("This milestone is “%(state)s”; that cannot be done now."),
    notify=notify,
    context=milestone_context,
    lock=_lock_validation,
    history=_milestone_entry,
    transitions=[
        # A rejected milestone is reported again after the lead has fixed it.
        row(
            "report",
            [M.PENDING, M.REJECTED],
            M.REPORTED,
            Actor.OWNER,
            gettext_lazy("Report progress"),
            needs_reason=True,
            reason_field="text",
            reason_prompt=gettext_lazy(
                "Describe what was delivered and how it meets the acceptance criterion."
            ),
            may=rules.can_report_milestone,
            denied=gettext_lazy(
                "Only editors of the lead organization can report on this milestone now."
            ),
            effects=[_save_evidence, _milestone_history(EventAction.MILESTONE_REPORTED)],
            emits=[Emit("milestone.reported", demand_editors)],
        ),
        row(
            "accept",
            [M.REPORTED],
            M.ACCEPTED,
            Actor.OWNER,
            gettext_lazy("Accept"),
            may=rules.can_decide_milestone,
            denied=gettext_lazy(
                "Only editors of the demand entity can accept or reject a reported milestone."
            ),
            effects=[_milestone_history(EventAction.MILESTONE_ACCEPTED)],
            emits=[
                Emit("milestone.accepted", milestone_lead),
                Emit("validation.ready", operators_once_all_accepted, context=_ready_context),
            ],
        ),
        row(
            "reject",
            [M.REPORTED],
            M.REJECTED,
            Actor.OWNER,
            gettext_lazy("Reject"),
            needs_reason=True,
            reason_field="comment",
            reason_prompt=gettext_lazy("Say what is missing, so the lead team can fix it."),
            may=rules.can_decide_milestone,
            denied=gettext_lazy(
                "Only editors of the demand entity can accept or reject a reported milestone."
            ),
            effects=[_milestone_history(EventAction.MILESTONE_REJECTED)],
            emits=[Emit("milestone.rejected", milestone_lead)],
        ),
    ],
)


# --------------------------------------------------------------------------- achieved KPI values
def _lock_achievement(achievement: KPIAchievement) -> KPIAchievement:
    # Challenge first, as every transition does: sign-off and reports serialize.
    challenge = (
        Challenge.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=achievement.challenge_id)
    )
    locked = (
        KPIAchievement.objects.select_for_update(of=("self",))
        .select_related("kpi")
        .get(pk=achievement.pk)
    )
    locked.challenge = challenge
    return locked


def _guard_kpi_report(change: Change) -> None:
    achievement = change.obj
    achieved = (change.data.get("achieved") or "").strip()
    if not achieved:
        raise TransitionError({"achieved": _("Give the value that was achieved.")})
    achievement.achieved = achieved
    achievement.note = change.reason
    achievement.reported_by = change.by
    achievement.reported_at = change.now
    achievement.comment = ""
    achievement.full_clean(exclude=["kpi", "challenge", "reported_by", "confirmed_by"])


def _guard_kpi_confirm(change: Change) -> None:
    change.obj.confirmed_by = change.by
    change.obj.confirmed_at = change.now


def _guard_kpi_return(change: Change) -> None:
    change.obj.comment = change.reason


_KPI_ACTIONS = {
    "report": EventAction.KPI_REPORTED,
    "confirm": EventAction.KPI_CONFIRMED,
    "return": EventAction.KPI_RETURNED,
}


def _kpi_history(change: Change) -> EvaluationEvent:
    """Each step is a line of the evaluation history (shown on the validation page)."""
    achievement = change.obj
    return EvaluationEvent(
        challenge=achievement.challenge,
        action=_KPI_ACTIONS[change.action],
        actor=change.by,
        at=change.now,
        subject=f"{achievement.kpi.metric}: {achievement.achieved}"[:255],
        reason=change.reason,
    )


K = KPIState
KPI_RESULT = Machine(
    name="kpi_result",
    model=KPIAchievement,
    states=KPIState,
    refused=gettext_lazy("This achieved value is “%(state)s”; that cannot be done now."),
    notify=notify,
    lock=_lock_achievement,
    history=_kpi_history,
    transitions=[
        # Reported again after the demand entity sent it back, or corrected before it decides.
        row(
            "report",
            [K.PENDING, K.REPORTED, K.RETURNED],
            K.REPORTED,
            Actor.OWNER,
            gettext_lazy("Report the achieved value"),
            may=rules.can_report_kpi,
            denied=gettext_lazy(
                "Only editors of the lead organization can report achieved values now."
            ),
            guard=_guard_kpi_report,
        ),
        row(
            "confirm",
            [K.REPORTED],
            K.CONFIRMED,
            Actor.OWNER,
            gettext_lazy("Confirm"),
            may=rules.can_confirm_kpi,
            denied=gettext_lazy(
                "Only editors of the demand entity can confirm or send back achieved values."
            ),
            guard=_guard_kpi_confirm,
        ),
        row(
            "return",
            [K.REPORTED],
            K.RETURNED,
            Actor.OWNER,
            gettext_lazy("Send back"),
            needs_reason=True,
            reason_field="comment",
            reason_prompt=gettext_lazy("Say what is wrong with the value, so the lead can fix it."),
            may=rules.can_confirm_kpi,
            denied=gettext_lazy(
                "Only editors of the demand entity can confirm or send back achieved values."
            ),
            guard=_guard_kpi_return,
        ),
    ],
)

__all__ = [
    "CHALLENGE_ROWS",
    "KPI_RESULT",
    "MILESTONE",
    "install",
    "programme_operators",
    "BidState",
]
