"""Review panels, their rubric and their reviewers (assign, invite, nominate, remove)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from challenges.models import Bid, Challenge
from entities.models import Membership, Organization, User
from entities.rules import is_operator
from notifications.services import notify

from .. import rules, scoring, selectors
from ..enums import (
    DEFAULT_MAX_SCORE,
    DEFAULT_RUBRIC,
    AssignmentStatus,
    EventAction,
)
from ..models import (
    Criterion,
    Panel,
    ReviewerAssignment,
)
from ._common import _challenge_context, _lock_challenge, _lock_panel, _log, _operators
from .conflicts import _record_automatic_conflicts, _revoke_review


# --------------------------------------------------------------------------- panels and rubric
@transaction.atomic
def panel_create(*, challenge: Challenge, by: User) -> Panel:
    """Set up the challenge's review panel with the default rubric (idempotent)."""
    if not is_operator(by):
        raise ValidationError(_("Only the programme office sets up review panels."))
    return _panel_get_or_create(challenge, by=by)


def _panel_get_or_create(challenge: Challenge, *, by: User) -> Panel:
    challenge = _lock_challenge(challenge)
    existing = Panel.objects.filter(challenge=challenge).first()
    if existing is not None:
        return existing
    if challenge.state not in rules.PANEL_STATES:
        raise ValidationError(
            _("A review panel can only be set up while bidding or evaluation runs.")
        )
    panel = Panel.objects.create(challenge=challenge, created_by=by)
    for order, (name, guidance, weight) in enumerate(DEFAULT_RUBRIC):
        criterion = Criterion(
            challenge=challenge,
            name=str(name),
            guidance=str(guidance),
            weight=weight,
            max_score=DEFAULT_MAX_SCORE,
            order=order,
        )
        criterion.full_clean()
        criterion.save()
    _log(challenge, EventAction.PANEL_CREATED, by=by)
    return panel


def _rubric_summary(criteria: Iterable[Criterion]) -> str:
    return "; ".join(f"{c.name} {c.weight} % (0–{c.max_score})" for c in criteria)


@transaction.atomic
def rubric_save(
    *, challenge: Challenge, criteria: Sequence[Mapping[str, Any]], by: User
) -> list[Criterion]:
    """Replace the rubric with `criteria` (dicts: optional "id", name, guidance, weight, max_score).

    Allowed until the first review is submitted; weights must sum to 100.
    """
    if not is_operator(by):
        raise ValidationError(_("Only the programme office edits the rubric."))
    panel = _lock_panel(challenge)
    challenge = panel.challenge
    if selectors.rubric_is_locked(challenge):
        raise ValidationError(
            _("The rubric is locked: a reviewer has already submitted a review with it.")
        )
    rows = [dict(row) for row in criteria]
    if not rows:
        raise ValidationError(_("A rubric needs at least one criterion."))
    weights = []
    for row in rows:
        try:
            weights.append(int(row.get("weight") or 0))
        except (TypeError, ValueError):
            weights.append(0)
    if sum(weights) != scoring.TOTAL_WEIGHT:
        raise ValidationError(
            _("The weights must add up to 100; they add up to %(sum)s.") % {"sum": sum(weights)}
        )
    names = [str(row.get("name", "")).strip().lower() for row in rows]
    if len(set(names)) != len(names):
        raise ValidationError(_("Two criteria have the same name."))
    existing = {c.pk: c for c in Criterion.objects.filter(challenge=challenge)}
    kept: list[Criterion] = []
    for order, row in enumerate(rows):
        pk = row.get("id")
        criterion = existing.pop(int(pk), None) if pk else None
        if criterion is None:
            criterion = Criterion(challenge=challenge)
        criterion.name = str(row.get("name", "")).strip()
        criterion.guidance = str(row.get("guidance", "") or "").strip()
        criterion.weight = row.get("weight")
        criterion.max_score = row.get("max_score") or DEFAULT_MAX_SCORE
        criterion.order = order
        criterion.full_clean(exclude=["challenge"])
        kept.append(criterion)
    for gone in existing.values():
        gone.delete()
    for criterion in kept:
        criterion.save()
    _log(challenge, EventAction.RUBRIC_CHANGED, by=by, reason=_rubric_summary(kept))
    return kept


# --------------------------------------------------------------------------- reviewers
def _make_reviewer(user: User) -> None:
    if not user.is_reviewer:
        User.objects.filter(pk=user.pk).update(is_reviewer=True)
        user.is_reviewer = True


