"""The one place where challenges and bids change state.

`transition_challenge` and `transition_bid` check the transition table in
`challenges.enums`, lock the row (`select_for_update`), run the action's
guard (eligibility at submission, the deadline, partners' consent…), write
the new state, record who/when/from/to/why, and queue side effects with
`transaction.on_commit`. Nothing else assigns `.state`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from entities.eligibility import EligibilityReport, Role, check_eligibility
from entities.models import Organization, User
from entities.selectors import operators, organization_users
from entities.services import eligibility_record_create
from notifications.services import notify

from .enums import (
    BID_TRANSITIONS,
    CHALLENGE_TRANSITIONS,
    BidState,
    ChallengeState,
    CooperationMode,
    PartnerStatus,
)
from .models import Bid, BidTransition, Challenge, ChallengeTransition


class TransitionError(ValidationError):
    """A state change that the table or a guard refuses; nothing was changed."""


class AlreadyDone(TransitionError):
    """The object is already in the target state (e.g. a double-clicked submit)."""


class IneligibleError(TransitionError):
    """Submission refused by the eligibility rules; carries the full report."""

    def __init__(self, report: EligibilityReport):
        self.report = report
        super().__init__([r.message for r in report.failures])


# --------------------------------------------------------------------------- helpers
def _members(organization: Organization) -> list[User]:
    return organization_users(organization)


def _operators() -> list[User]:
    return operators()


def _fmt(value: dt.datetime | None) -> str:
    return timezone.localtime(value).isoformat() if value else ""


def _write(locked, transition, *, by, now: dt.datetime, ctx: dict, log, **owner) -> None:
    """Write the new state of a locked row and its history line (who, when, from, to, why)."""
    from_state = locked.state
    locked.state = transition.target
    locked.state_changed_at = now
    locked._change_reason = f"{transition.action}: {from_state} → {transition.target}"
    locked.save()
    log.objects.create(
        action=transition.action,
        from_state=from_state,
        to_state=transition.target,
        actor=by,
        at=now,
        reason=ctx["reason"],
        eligibility_record=ctx.get("eligibility_record"),
        **owner,
    )


def _require_reason(transition, reason: str) -> None:
    if transition.needs_reason and not (reason or "").strip():
        raise TransitionError(
            {"reason": _("Give a reason: it is recorded and sent to the people concerned.")}
        )


# --------------------------------------------------------------------------- completeness
CHALLENGE_REQUIRED = (
    ("title", gettext_lazy("a title")),
    ("summary", gettext_lazy("a one-paragraph summary")),
    ("problem_statement", gettext_lazy("the problem statement")),
    ("operational_scenario", gettext_lazy("the operational scenario")),
    ("data_kind", gettext_lazy("the kind of local data available")),
    ("data_access_terms", gettext_lazy("the access terms of the data")),
    ("experimental_environment", gettext_lazy("the experimental environment offered")),
    ("expected_outcomes", gettext_lazy("the expected outcomes")),
    ("sector", gettext_lazy("a sector")),
    ("budget_max", gettext_lazy("a budget")),
    ("deadline", gettext_lazy("a bidding deadline")),
    ("duration_months", gettext_lazy("the expected duration")),
)


def challenge_missing(challenge: Challenge, *, now: dt.datetime | None = None) -> list[str]:
    """What a draft still lacks before it can be submitted (empty when complete)."""
    now = now or timezone.now()
    missing = [
        str(label) for field, label in CHALLENGE_REQUIRED if getattr(challenge, field) in (None, "")
    ]
    if not challenge.cooperation_modes:
        missing.append(_("at least one cooperation mode"))
    if not challenge.kpis.exists():
        missing.append(_("at least one measurable target (KPI)"))
    if challenge.deadline and challenge.deadline <= now:
        missing.append(_("a bidding deadline in the future"))
    return missing


def bid_missing(bid: Bid) -> list[str]:
    """What a bid draft still lacks before it can be submitted."""
    missing = []
    for field, label in (
        ("lead_name", _("the lead researcher's name")),
        ("lead_email", _("the lead researcher's e-mail")),
        ("lead_affiliation", _("the lead researcher's affiliation")),
        ("lead_cv", _("the lead researcher's short CV")),
        ("technical_approach", _("the technical approach")),
        ("scenario_fit", _("how the solution fits the scenario and data")),
        ("budget_total", _("the total budget")),
        ("duration_months", _("the duration")),
    ):
        if getattr(bid, field) in (None, ""):
            missing.append(label)
    if not bid.milestones.exists():
        missing.append(_("at least one milestone"))
    return missing


# --------------------------------------------------------------------------- challenge guards
def _guard_challenge_submit(challenge: Challenge, by: User, now: dt.datetime, ctx: dict) -> None:
    missing = challenge_missing(challenge, now=now)
    if missing:
        raise TransitionError(
            _("The challenge cannot be submitted yet. Still needed: %(list)s.")
            % {"list": "; ".join(missing)}
        )
    report = check_eligibility(
        challenge.organization, role=Role.DEMAND, on=now, modes=challenge.cooperation_modes
    )
    if not report.eligible:
        raise IneligibleError(report)
    record = eligibility_record_create(
        organization=challenge.organization, report=report, context=f"challenge:{challenge.pk}"
    )
    challenge.eligibility_record = record
    challenge.submitted_at = now
    challenge.vetting_comment = ""
    ctx["eligibility_record"] = record


def _guard_challenge_publish(challenge: Challenge, by: User, now: dt.datetime, ctx: dict) -> None:
    if not challenge.deadline or challenge.deadline <= now:
        raise TransitionError(
            _(
                "The bidding deadline has passed. Return the challenge so the owner can set a new one."
            )
        )
    challenge.published_at = now


def _guard_challenge_return(challenge: Challenge, by: User, now: dt.datetime, ctx: dict) -> None:
    challenge.vetting_comment = ctx["reason"]


def _guard_challenge_reject(challenge: Challenge, by: User, now: dt.datetime, ctx: dict) -> None:
    challenge.vetting_comment = ctx["reason"]


def _guard_challenge_close(
    challenge: Challenge, by: User | None, now: dt.datetime, ctx: dict
) -> None:
    if challenge.deadline and challenge.deadline > now:
        raise TransitionError(_("Bidding cannot close before the deadline."))


CHALLENGE_GUARDS: dict[str, Callable[..., None]] = {
    "submit": _guard_challenge_submit,
    "publish": _guard_challenge_publish,
    "return": _guard_challenge_return,
    "reject": _guard_challenge_reject,
    "close": _guard_challenge_close,
}


# --------------------------------------------------------------------------- challenge effects
def _challenge_context(challenge: Challenge, **extra: Any) -> dict[str, Any]:
    return {
        "challenge": challenge.title,
        "organization": challenge.organization.legal_name,
        "url": challenge.get_absolute_url(),
        **extra,
    }


def _effects_challenge(challenge: Challenge, action: str, reason: str, now: dt.datetime) -> None:
    owners = _members(challenge.organization)
    if action == "submit":
        notify(_operators(), "challenge.submitted", challenge, _challenge_context(challenge))
    elif action == "publish":
        notify(owners, "challenge.published", challenge, _challenge_context(challenge))
    elif action == "return":
        notify(
            owners, "challenge.returned", challenge, _challenge_context(challenge, comment=reason)
        )
    elif action == "reject":
        notify(
            owners, "challenge.rejected", challenge, _challenge_context(challenge, reason=reason)
        )
    elif action == "close":
        # Bidding is over: submitted bids go to review, drafts stay drafts.
        for bid in challenge.bids.filter(state=BidState.SUBMITTED).order_by("pk"):
            transition_bid(bid, "start_review", by=None, now=now)
        notify(owners, "challenge.closed", challenge, _challenge_context(challenge))
    elif action == "cancel":
        applicants = {
            m
            for bid in challenge.bids.filter(state__in=BidState.in_competition()).select_related(
                "applicant"
            )
            for m in _members(bid.applicant)
        }
        notify(
            owners + sorted(applicants, key=lambda u: u.pk),
            "challenge.cancelled",
            challenge,
            _challenge_context(challenge, reason=reason),
        )
    elif action == "validate":
        notify(
            owners + _lead_members(challenge),
            "challenge.validated",
            challenge,
            _challenge_context(challenge),
        )
    elif action == "fail_validation":
        notify(
            owners + _lead_members(challenge),
            "challenge.validation_failed",
            challenge,
            _challenge_context(challenge, reason=reason),
        )


def _lead_members(challenge: Challenge) -> list[User]:
    selected = challenge.bids.filter(state=BidState.SELECTED).select_related("applicant").first()
    return _members(selected.applicant) if selected else []


def transition_challenge(
    challenge: Challenge,
    action: str,
    *,
    by: User | None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Challenge:
    """Apply `action` to a challenge; raise TransitionError (nothing changed) if not allowed."""
    transition = CHALLENGE_TRANSITIONS.get(action)
    if transition is None:
        raise TransitionError(_("Unknown action."))
    _require_reason(transition, reason)
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Challenge.objects.select_for_update(of=("self",))
            .select_related("organization")
            .get(pk=challenge.pk)
        )
        if locked.state == transition.target and locked.state not in transition.sources:
            raise AlreadyDone(_("This has already been done."))
        if locked.state not in transition.sources:
            raise TransitionError(
                _("A challenge that is “%(state)s” cannot be changed this way (%(action)s).")
                % {"state": ChallengeState(locked.state).label, "action": transition.label}
            )
        ctx: dict[str, Any] = {"reason": (reason or "").strip()}
        guard = CHALLENGE_GUARDS.get(action)
        if guard:
            guard(locked, by, now, ctx)
        _write(
            locked, transition, by=by, now=now, ctx=ctx, log=ChallengeTransition, challenge=locked
        )
        _effects_challenge(locked, action, ctx["reason"], now)
    return locked


# --------------------------------------------------------------------------- bid guards
def _lock_challenge_for_bid(bid: Bid) -> Challenge:
    # Always lock the challenge before the bid (the deadline task does the same): no deadlock.
    return (
        Challenge.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=bid.challenge_id)
    )


def _require_open(challenge: Challenge, now: dt.datetime) -> None:
    if challenge.state != ChallengeState.LISTED:
        raise TransitionError(
            _("The challenge is not open for bids (it is “%(state)s”).")
            % {"state": ChallengeState(challenge.state).label}
        )
    if not challenge.deadline or now >= challenge.deadline:
        raise TransitionError(
            _("The bidding deadline (%(deadline)s, Beijing time) has passed.")
            % {"deadline": timezone.localtime(challenge.deadline).strftime("%Y-%m-%d %H:%M")}
        )


def _guard_bid_submit(bid: Bid, by: User, now: dt.datetime, ctx: dict) -> None:
    challenge = ctx["challenge"]
    _require_open(challenge, now)
    partners = list(bid.partners.select_related("organization"))
    problems = []
    if len(partners) > 5:
        problems.append(
            _("A bid may have at most 5 partner organizations; this one has %(n)s.")
            % {"n": len(partners)}
        )
    pending = [p.name for p in partners if p.status != PartnerStatus.ACCEPTED]
    if pending:
        problems.append(
            _("Every partner must accept before the bid is submitted. Waiting for: %(names)s.")
            % {"names": ", ".join(pending)}
        )
    missing = bid_missing(bid)
    if missing:
        problems.append(_("Still needed: %(list)s.") % {"list": "; ".join(missing)})
    modes = bid.modes
    if not modes:
        problems.append(_("Choose at least one cooperation mode, each with a short plan."))
    if problems:
        raise TransitionError(problems)
    report = check_eligibility(
        bid.applicant,
        role=Role.LEAD,
        on=now,
        partners=[p.organization for p in partners],
        modes=modes,
    )
    if not report.eligible:
        raise IneligibleError(report)
    # Every partner must stand on its own too (legally registered, verified: DESIGN §3 "all").
    partner_reports = [
        (p.organization, check_eligibility(p.organization, role=Role.PARTNER, on=now))
        for p in partners
    ]
    partner_failures = [
        _("Partner %(partner)s: %(message)s")
        % {"partner": organization.legal_name, "message": result.message}
        for organization, partner_report in partner_reports
        for result in partner_report.failures
    ]
    if partner_failures:
        raise TransitionError(partner_failures)
    record = eligibility_record_create(
        organization=bid.applicant, report=report, context=f"bid:{bid.pk}"
    )
    for organization, partner_report in partner_reports:
        eligibility_record_create(
            organization=organization, report=partner_report, context=f"bid:{bid.pk}:partner"
        )
    bid.eligibility_record = record
    bid.submitted_at = now
    ctx["eligibility_record"] = record


def _guard_bid_withdraw(bid: Bid, by: User, now: dt.datetime, ctx: dict) -> None:
    if bid.state == BidState.SUBMITTED:
        challenge = ctx["challenge"]
        if challenge.state != ChallengeState.LISTED or (
            challenge.deadline and now >= challenge.deadline
        ):
            raise TransitionError(_("A submitted bid can only be withdrawn before the deadline."))


def _guard_bid_reopen(bid: Bid, by: User, now: dt.datetime, ctx: dict) -> None:
    _require_open(ctx["challenge"], now)
    bid.submitted_at = None
    bid.eligibility_record = None


BID_GUARDS: dict[str, Callable[..., None]] = {
    "submit": _guard_bid_submit,
    "withdraw": _guard_bid_withdraw,
    "reopen": _guard_bid_reopen,
}


def _bid_context(bid: Bid, **extra: Any) -> dict[str, Any]:
    return {
        "challenge": bid.challenge.title,
        "applicant": bid.applicant.legal_name,
        "url": bid.get_absolute_url(),
        **extra,
    }


def _effects_bid(bid: Bid, action: str, reason: str) -> None:
    applicant = _members(bid.applicant)
    partners = [
        u
        for p in bid.partners.filter(organization__isnull=False).select_related("organization")
        for u in _members(p.organization)
    ]
    if action == "submit":
        notify(applicant + partners + _operators(), "bid.submitted", bid, _bid_context(bid))
    elif action == "withdraw":
        notify(applicant + partners, "bid.withdrawn", bid, _bid_context(bid, reason=reason))
    elif action == "mark_ineligible":
        notify(applicant, "bid.ineligible", bid, _bid_context(bid, reason=reason))


def transition_bid(
    bid: Bid,
    action: str,
    *,
    by: User | None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Bid:
    """Apply `action` to a bid; raise TransitionError (nothing changed) if not allowed."""
    transition = BID_TRANSITIONS.get(action)
    if transition is None:
        raise TransitionError(_("Unknown action."))
    _require_reason(transition, reason)
    now = now or timezone.now()
    try:
        with transaction.atomic():
            challenge = _lock_challenge_for_bid(bid)
            locked = (
                Bid.objects.select_for_update(of=("self",))
                .select_related("applicant")
                .get(pk=bid.pk)
            )
            locked.challenge = challenge
            if locked.state == transition.target and locked.state not in transition.sources:
                raise AlreadyDone(_("This has already been done."))
            if locked.state not in transition.sources:
                raise TransitionError(
                    _("A bid that is “%(state)s” cannot be changed this way (%(action)s).")
                    % {"state": BidState(locked.state).label, "action": transition.label}
                )
            ctx: dict[str, Any] = {"reason": (reason or "").strip(), "challenge": challenge}
            guard = BID_GUARDS.get(action)
            if guard:
                guard(locked, by, now, ctx)
            _write(locked, transition, by=by, now=now, ctx=ctx, log=BidTransition, bid=locked)
            _effects_bid(locked, action, ctx["reason"])
    except IntegrityError as exc:
        text = str(exc)
        # PostgreSQL names the constraint; SQLite names the columns (challenge only).
        if "bid_one_selected_per_challenge" in text or text.rstrip().endswith(
            "challenges_bid.challenge_id"
        ):
            raise TransitionError(
                _("A lead has already been selected for this challenge.")
            ) from exc
        raise TransitionError(
            _("Your organization already has an active bid for this challenge.")
        ) from exc
    return locked


__all__ = [
    "AlreadyDone",
    "CooperationMode",
    "IneligibleError",
    "TransitionError",
    "bid_missing",
    "challenge_missing",
    "transition_bid",
    "transition_challenge",
]