def _notify_assigned(assignment: ReviewerAssignment) -> None:
    challenge = assignment.panel.challenge
    notify(
        [assignment.reviewer],
        "review.assigned",
        challenge,
        _challenge_context(challenge, url=reverse("review:index")),
    )


@transaction.atomic
def reviewer_assign(
    *,
    challenge: Challenge,
    reviewer: User,
    by: User,
    nominated_by: Organization | None = None,
    now: dt.datetime | None = None,
) -> ReviewerAssignment:
    """Put an existing user on the panel; they get reviewer access (and nothing else)."""
    now = now or timezone.now()
    if nominated_by is None and not is_operator(by):
        raise ValidationError(_("Only the programme office assigns reviewers."))
    panel = _lock_panel(challenge)
    challenge = panel.challenge
    if not reviewer.is_active:
        raise ValidationError(_("This account is deactivated."))
    assignment = (
        ReviewerAssignment.objects.select_for_update()
        .filter(panel=panel, reviewer=reviewer)
        .first()
    )
    if assignment is not None and assignment.status == AssignmentStatus.ACTIVE:
        raise ValidationError(
            _("%(name)s is already on the panel.") % {"name": reviewer.get_full_name()}
        )
    _make_reviewer(reviewer)
    if assignment is None:
        assignment = ReviewerAssignment(panel=panel, reviewer=reviewer)
    assignment.status = AssignmentStatus.ACTIVE
    assignment.assigned_by = by
    assignment.assigned_at = now
    assignment.removed_at = None
    assignment.nominated_by = nominated_by
    assignment.full_clean(exclude=["panel", "reviewer"])
    assignment.save()
    assignment.panel = panel
    action = EventAction.REVIEWER_NOMINATED if nominated_by else EventAction.REVIEWER_ASSIGNED
    _log(challenge, action, by=by, subject=str(reviewer), now=now)
    _record_automatic_conflicts(assignment, now=now)
    _notify_assigned(assignment)
    return assignment


@transaction.atomic
def reviewer_invite(
    *, challenge: Challenge, email: str, by: User, now: dt.datetime | None = None
) -> ReviewerAssignment:
    """Invite someone by e-mail. With an account they are assigned at once; without one they
    get a link to create an account, which has reviewer access only."""
    if not is_operator(by):
        raise ValidationError(_("Only the programme office invites reviewers."))
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from exc
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return reviewer_assign(challenge=challenge, reviewer=user, by=by, now=now)
    now = now or timezone.now()
    panel = _lock_panel(challenge)
    challenge = panel.challenge
    if ReviewerAssignment.objects.filter(
        panel=panel, invited_email__iexact=email, status=AssignmentStatus.INVITED
    ).exists():
        raise ValidationError(
            {"email": _("An invitation to this address is already waiting for an answer.")}
        )
    assignment = ReviewerAssignment(
        panel=panel,
        invited_email=email,
        status=AssignmentStatus.INVITED,
        assigned_by=by,
        assigned_at=now,
    )
    assignment.full_clean(exclude=["panel"])
    assignment.save()
    _log(challenge, EventAction.REVIEWER_INVITED, by=by, subject=email, now=now)
    notify(
        [email],
        "review.invitation",
        challenge,
        _challenge_context(
            challenge,
            invited_by=str(by),
            url=reverse("evaluation:invitation", args=[assignment.token]),
        ),
    )
    return assignment


@transaction.atomic
def reviewer_invitation_accept(
    *, assignment: ReviewerAssignment, user: User, now: dt.datetime | None = None
) -> ReviewerAssignment:
    """The invited person, signed in with the invited address, joins the panel."""
    now = now or timezone.now()
    assignment = (
        ReviewerAssignment.objects.select_for_update(of=("self",))
        .select_related("panel__challenge")
        .get(pk=assignment.pk)
    )
    if assignment.status != AssignmentStatus.INVITED:
        raise ValidationError(_("This invitation has already been answered or withdrawn."))
    if user.email.lower() != assignment.invited_email.lower():
        raise ValidationError(
            _("This invitation was sent to %(email)s. Sign in with that address to accept it.")
            % {"email": assignment.invited_email}
        )
    challenge = assignment.panel.challenge
    if challenge.state not in rules.PANEL_STATES:
        raise ValidationError(_("The evaluation of this challenge is over."))
    _make_reviewer(user)
    existing = (
        ReviewerAssignment.objects.select_for_update()
        .filter(panel=assignment.panel, reviewer=user)
        .first()
    )
    if existing is not None:
        # Already on the panel (or removed earlier): the invitation folds into that seat.
        assignment.status = AssignmentStatus.REMOVED
        assignment.removed_at = now
        assignment.save(update_fields=["status", "removed_at"])
        if existing.status == AssignmentStatus.ACTIVE:
            return existing
        assignment = existing
        assignment.removed_at = None
    else:
        assignment.reviewer = user
    assignment.status = AssignmentStatus.ACTIVE
    assignment.accepted_at = now
    assignment.save()
    _log(challenge, EventAction.INVITATION_ACCEPTED, by=user, subject=str(user), now=now)
    _record_automatic_conflicts(assignment, now=now)
    return assignment


def reviewer_invitations_accept_for(*, user: User) -> list[ReviewerAssignment]:
    """Accept every open reviewer invitation addressed to the user's (verified) e-mail."""
    accepted = []
    for assignment in ReviewerAssignment.objects.filter(
        invited_email__iexact=user.email, status=AssignmentStatus.INVITED, reviewer__isnull=True
    ):
        try:
            accepted.append(reviewer_invitation_accept(assignment=assignment, user=user))
        except ValidationError:
            continue
    return accepted


@transaction.atomic
def reviewer_remove(
    *, assignment: ReviewerAssignment, by: User, reason: str = "", now: dt.datetime | None = None
) -> ReviewerAssignment:
    """Take a reviewer off the panel (or withdraw an invitation); their reviews stop counting."""
    now = now or timezone.now()
    if not is_operator(by):
        raise ValidationError(_("Only the programme office removes reviewers."))
    panel = _lock_panel(Challenge(pk=assignment.panel.challenge_id))
    assignment = ReviewerAssignment.objects.select_for_update().get(pk=assignment.pk, panel=panel)
    if assignment.status == AssignmentStatus.REMOVED:
        raise ValidationError(_("This reviewer is no longer on the panel."))
    was_active = assignment.status == AssignmentStatus.ACTIVE
    assignment.status = AssignmentStatus.REMOVED
    assignment.removed_at = now
    assignment.save(update_fields=["status", "removed_at"])
    challenge = panel.challenge
    if assignment.reviewer_id:
        for bid in Bid.objects.filter(challenge=challenge):
            _revoke_review(assignment.reviewer, bid)
    _log(
        challenge,
        EventAction.REVIEWER_REMOVED,
        by=by,
        subject=assignment.display_name,
        reason=(reason or "").strip(),
        now=now,
    )
    if was_active and assignment.reviewer_id:
        notify(
            [assignment.reviewer],
            "review.unassigned",
            challenge,
            _challenge_context(challenge, url=reverse("review:index")),
        )
    return assignment


@transaction.atomic
def reviewer_nominate(
    *, challenge: Challenge, member: User, by: User, now: dt.datetime | None = None
) -> ReviewerAssignment:
    """The demand entity puts one of its members on the panel (one nominee per challenge)."""
    challenge = Challenge.objects.select_related("organization").get(pk=challenge.pk)
    if not rules.can_nominate_reviewer(by, challenge):
        raise ValidationError(
            _("Only the owners and managers of the demand entity can nominate a reviewer.")
        )
    if not Membership.objects.filter(
        organization=challenge.organization, user=member, user__is_active=True
    ).exists():
        raise ValidationError({"member": _("Choose a member of your organization.")})
    _panel_get_or_create(challenge, by=by)
    panel = _lock_panel(challenge)
    if (
        ReviewerAssignment.objects.filter(panel=panel, nominated_by=challenge.organization)
        .exclude(status=AssignmentStatus.REMOVED)
        .exists()
    ):
        raise ValidationError(
            _("Your organization has already nominated a reviewer for this challenge.")
        )
    assignment = reviewer_assign(
        challenge=challenge, reviewer=member, by=by, nominated_by=challenge.organization, now=now
    )
    notify(
        _operators(),
        "review.nominated",
        challenge,
        _challenge_context(
            challenge,
            reviewer=str(member),
            url=reverse("evaluation:operator_challenge", args=[challenge.pk]),
        ),
    )
    return assignment
